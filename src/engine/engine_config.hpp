#pragma once
// The engine's rules, built once from the validated configuration.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.hpp"
#include "domain/fill.hpp"
#include "domain/money.hpp"

namespace kt::engine {

/// Per-role and per-user limits (the seed's: basic 100 SOL, premium 1000 SOL, admin unlimited).
struct RiskLimits {
  Lamports min_position{10'000'000};  ///< 0.01 SOL
  Lamports limit_basic = Lamports::from_sol(100);
  Lamports limit_premium = Lamports::from_sol(1000);
  std::optional<Lamports> limit_admin;  ///< nullopt: unlimited
  std::int64_t max_open_positions = 20;
};

struct EngineConfig {
  FeeSchedule fees;
  RiskLimits limits;
  Lamports initial_balance = Lamports::from_sol(1000);
  Millis max_quote_age{90'000};                  ///< older quotes are refused for trading
  std::vector<std::int64_t> admin_telegram_ids;  ///< these users are admins from /start on
};

}  // namespace kt::engine
