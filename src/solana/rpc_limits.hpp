#pragma once
// Per-endpoint rate limit and circuit breaker of the RpcPool; both take `now`, neither reads a clock.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.hpp"

namespace kt::solana {

/// A token bucket (as GCRA, in integer microseconds): `rate` requests per second, up to `burst` at once.
class TokenBucket {
 public:
  TokenBucket(double requests_per_second, int burst);

  /// Takes a token if one is available at `now`.
  bool try_take(TimePoint now);
  /// How long until a token is available (zero if one is now), rounded up to a millisecond.
  Millis wait_time(TimePoint now) const;

 private:
  std::chrono::microseconds interval_;
  std::chrono::microseconds tolerance_;
  TimePoint tat_{};  // theoretical arrival time of the next request
};

enum class BreakerState { kClosed, kOpen, kHalfOpen };
std::string_view to_string(BreakerState state);

/// A state change of a breaker, for the log.
struct BreakerTransition {
  BreakerState from;
  BreakerState to;
};

/// closed → open after `threshold` consecutive failures → half-open once `cooldown` has passed (the
/// caller probes) → closed on a success, open again on a failure.
class CircuitBreaker {
 public:
  CircuitBreaker(int threshold, Millis cooldown) : threshold_(threshold), cooldown_(cooldown) {}

  BreakerState state() const { return state_; }
  int consecutive_failures() const { return failures_; }
  /// Closed or half-open: real traffic may go. Open: nothing may, until probe_due.
  bool allows_traffic() const { return state_ != BreakerState::kOpen; }
  /// Open and its cool-down is over: the caller should probe (and call begin_probe).
  bool probe_due(TimePoint now) const { return state_ == BreakerState::kOpen && now >= opened_at_ + cooldown_; }
  /// When an open breaker may be probed.
  TimePoint probe_at() const { return opened_at_ + cooldown_; }

  std::optional<BreakerTransition> begin_probe(TimePoint now);
  std::optional<BreakerTransition> on_success();
  std::optional<BreakerTransition> on_failure(TimePoint now);

 private:
  std::optional<BreakerTransition> move_to(BreakerState next);

  int threshold_;
  Millis cooldown_;
  BreakerState state_ = BreakerState::kClosed;
  int failures_ = 0;
  TimePoint opened_at_{};
};

}  // namespace kt::solana
