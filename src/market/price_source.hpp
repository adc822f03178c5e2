#pragma once
// A price source (pump.fun curve, DexScreener, Jupiter, demo, replay) behind one port.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/quote.hpp"

namespace kt::market {

class PriceSource {
 public:
  virtual ~PriceSource() = default;
  /// "demo", "replay", "pumpfun", "dexscreener", "jupiter".
  virtual std::string name() const = 0;
  /// A quote for one mint. NotFound ("E-UNKNOWN-TOKEN") when the source has no price for it;
  /// retryable when the source is unreachable.
  virtual Result<Quote> quote(const Mint& mint, TimePoint now) = 0;
  /// Quotes for many mints in as few calls as the source allows; one Result per mint, same order.
  virtual std::vector<Result<Quote>> quote_many(std::span<const Mint> mints, TimePoint now) {
    std::vector<Result<Quote>> out;
    out.reserve(mints.size());
    for (const auto& m : mints) out.push_back(quote(m, now));
    return out;
  }
  /// Name, symbol, decimals and risk facts, when the source knows them.
  virtual Result<TokenInfo> token_info(const Mint& mint, TimePoint now) = 0;
  /// Symbol → mint for tokens this source knows by name (the demo market's BONK, WIF, ...).
  virtual std::optional<Mint> resolve_symbol(const std::string& upper_symbol) const {
    (void)upper_symbol;
    return std::nullopt;
  }
  /// True for demo/replay: their quotes are labelled SIMULATED.
  virtual bool simulated() const { return false; }
};

}  // namespace kt::market
