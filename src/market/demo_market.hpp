#pragma once
// A deterministic simulated market for offline runs, demos and tests: the same time gives the same
// price in every process, and nothing is stored.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/quote.hpp"
#include "market/price_source.hpp"

namespace kt::market {

/// A token of the demo market, addressable by symbol and by its (real) mint.
struct DemoToken {
  std::string symbol;  ///< "BONK"
  std::string name;    ///< "Bonk"
  Mint mint;
  std::uint8_t decimals = 0;
  std::uint64_t supply_raw = 0;
  u128 base_num = 0;  ///< base price in lamports per raw unit = base_num / base_den
  u128 base_den = 1;
  int volatility_pct = 100;           ///< scales the random walk; 100 moves a few % per hour
  std::optional<PoolReserves> curve;  ///< bonding-curve reserves at the base price (pump.fun-style token)
  double liquidity_usd = 0;           ///< for tokens without a curve
  bool mint_authority_set = false;
  bool freeze_authority_set = false;
  bool metadata_mutable = false;
};

/// The demo tokens: BONK, WIF and JUP at their real mints, and PUMPDEMO, a pump.fun-style token on a
/// bonding curve whose mint (65NjS7bP…pump) is the fixed bytes "KiTraderBot demo pump.fun tok"
/// plus three bytes chosen so the base58 ends in "pump", like pump.fun's vanity mints.
const std::vector<DemoToken>& demo_tokens();
/// The demo token with this mint, if any.
const DemoToken* find_demo_token(const Mint& mint);

/// Price multiplier of `token` at `now` in parts per billion (10^9 = the base price). A stateless
/// function of (mint, minute since 2024-01-01T00:00Z): value noise at periods of 1 h, 6 h, 1 d and 7 d
/// plus a small per-minute jitter, each from a hash of the mint and the knot index. Always within
/// about 0.65×–1.45× of the base and never zero, moving at most ~9 % in any hour (tested over a week).
std::int64_t demo_multiplier_ppb(const DemoToken& token, TimePoint now);

/// The demo token's quote at `now`: price, decimals, reserves for the curve token; simulated.
Quote demo_quote(const DemoToken& token, TimePoint now);

/// PriceSource over the demo tokens. Stateless and therefore thread-safe.
class DemoMarket final : public PriceSource {
 public:
  /// The made-up SOL price used only to show USD figures next to demo prices.
  static constexpr double kSolUsd = 150.0;

  std::string name() const override { return "demo"; }
  Result<Quote> quote(const Mint& mint, TimePoint now) override;
  Result<TokenInfo> token_info(const Mint& mint, TimePoint now) override;
  std::optional<Mint> resolve_symbol(const std::string& upper_symbol) const override;
  bool simulated() const override { return true; }
};

}  // namespace kt::market
