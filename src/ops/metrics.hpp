#pragma once
// A small thread-safe Prometheus registry: counters, gauges and histograms with labels, plus
// callback families evaluated at scrape time, rendered in the text exposition format 0.0.4.
// Increments are atomics on a child resolved once; only a label lookup takes a (shared) lock.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace kt::ops {

/// A monotonically increasing value.
class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Observations counted into fixed upper bounds (ascending, +Inf implied).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  /// Cumulative counts per bound, the last one for +Inf.
  std::vector<std::uint64_t> cumulative_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bound, non-cumulative; last = +Inf
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

/// One sample of a callback family: label values in the family's label order, and the value.
struct Sample {
  std::vector<std::string> labels;
  double value = 0;
};
using SampleCallback = std::function<std::vector<Sample>()>;

/// Children of one metric family keyed by label values. Beyond `kMaxSeries` distinct label sets,
/// new ones fold into a child whose every label is "other" (a guard against unbounded labels).
template <class T>
class Family {
 public:
  static constexpr std::size_t kMaxSeries = 500;

  /// The child for these label values (as many as the family's label names); created once.
  T& with(const std::vector<std::string>& label_values);
  /// The child of a family without labels.
  T& get() { return with({}); }

 private:
  friend class Registry;
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<T>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<T>()> make_;
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

/// Owns the families and renders them, in registration order, children sorted by label values.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Registering a name twice is a programming error (std::logic_error), as is an invalid name.
  Family<Counter>& counter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  Family<Gauge>& gauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  Family<Histogram>& histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                               std::vector<std::string> labels = {});
  /// A counter or gauge family whose samples `callback` produces at every scrape. A callback that
  /// throws contributes no samples (the scrape still succeeds).
  void callback(const std::string& name, const std::string& help, MetricType type, std::vector<std::string> labels,
                SampleCallback callback);

  /// The text exposition format 0.0.4.
  std::string render() const;

 private:
  struct Entry;
  Entry& add(const std::string& name, const std::string& help, MetricType type, std::vector<std::string> labels);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

/// `value` as Prometheus writes a float: shortest round-trip form, "+Inf", "-Inf", "NaN".
std::string format_metric_value(double value);
/// A label value with \\, \" and \n escaped.
std::string escape_label_value(const std::string& value);

/// Default latency buckets in seconds (5 ms .. 10 s).
std::vector<double> latency_buckets();

// --- the bot's metrics ---------------------------------------------------------------------------

/// Where an HTTP 429 (rate limited) answer came from.
enum class RateLimitedService { kTelegram, kRpc, kDexscreener, kJupiter };

/// One RPC endpoint at scrape time (from solana::RpcPool::status()).
struct RpcEndpointSample {
  std::string endpoint;  ///< already redacted (EndpointStatus::url is)
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  int breaker = 0;  ///< 0 closed, 1 half-open, 2 open
};

/// One price source at scrape time; no age = never answered (rendered as +Inf).
struct PriceSourceSample {
  std::string source;
  std::optional<double> age_seconds;
};

/// The outbound queue at scrape time.
struct OutboundSample {
  std::uint64_t depth = 0;
  std::uint64_t retried_429 = 0;  ///< OutboundCounters::retried_429 (cumulative)
};

/// The webhook listener at scrape time (webhook mode only); counters are cumulative.
struct WebhookSample {
  std::uint64_t open_connections = 0;
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_refused = 0;  ///< beyond the listener's connection limit
  std::uint64_t requests = 0;
  std::uint64_t timeouts = 0;  ///< 503 at the ack timeout, 408, and idle or write timeouts
};

/// An SQLite file database's WAL checkpointer at scrape time; counters are cumulative.
struct WalCheckpointSample {
  std::uint64_t passive = 0;  ///< beside the writer
  std::uint64_t locked = 0;   ///< under the writer lock, so the WAL can start over
  std::uint64_t inline_ = 0;  ///< run by a commit itself: the checkpointer fell behind
  std::uint64_t failures = 0;
};

/// Every metric the bot exports, named in one place. Direct handles for the hot path; the
/// set_* sources are read at scrape time (set them once while wiring; thread-safe).
class BotMetrics {
 public:
  explicit BotMetrics(Registry& registry);
  ~BotMetrics();

  /// One Telegram update (or console line) taken in.
  void update_received() { updates_received_.inc(); }
  /// A finished command: `name` must come from a bounded set (the parsed command, not user text);
  /// `outcome` e.g. "ok", "rejected", "error".
  void command_finished(const std::string& name, const std::string& outcome, double seconds);
  void trade_opened() { trades_opened_.inc(); }
  void trade_closed() { trades_closed_.inc(); }
  void tracker_cycle(double seconds) { tracker_cycle_.observe(seconds); }
  /// A 429 answer from `service` (Telegram 429s counted by the outbound queue come via set_outbound).
  void rate_limited(RateLimitedService service);

  void set_open_positions(std::function<std::optional<double>()> source);
  void set_rpc_endpoints(std::function<std::vector<RpcEndpointSample>()> source);
  void set_price_sources(std::function<std::vector<PriceSourceSample>()> source);
  void set_outbound(std::function<OutboundSample()> source);
  void set_webhook(std::function<WebhookSample()> source);
  void set_wal_checkpoints(std::function<WalCheckpointSample()> source);

 private:
  struct Sources;
  std::shared_ptr<Sources> sources_;
  Counter& updates_received_;
  Family<Counter>& commands_;
  Family<Histogram>& command_latency_;
  Family<Counter>& trades_;
  Counter& trades_opened_;
  Counter& trades_closed_;
  Histogram& tracker_cycle_;
};

}  // namespace kt::ops
