#pragma once
// Pre-trade rules. Each refusal names the rule and the numbers, with a stable code.
#include <cstdint>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/fill.hpp"
#include "domain/quote.hpp"
#include "domain/records.hpp"
#include "engine/engine_config.hpp"

namespace kt::engine {

class RiskPolicy {
 public:
  explicit RiskPolicy(RiskLimits limits) : limits_(limits) {}

  /// Size rules that need only the user: minimum and the role's per-position limit.
  Result<void> check_size(const User& user, Lamports size) const;
  /// Everything at the moment of the trade, under the wallet lock.
  Result<void> check_open(const User& user, const Wallet& wallet, std::int64_t open_positions, Lamports size,
                          const OpenFill& fill) const;
  /// The balance covers `size` plus the network fee (E-BALANCE otherwise).
  Result<void> check_balance(const Wallet& wallet, Lamports size, Lamports network_fee) const;
  /// The role's per-position limit, nullopt when unlimited.
  std::optional<Lamports> limit_for(Role role) const;

 private:
  RiskLimits limits_;
};

/// Refuses a quote older than `max_age` at `now` (E-STALE-PRICE).
Result<void> check_fresh(const Quote& quote, TimePoint now, Millis max_age);

}  // namespace kt::engine
