#pragma once
// The token tracker: refreshes the prices of every token someone cares about on a timer, stores
// them, keeps token metrics and publishes a tick per fresh quote.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "market/metrics_window.hpp"
#include "market/price_service.hpp"
#include "market/token_metrics.hpp"
#include "storage/repository.hpp"

namespace kt::market {

/// Tuning of the tracker (from tracker.* in the config).
struct TrackerOptions {
  Millis viewed_ttl{3'600'000};  ///< a viewed token stays tracked this long
};

/// What one cycle did.
struct CycleReport {
  std::size_t tracked = 0;      ///< mints in the tracked set
  std::size_t fresh = 0;        ///< fresh quotes stored and published
  std::size_t failed = 0;       ///< mints without a quote this cycle
  std::size_t deactivated = 0;  ///< tokens marked is_active = false
};

/// Writes one token_metrics row inside the cycle's transaction, in place of the default (every
/// row of the cycle in one `tx.upsert_token_metrics_many` of metrics_record(m)); tests observe the
/// metrics through it.
using MetricsStore = std::function<Result<void>(storage::Transaction&, const TokenMetrics&)>;
/// The stored form of `metrics` (non-finite statistics become nullopt); nullopt when it has no
/// finite last price.
std::optional<storage::TokenMetricsRecord> metrics_record(const TokenMetrics& metrics);
/// Waits between cycles; returns early (any value) when stop() is called. Tests advance a clock.
using TrackerSleeper = std::function<void(Millis)>;

/// Tracked set = mints with open positions + mints viewed within viewed_ttl + extra_mints()
/// (pending orders). run_cycle refreshes them with one PriceService::quote_many (curve tokens go
/// out in getMultipleAccounts calls of ≤ 100 keys, the rest in the APIs' batch calls).
/// Thread-safe: note_viewed may be called from any thread while cycles run.
class TokenTracker {
 public:
  TokenTracker(storage::Repository& repository, PriceService& prices, const Clock& clock, TrackerOptions options = {});
  ~TokenTracker();
  TokenTracker(const TokenTracker&) = delete;
  TokenTracker& operator=(const TokenTracker&) = delete;

  /// A user looked at `mint` (/price, /info): track it for viewed_ttl from `now`.
  void note_viewed(const Mint& mint, TimePoint now);
  /// Extra mints to track each cycle (pending orders).
  void set_extra_mints(std::function<std::vector<Mint>()> extra_mints);
  /// Called once per fresh quote, after the cycle's transaction committed, outside any lock.
  void set_on_tick(std::function<void(const Quote&)> on_tick);
  /// Replaces how metrics are stored (default: Transaction::upsert_token_metrics); an empty
  /// function restores the default.
  void set_metrics_store(MetricsStore store);
  /// Receives one line per failed cycle.
  void set_logger(std::function<void(std::string)> logger);

  /// The tracked set at `now`, sorted.
  Result<std::vector<Mint>> tracked(TimePoint now);
  /// One refresh: quotes, token_prices rows, metrics, deactivations, ticks.
  Result<CycleReport> run_cycle(TimePoint now);
  /// The latest metrics of a mint computed by a cycle.
  std::optional<TokenMetrics> metrics(const Mint& mint) const;

  /// Runs a cycle now and then every `interval` on a background thread until stop(). A failing cycle
  /// is logged and the loop goes on. `sleeper` defaults to a wait that stop() interrupts.
  void start(Millis interval, TrackerSleeper sleeper = {});
  void stop();

 private:
  storage::Repository& repository_;
  PriceService& prices_;
  const Clock& clock_;
  TrackerOptions options_;

  mutable std::mutex mutex_;
  std::map<Mint, TimePoint> viewed_;
  std::function<std::vector<Mint>()> extra_mints_;
  std::function<void(const Quote&)> on_tick_;
  MetricsStore metrics_store_;
  std::function<void(std::string)> logger_;
  std::map<Mint, TokenMetrics> metrics_;

  // Touched only by the cycle (one at a time: cycle_mutex_).
  std::mutex cycle_mutex_;
  std::vector<Mint> active_;  ///< the tracked set of the last committed cycle, sorted
  std::map<Mint, TimePoint> last_published_;
  /// Price points of each mint with their metrics state, the last 25 h, loaded from storage on
  /// first sight.
  std::map<Mint, MetricsWindow> history_;

  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex wait_mutex_;
  std::condition_variable wait_cv_;
};

}  // namespace kt::market
