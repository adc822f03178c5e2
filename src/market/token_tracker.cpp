#include "market/token_tracker.hpp"

#include <algorithm>
#include <cmath>

#include "core/thread_name.hpp"

namespace kt::market {
namespace {

constexpr std::chrono::hours kHistorySpan{25};  // 24 h window + the point before it for change_24h

/// Looks up keys given in ascending order with one walk over a map, instead of a search per key
/// (a cycle visits every tracked mint in order, and each search costs ~14 Mint comparisons).
template <class Map>
class AscendingLookup {
 public:
  explicit AscendingLookup(Map& map) : map_(map), next_(map.begin()) {}
  typename Map::iterator find(const Mint& key) {
    while (next_ != map_.end() && next_->first < key) ++next_;
    return next_ != map_.end() && next_->first == key ? next_ : map_.end();
  }
  std::pair<typename Map::iterator, bool> try_emplace(const Mint& key) {
    const auto found = find(key);
    if (found != map_.end()) return {found, false};
    return {map_.emplace_hint(next_, key, typename Map::mapped_type{}), true};  // next_ follows key
  }
  typename Map::mapped_type& operator[](const Mint& key) { return try_emplace(key).first->second; }

 private:
  Map& map_;
  typename Map::iterator next_;
};

/// A history seen for the first time: its stored points of the last 25 h.
Result<void> load_history(storage::Transaction& tx, const Mint& mint, TimePoint now, MetricsWindow& into) {
  KT_TRY(const auto stored, tx.price_history(mint, now - kHistorySpan, now));
  for (const auto& r : stored) into.add({r.observed_at, r.price.sol_per_token(r.decimals)});
  return ok_result();
}

/// The default metrics store: every row of the cycle in one batch.
Result<void> store_all_metrics(storage::Transaction& tx, std::span<const TokenMetrics> computed) {
  std::vector<storage::TokenMetricsRecord> records;
  records.reserve(computed.size());
  for (const auto& m : computed) {
    if (auto record = metrics_record(m)) records.push_back(std::move(*record));  // else keep the old row
  }
  return tx.upsert_token_metrics_many(records);
}

}  // namespace

std::optional<storage::TokenMetricsRecord> metrics_record(const TokenMetrics& metrics) {
  // Storage refuses NaN and infinities (which would fail the whole cycle); an overflowing
  // statistic of an exotic token is just not known.
  const auto finite = [](std::optional<double> v) { return v && std::isfinite(*v) ? v : std::nullopt; };
  if (!finite(metrics.last_price_sol)) return std::nullopt;
  storage::TokenMetricsRecord record;
  record.mint = metrics.mint;
  record.last_price_sol = *metrics.last_price_sol;
  record.change_1h_pct = finite(metrics.change_1h_pct);
  record.change_24h_pct = finite(metrics.change_24h_pct);
  record.high_24h = finite(metrics.high_24h);
  record.low_24h = finite(metrics.low_24h);
  record.volatility_24h = finite(metrics.volatility_24h);
  record.updated_at = metrics.updated_at;
  return record;
}

TokenTracker::TokenTracker(storage::Repository& repository, PriceService& prices, const Clock& clock,
                           TrackerOptions options)
    : repository_(repository), prices_(prices), clock_(clock), options_(options) {}

TokenTracker::~TokenTracker() { stop(); }

void TokenTracker::note_viewed(const Mint& mint, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto& at = viewed_[mint];
  at = std::max(at, now);
}

void TokenTracker::set_extra_mints(std::function<std::vector<Mint>()> extra_mints) {
  std::lock_guard lock(mutex_);
  extra_mints_ = std::move(extra_mints);
}
void TokenTracker::set_on_tick(std::function<void(const Quote&)> on_tick) {
  std::lock_guard lock(mutex_);
  on_tick_ = std::move(on_tick);
}
void TokenTracker::set_metrics_store(MetricsStore store) {
  std::lock_guard lock(mutex_);
  metrics_store_ = std::move(store);
}
void TokenTracker::set_logger(std::function<void(std::string)> logger) {
  std::lock_guard lock(mutex_);
  logger_ = std::move(logger);
}

std::optional<TokenMetrics> TokenTracker::metrics(const Mint& mint) const {
  std::lock_guard lock(mutex_);
  const auto it = metrics_.find(mint);
  if (it == metrics_.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<Mint>> TokenTracker::tracked(TimePoint now) {
  std::vector<Mint> others;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(others, tx.mints_with_open_positions());
    return ok_result();
  }));
  std::vector<Mint> mints;
  std::function<std::vector<Mint>()> extra;
  {
    std::lock_guard lock(mutex_);
    mints.reserve(viewed_.size() + others.size());
    for (auto it = viewed_.begin(); it != viewed_.end();) {
      if (it->second + options_.viewed_ttl < now) {
        it = viewed_.erase(it);
      } else {
        mints.push_back(it->first);  // in order: viewed_ is sorted
        ++it;
      }
    }
    extra = extra_mints_;
  }
  if (extra) {
    for (auto& m : extra()) others.push_back(std::move(m));
  }
  // The viewed mints are the many and already sorted: sort the few others and merge them in.
  std::sort(others.begin(), others.end());
  const auto middle = static_cast<std::ptrdiff_t>(mints.size());
  mints.insert(mints.end(), std::make_move_iterator(others.begin()), std::make_move_iterator(others.end()));
  std::inplace_merge(mints.begin(), mints.begin() + middle, mints.end());
  mints.erase(std::unique(mints.begin(), mints.end()), mints.end());
  return mints;
}

Result<CycleReport> TokenTracker::run_cycle(TimePoint now) {
  std::lock_guard cycle(cycle_mutex_);
  KT_TRY(const std::vector<Mint> mints, tracked(now));
  CycleReport report;
  report.tracked = mints.size();
  const auto quotes = prices_.quote_many(mints, now);

  // Quotes answer `mints` entry by entry, so they come in ascending mint order like every map here.
  std::vector<const Quote*> fresh;
  AscendingLookup published(last_published_);
  for (const auto& q : quotes) {
    if (!q.ok()) {
      ++report.failed;
      continue;
    }
    const auto last = published.find(q->mint);
    if (last != last_published_.end() && q->observed_at <= last->second) continue;  // a reused quote
    fresh.push_back(&*q);
  }
  std::vector<Mint> dropped;
  std::set_difference(active_.begin(), active_.end(), mints.begin(), mints.end(), std::back_inserter(dropped));
  MetricsStore store;
  {
    std::lock_guard lock(mutex_);
    store = metrics_store_;
  }

  std::vector<TokenMetrics> computed;
  std::vector<storage::PriceRecord> prices;
  std::size_t deactivated = 0;
  auto written = repository_.write([&](storage::Transaction& tx) -> Result<void> {
    computed.clear();
    computed.reserve(fresh.size());
    prices.clear();
    prices.reserve(fresh.size());
    deactivated = 0;
    AscendingLookup histories(history_);
    for (const Quote* fresh_quote : fresh) {
      const Quote& q = *fresh_quote;
      // Load the stored history before inserting this observation, or it would be counted twice.
      const auto [entry, inserted] = histories.try_emplace(q.mint);
      if (inserted) {
        if (auto loaded = load_history(tx, q.mint, now, entry->second); !loaded.ok()) {
          history_.erase(entry);
          return loaded;
        }
      }
      auto& history = entry->second;
      prices.push_back(storage::PriceRecord{q.mint, q.price, q.decimals, q.usd_per_token, q.source, q.observed_at});
      history.add({q.observed_at, q.price.sol_per_token(q.decimals)});
      history.expire(now - kHistorySpan);
      computed.push_back(history.metrics(q.mint, now));  // = compute_token_metrics(q.mint, points, now)
    }
    // Batches: a cycle writes a row of each per token, so single-row statements would dominate it.
    KT_TRY_VOID(tx.insert_prices(prices));
    if (store) {
      for (const auto& m : computed) KT_TRY_VOID(store(tx, m));
    } else {
      KT_TRY_VOID(store_all_metrics(tx, computed));
    }
    // Only known tokens have an is_active flag; unknown ones are skipped.
    KT_TRY_VOID(tx.set_tokens_active(mints, true));
    KT_TRY(deactivated, tx.set_tokens_active(dropped, false));
    return ok_result();
  });
  if (!written.ok()) {
    // The in-memory history may hold points whose rows rolled back: reload it next time.
    for (const Quote* q : fresh) history_.erase(q->mint);
    return std::move(written).error();
  }
  for (const auto& m : dropped) {
    history_.erase(m);
    last_published_.erase(m);
  }
  active_ = mints;
  report.deactivated = deactivated;
  report.fresh = fresh.size();

  std::function<void(const Quote&)> on_tick;
  {
    std::lock_guard lock(mutex_);
    AscendingLookup stored(metrics_);
    for (auto& m : computed) stored[m.mint] = std::move(m);
    for (const auto& m : dropped) metrics_.erase(m);
    on_tick = on_tick_;
  }
  AscendingLookup publish(last_published_);
  for (const Quote* q : fresh) {
    publish[q->mint] = q->observed_at;
    if (on_tick) on_tick(*q);
  }
  return report;
}

void TokenTracker::start(Millis interval, TrackerSleeper sleeper) {
  stop();
  stopping_ = false;
  if (!sleeper) {
    sleeper = [this](Millis d) {
      std::unique_lock lock(wait_mutex_);
      wait_cv_.wait_for(lock, d, [this] { return stopping_.load(); });
    };
  }
  thread_ = std::thread([this, interval, sleeper = std::move(sleeper)] {
    name_this_thread("kt-tracker");
    while (!stopping_) {
      auto r = run_cycle(clock_.now());
      if (!r.ok()) {
        std::function<void(std::string)> logger;
        {
          std::lock_guard lock(mutex_);
          logger = logger_;
        }
        if (logger) logger("tracker cycle failed: " + r.error().code + ": " + r.error().message);
      }
      if (stopping_) break;
      sleeper(interval);
    }
  });
}

void TokenTracker::stop() {
  {
    std::lock_guard lock(wait_mutex_);
    stopping_ = true;
  }
  wait_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace kt::market
