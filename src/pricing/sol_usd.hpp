#pragma once
// The latest SOL/USD price seen by any source, shared so that dollar-quoted prices can be turned
// into SOL and SOL prices can be shown in dollars.
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace kt::pricing {

/// One SOL/USD observation: the exact decimal text, where it came from and when.
struct SolUsd {
  std::string usd_text;  ///< "147.48"
  double usd = 0;        ///< display only
  std::string source;
  TimePoint observed_at{};
};

/// Thread-safe holder of the newest SOL/USD observation.
class SolUsdCache {
 public:
  explicit SolUsdCache(Millis max_age = Millis{300'000}) : max_age_(max_age) {}

  /// Keeps `value` unless a newer observation is already held.
  void put(SolUsd value) {
    std::lock_guard lock(mutex_);
    if (!value_ || value_->observed_at <= value.observed_at) value_ = std::move(value);
  }
  /// The newest observation if it is not older than max_age at `now` (and not from the future).
  std::optional<SolUsd> get(TimePoint now) const {
    std::lock_guard lock(mutex_);
    if (!value_ || value_->observed_at > now || now - value_->observed_at > max_age_) return std::nullopt;
    return value_;
  }
  /// Sets how a stale value is refreshed (e.g. one DexScreener call for wrapped SOL).
  void set_refresher(std::function<void(SolUsdCache&, TimePoint)> refresher, Millis min_interval = Millis{30'000}) {
    std::lock_guard lock(mutex_);
    refresher_ = std::move(refresher);
    min_interval_ = min_interval;
  }
  /// get(now), running the refresher first when the value is stale (at most once per min_interval).
  std::optional<SolUsd> get_or_refresh(TimePoint now) {
    if (auto v = get(now)) return v;
    std::function<void(SolUsdCache&, TimePoint)> refresher;
    {
      std::lock_guard lock(mutex_);
      if (!refresher_ || (last_refresh_ && now >= *last_refresh_ && now - *last_refresh_ < min_interval_))
        return std::nullopt;
      last_refresh_ = now;
      refresher = refresher_;
    }
    refresher(*this, now);
    return get(now);
  }

 private:
  Millis max_age_;
  mutable std::mutex mutex_;
  std::optional<SolUsd> value_;
  std::function<void(SolUsdCache&, TimePoint)> refresher_;
  Millis min_interval_{30'000};
  std::optional<TimePoint> last_refresh_;
};

}  // namespace kt::pricing
