#pragma once
// What a price source says about a token at one moment, with where and when it came from.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "domain/mint.hpp"
#include "domain/price.hpp"

namespace kt {

/// Constant-product pool reserves (e.g. a pump.fun bonding curve's virtual reserves).
struct PoolReserves {
  u128 sol_lamports = 0;      ///< SOL side, lamports
  u128 token_raw = 0;         ///< token side, raw base units
  std::uint32_t fee_bps = 0;  ///< venue fee taken on each swap (pump.fun: 100 = 1 %)
};

/// A price observation. `price` is lamports per raw unit; `decimals` scales it to whole tokens.
struct Quote {
  Mint mint;
  Price price;
  std::uint8_t decimals = 0;
  std::optional<double> usd_per_token;  ///< display only
  std::string source;                   ///< "pumpfun", "dexscreener", "jupiter", "demo", "replay"
  TimePoint observed_at{};
  std::optional<PoolReserves> reserves;
  bool simulated = false;  ///< demo/replay prices: every reply that shows one says so

  /// Age at `now`; never negative.
  Millis age(TimePoint now) const {
    const auto d = std::chrono::duration_cast<Millis>(now - observed_at);
    return d.count() < 0 ? Millis{0} : d;
  }
};

/// Token facts for display and risk flags (not needed to trade).
struct TokenInfo {
  Mint mint;
  std::string symbol;
  std::string name;
  std::uint8_t decimals = 0;
  std::optional<std::uint64_t> supply_raw;
  std::optional<double> market_cap_usd;
  std::optional<double> liquidity_usd;
  std::optional<double> change_24h_pct;
  bool mint_authority_set = false;
  bool freeze_authority_set = false;
  bool token_2022 = false;
  bool metadata_mutable = false;
};

}  // namespace kt
