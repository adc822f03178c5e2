#pragma once
// What the engine needs from the outside world, as interfaces the adapters implement.
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/quote.hpp"

namespace kt::engine {

/// Prices for trading and display (implemented by market::PriceService).
class QuoteProvider {
 public:
  virtual ~QuoteProvider() = default;
  /// A quote for `mint` as of `now`: a cached one only if it is younger than the reuse window
  /// (2 s by default), otherwise fetched from the sources in priority order. Errors: NotFound
  /// "E-UNKNOWN-TOKEN" (no source knows it), retryable "E-PRICE-UNAVAILABLE" (sources down).
  virtual Result<Quote> quote(const Mint& mint, TimePoint now) = 0;
  /// Name, symbol, decimals and risk facts of a token.
  virtual Result<TokenInfo> token_info(const Mint& mint, TimePoint now) = 0;
  /// Symbol (upper case, no '$') → mint, for tokens a source knows by name (demo market).
  virtual std::optional<Mint> resolve_symbol(const std::string& upper_symbol) const = 0;
  /// True when every price comes from a simulated market (demo, replay): replies showing prices
  /// or values derived from them say SIMULATED. Live and simulated sources are never mixed.
  virtual bool simulated() const { return false; }
};

}  // namespace kt::engine
