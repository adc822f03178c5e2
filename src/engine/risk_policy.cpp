#include "engine/risk_policy.hpp"

#include <string>

namespace kt::engine {

std::optional<Lamports> RiskPolicy::limit_for(Role role) const {
  switch (role) {
    case Role::kBasic: return limits_.limit_basic;
    case Role::kPremium: return limits_.limit_premium;
    case Role::kAdmin: return limits_.limit_admin;
  }
  return limits_.limit_basic;
}

Result<void> RiskPolicy::check_size(const User& user, Lamports size) const {
  if (size < limits_.min_position) {
    return rejected("E-MIN-SIZE", "Position size " + format_sol(size) + " SOL is below the minimum of " +
                                      format_sol(limits_.min_position) + " SOL");
  }
  if (auto limit = limit_for(user.role); limit && size > *limit) {
    return rejected("E-LIMIT", "Position size " + format_sol(size) + " SOL exceeds your " +
                                   std::string(to_string(user.role)) + " limit of " + format_sol(*limit) + " SOL");
  }
  return {};
}

Result<void> RiskPolicy::check_open(const User& user, const Wallet& wallet, std::int64_t open_positions, Lamports size,
                                    const OpenFill& fill) const {
  KT_TRY_VOID(check_size(user, size));
  if (open_positions >= limits_.max_open_positions) {
    return rejected("E-MAX-POSITIONS", "You have " + std::to_string(open_positions) +
                                           " open positions; the maximum is " +
                                           std::to_string(limits_.max_open_positions) + ". Close one first");
  }
  return check_balance(wallet, size, fill.network_fee);
}

Result<void> RiskPolicy::check_balance(const Wallet& wallet, Lamports size, Lamports network_fee) const {
  const Lamports needed = size + network_fee;
  if (wallet.balance < needed) {
    return rejected("E-BALANCE", "Insufficient balance: this trade needs " + format_sol(needed) + " SOL (" +
                                     format_sol(size) + " SOL + " + format_sol(network_fee) +
                                     " SOL network fee), you have " + format_sol(wallet.balance) + " SOL");
  }
  return {};
}

Result<void> check_fresh(const Quote& quote, TimePoint now, Millis max_age) {
  const auto age = quote.age(now);
  if (age > max_age) {
    return rejected("E-STALE-PRICE", "The latest price (" + quote.source + ") is " +
                                         std::to_string(age.count() / 1000) + " s old, over the " +
                                         std::to_string(max_age.count() / 1000) +
                                         " s limit; no trade was made. Try again shortly");
  }
  return {};
}

}  // namespace kt::engine
