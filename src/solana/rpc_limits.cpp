#include "solana/rpc_limits.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace kt::solana {

TokenBucket::TokenBucket(double requests_per_second, int burst) {
  if (!(requests_per_second > 0) || burst < 1)
    throw std::invalid_argument("token bucket needs a positive rate and burst");
  interval_ = std::chrono::microseconds(static_cast<std::int64_t>(std::llround(1e6 / requests_per_second)));
  if (interval_.count() < 1) interval_ = std::chrono::microseconds(1);
  tolerance_ = interval_ * (burst - 1);
}

bool TokenBucket::try_take(TimePoint now) {
  const TimePoint tat = std::max(tat_, now);
  if (tat - tolerance_ > now) return false;
  tat_ = tat + interval_;
  return true;
}

Millis TokenBucket::wait_time(TimePoint now) const {
  const TimePoint tat = std::max(tat_, now);
  const auto wait = tat - tolerance_ - now;
  if (wait <= TimePoint::duration::zero()) return Millis{0};
  return std::chrono::ceil<Millis>(wait);
}

std::string_view to_string(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed: return "closed";
    case BreakerState::kOpen: return "open";
    case BreakerState::kHalfOpen: return "half-open";
  }
  return "?";
}

std::optional<BreakerTransition> CircuitBreaker::move_to(BreakerState next) {
  if (next == state_) return std::nullopt;
  const BreakerTransition t{state_, next};
  state_ = next;
  return t;
}

std::optional<BreakerTransition> CircuitBreaker::begin_probe(TimePoint now) {
  if (!probe_due(now)) return std::nullopt;
  return move_to(BreakerState::kHalfOpen);
}

std::optional<BreakerTransition> CircuitBreaker::on_success() {
  failures_ = 0;
  return move_to(BreakerState::kClosed);
}

std::optional<BreakerTransition> CircuitBreaker::on_failure(TimePoint now) {
  ++failures_;
  if (state_ == BreakerState::kHalfOpen || (state_ == BreakerState::kClosed && failures_ >= threshold_)) {
    opened_at_ = now;
    return move_to(BreakerState::kOpen);
  }
  return std::nullopt;
}

}  // namespace kt::solana
