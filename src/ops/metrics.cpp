#include "ops/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace kt::ops {

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::logic_error("histogram bounds must be strictly ascending");
  }
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  // Prometheus buckets are "less than or equal": v == bound falls into that bound's bucket.
  const auto index = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

template <class T>
T& Family<T>::with(const std::vector<std::string>& label_values) {
  if (label_values.size() != label_names_.size()) {
    throw std::logic_error(
        fmt::format("metric expects {} label values, got {}", label_names_.size(), label_values.size()));
  }
  {
    std::shared_lock lock(mutex_);
    if (auto it = children_.find(label_values); it != children_.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto key = label_values;
  if (children_.size() >= kMaxSeries && !children_.contains(key)) key.assign(label_names_.size(), "other");
  auto& slot = children_[key];
  if (!slot) slot = make_();
  return *slot;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<std::string> labels;
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
  SampleCallback callback;
};

namespace {

bool valid_name(const std::string& name, bool label) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!label && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return !(label && name.starts_with("__"));
}

std::string escape_help(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

/// `{a="x",b="y"}` (with an optional extra label last), or "" when there are none.
std::string label_set(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + escape_label_value(values[i]) + "\"";
  }
  if (!extra_name.empty()) out += (out.empty() ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  return out.empty() ? out : "{" + out + "}";
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Entry& Registry::add(const std::string& name, const std::string& help, MetricType type,
                               std::vector<std::string> labels) {
  if (!valid_name(name, false)) throw std::logic_error("invalid metric name: " + name);
  for (const auto& l : labels) {
    if (!valid_name(l, true) || l == "le") throw std::logic_error("invalid label name: " + l);
  }
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    if (e->name == name) throw std::logic_error("metric registered twice: " + name);
  }
  auto entry = std::make_unique<Entry>();
  entry->name = name;
  entry->help = help;
  entry->type = type;
  entry->labels = std::move(labels);
  entries_.push_back(std::move(entry));
  return *entries_.back();
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  Entry& e = add(name, help, MetricType::kCounter, labels);
  e.counters.reset(new Family<Counter>(std::move(labels), [] { return std::make_unique<Counter>(); }));
  if (e.labels.empty()) e.counters->get();  // an unlabelled metric shows 0 before its first event
  return *e.counters;
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  Entry& e = add(name, help, MetricType::kGauge, labels);
  e.gauges.reset(new Family<Gauge>(std::move(labels), [] { return std::make_unique<Gauge>(); }));
  if (e.labels.empty()) e.gauges->get();
  return *e.gauges;
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                                       std::vector<std::string> labels) {
  Histogram probe(bounds);  // validates the bounds now rather than at the first observation
  Entry& e = add(name, help, MetricType::kHistogram, labels);
  e.histograms.reset(
      new Family<Histogram>(std::move(labels), [bounds] { return std::make_unique<Histogram>(bounds); }));
  if (e.labels.empty()) e.histograms->get();
  return *e.histograms;
}

void Registry::callback(const std::string& name, const std::string& help, MetricType type,
                        std::vector<std::string> labels, SampleCallback callback) {
  if (type == MetricType::kHistogram) throw std::logic_error("callback families are counters or gauges: " + name);
  Entry& e = add(name, help, type, std::move(labels));
  e.callback = std::move(callback);
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& entry : entries_) {
    const Entry& e = *entry;
    out += "# HELP " + e.name + " " + escape_help(e.help) + "\n";
    out += "# TYPE " + e.name + " " + std::string(type_name(e.type)) + "\n";
    if (e.callback) {
      std::vector<Sample> samples;
      try {
        samples = e.callback();
      } catch (...) {
        samples.clear();
      }
      std::sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
      for (const auto& s : samples) {
        if (s.labels.size() != e.labels.size()) continue;
        out += e.name + label_set(e.labels, s.labels) + " " + format_metric_value(s.value) + "\n";
      }
    } else if (e.counters) {
      std::shared_lock family_lock(e.counters->mutex_);
      for (const auto& [labels, child] : e.counters->children_) {
        out += e.name + label_set(e.labels, labels) + " " + std::to_string(child->value()) + "\n";
      }
    } else if (e.gauges) {
      std::shared_lock family_lock(e.gauges->mutex_);
      for (const auto& [labels, child] : e.gauges->children_) {
        out += e.name + label_set(e.labels, labels) + " " + format_metric_value(child->value()) + "\n";
      }
    } else if (e.histograms) {
      std::shared_lock family_lock(e.histograms->mutex_);
      for (const auto& [labels, child] : e.histograms->children_) {
        // _count is the +Inf bucket, so a scrape racing observations stays self-consistent.
        const auto counts = child->cumulative_counts();
        const auto& bounds = child->bounds();
        for (std::size_t i = 0; i < counts.size(); ++i) {
          const std::string le = i < bounds.size() ? format_metric_value(bounds[i]) : "+Inf";
          out += e.name + "_bucket" + label_set(e.labels, labels, "le", le) + " " + std::to_string(counts[i]) + "\n";
        }
        out += e.name + "_sum" + label_set(e.labels, labels) + " " + format_metric_value(child->sum()) + "\n";
        out += e.name + "_count" + label_set(e.labels, labels) + " " + std::to_string(counts.back()) + "\n";
      }
    }
  }
  return out;
}

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::vector<double> latency_buckets() { return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}; }

}  // namespace kt::ops

// --- BotMetrics ----------------------------------------------------------------------------------
namespace kt::ops {

struct BotMetrics::Sources {
  std::mutex mutex;
  std::function<std::optional<double>()> open_positions;
  std::function<std::vector<RpcEndpointSample>()> rpc;
  std::function<std::vector<PriceSourceSample>()> prices;
  std::function<OutboundSample()> outbound;
  std::function<WebhookSample()> webhook;
  std::function<WalCheckpointSample()> wal_checkpoints;
  std::atomic<std::uint64_t> rate_limited[4] = {0, 0, 0, 0};

  template <class F>
  F get(F Sources::*member) {
    std::lock_guard lock(mutex);
    return this->*member;
  }
};

namespace {

std::string_view service_name(RateLimitedService s) {
  switch (s) {
    case RateLimitedService::kTelegram: return "telegram";
    case RateLimitedService::kRpc: return "rpc";
    case RateLimitedService::kDexscreener: return "dexscreener";
    case RateLimitedService::kJupiter: return "jupiter";
  }
  return "other";
}

}  // namespace

BotMetrics::BotMetrics(Registry& r)
    : sources_(std::make_shared<Sources>()),
      updates_received_(
          r.counter("kitrader_updates_received_total", "Telegram updates (or console lines) taken in.").get()),
      commands_(
          r.counter("kitrader_commands_total", "Commands handled, by command and outcome.", {"command", "outcome"})),
      command_latency_(r.histogram("kitrader_command_duration_seconds", "Time from update to reply, by command.",
                                   latency_buckets(), {"command"})),
      trades_(r.counter("kitrader_trades_total", "Trades executed, by action (open, close).", {"action"})),
      trades_opened_(trades_.with({"open"})),
      trades_closed_(trades_.with({"close"})),
      tracker_cycle_(r.histogram("kitrader_tracker_cycle_duration_seconds", "Duration of one tracker refresh cycle.",
                                 {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60})
                         .get()) {
  // Callbacks hold the shared sources, never `this`: a scrape after BotMetrics is gone stays safe.
  const std::shared_ptr<Sources> s = sources_;
  r.callback("kitrader_open_positions", "Open positions over all users.", MetricType::kGauge, {}, [s] {
    auto source = s->get(&Sources::open_positions);
    std::optional<double> v = source ? source() : std::nullopt;
    return v ? std::vector<Sample>{{{}, *v}} : std::vector<Sample>{};
  });
  auto rpc = [s](auto field) {
    return [s, field] {
      std::vector<Sample> out;
      auto source = s->get(&Sources::rpc);
      if (source) {
        for (const auto& e : source()) out.push_back({{e.endpoint}, field(e)});
      }
      return out;
    };
  };
  r.callback("kitrader_rpc_requests_total", "Solana RPC requests sent, by endpoint.", MetricType::kCounter,
             {"endpoint"}, rpc([](const RpcEndpointSample& e) { return static_cast<double>(e.requests); }));
  r.callback("kitrader_rpc_errors_total", "Solana RPC requests that failed, by endpoint.", MetricType::kCounter,
             {"endpoint"}, rpc([](const RpcEndpointSample& e) { return static_cast<double>(e.errors); }));
  r.callback("kitrader_rpc_breaker_state", "Circuit breaker per RPC endpoint: 0 closed, 1 half-open, 2 open.",
             MetricType::kGauge, {"endpoint"},
             rpc([](const RpcEndpointSample& e) { return static_cast<double>(e.breaker); }));
  r.callback(
      "kitrader_price_age_seconds", "Seconds since each price source last answered (+Inf: never).", MetricType::kGauge,
      {"source"}, [s] {
        std::vector<Sample> out;
        auto source = s->get(&Sources::prices);
        if (source) {
          for (const auto& p : source()) {
            out.push_back({{p.source}, p.age_seconds ? *p.age_seconds : std::numeric_limits<double>::infinity()});
          }
        }
        return out;
      });
  r.callback("kitrader_outbound_queue_depth", "Telegram API calls waiting or in flight.", MetricType::kGauge, {}, [s] {
    auto source = s->get(&Sources::outbound);
    return source ? std::vector<Sample>{{{}, static_cast<double>(source().depth)}} : std::vector<Sample>{};
  });
  // Webhook mode only: nothing is exported while polling.
  auto webhook = [s](auto field) {
    return [s, field] {
      auto source = s->get(&Sources::webhook);
      return source ? std::vector<Sample>{{{}, static_cast<double>(source().*field)}} : std::vector<Sample>{};
    };
  };
  r.callback("kitrader_webhook_connections_open", "Connections open to the webhook listener.", MetricType::kGauge, {},
             webhook(&WebhookSample::open_connections));
  r.callback("kitrader_webhook_connections_total", "Connections to the webhook listener, by what became of them.",
             MetricType::kCounter, {"outcome"}, [s] {
               auto source = s->get(&Sources::webhook);
               if (!source) return std::vector<Sample>{};
               const WebhookSample w = source();
               return std::vector<Sample>{{{"accepted"}, static_cast<double>(w.connections_accepted)},
                                          {{"refused"}, static_cast<double>(w.connections_refused)}};
             });
  r.callback("kitrader_webhook_requests_total", "Complete requests the webhook listener read.", MetricType::kCounter,
             {}, webhook(&WebhookSample::requests));
  r.callback("kitrader_webhook_timeouts_total",
             "Webhook requests answered 503 at the ack timeout or 408, and connections closed idle or unread.",
             MetricType::kCounter, {}, webhook(&WebhookSample::timeouts));
  // SQLite file databases only.
  r.callback("kitrader_sqlite_wal_checkpoints_total",
             "WAL checkpoints, by pass: passive (beside the writer), locked (so the WAL can start over), inline (a "
             "commit ran it: the checkpointer fell behind).",
             MetricType::kCounter, {"pass"}, [s] {
               auto source = s->get(&Sources::wal_checkpoints);
               if (!source) return std::vector<Sample>{};
               const WalCheckpointSample c = source();
               return std::vector<Sample>{{{"inline"}, static_cast<double>(c.inline_)},
                                          {{"locked"}, static_cast<double>(c.locked)},
                                          {{"passive"}, static_cast<double>(c.passive)}};
             });
  r.callback(
      "kitrader_sqlite_wal_checkpoint_failures_total", "WAL checkpoints that failed (still busy, or I/O).",
      MetricType::kCounter, {}, [s] {
        auto source = s->get(&Sources::wal_checkpoints);
        return source ? std::vector<Sample>{{{}, static_cast<double>(source().failures)}} : std::vector<Sample>{};
      });
  r.callback("kitrader_http_429_total", "HTTP 429 (rate limited) answers received, by service.", MetricType::kCounter,
             {"service"}, [s] {
               auto outbound = s->get(&Sources::outbound);
               std::vector<Sample> out;
               for (int i = 0; i < 4; ++i) {
                 double v = static_cast<double>(s->rate_limited[i].load(std::memory_order_relaxed));
                 if (i == static_cast<int>(RateLimitedService::kTelegram) && outbound) {
                   v += static_cast<double>(outbound().retried_429);
                 }
                 out.push_back({{std::string(service_name(static_cast<RateLimitedService>(i)))}, v});
               }
               return out;
             });
}

BotMetrics::~BotMetrics() = default;

void BotMetrics::command_finished(const std::string& name, const std::string& outcome, double seconds) {
  commands_.with({name, outcome}).inc();
  command_latency_.with({name}).observe(seconds);
}

void BotMetrics::rate_limited(RateLimitedService service) {
  sources_->rate_limited[static_cast<int>(service)].fetch_add(1, std::memory_order_relaxed);
}

void BotMetrics::set_open_positions(std::function<std::optional<double>()> source) {
  std::lock_guard lock(sources_->mutex);
  sources_->open_positions = std::move(source);
}
void BotMetrics::set_rpc_endpoints(std::function<std::vector<RpcEndpointSample>()> source) {
  std::lock_guard lock(sources_->mutex);
  sources_->rpc = std::move(source);
}
void BotMetrics::set_price_sources(std::function<std::vector<PriceSourceSample>()> source) {
  std::lock_guard lock(sources_->mutex);
  sources_->prices = std::move(source);
}
void BotMetrics::set_outbound(std::function<OutboundSample()> source) {
  std::lock_guard lock(sources_->mutex);
  sources_->outbound = std::move(source);
}
void BotMetrics::set_webhook(std::function<WebhookSample()> source) {
  std::lock_guard lock(sources_->mutex);
  sources_->webhook = std::move(source);
}

void BotMetrics::set_wal_checkpoints(std::function<WalCheckpointSample()> source) {
  std::lock_guard lock(sources_->mutex);
  sources_->wal_checkpoints = std::move(source);
}

}  // namespace kt::ops
