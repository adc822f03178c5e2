#pragma once
// DexScreener as a PriceSource: the deepest Solana pair's priceNative, ≤ 30 mints per call.
#include <memory>
#include <string>

#include "http/http_client.hpp"
#include "market/price_source.hpp"
#include "pricing/dexscreener.hpp"
#include "pricing/mint_facts.hpp"
#include "pricing/sol_usd.hpp"

namespace kt::pricing {

struct DexScreenerOptions {
  std::string base_url = "https://api.dexscreener.com";
  Millis timeout{10'000};
};

/// Prices from DexScreener's tokens endpoint. A pair quoted in wrapped SOL gives the price exactly
/// (priceNative is SOL per token). A pair quoted in USDC/USDT is converted through SOL/USD, taken from
/// the wrapped-SOL pair that every call also asks for (or the shared cache), counting 1 USDC/USDT as
/// 1 USD; without a SOL/USD price such a mint is a retryable "E-NO-SOL-USD" rather than a guess.
/// DexScreener does not state decimals: they come from MintDecimals (the mint account). Thread-safe.
class DexScreenerSource final : public market::PriceSource {
 public:
  DexScreenerSource(http::Client& client, DexScreenerOptions options, std::shared_ptr<SolUsdCache> sol_usd,
                    std::shared_ptr<MintDecimals> decimals);

  std::string name() const override { return "dexscreener"; }
  Result<Quote> quote(const Mint& mint, TimePoint now) override;
  std::vector<Result<Quote>> quote_many(std::span<const Mint> mints, TimePoint now) override;
  Result<TokenInfo> token_info(const Mint& mint, TimePoint now) override;

 private:
  /// One tokens call for at most 29 mints plus wrapped SOL; also refreshes SOL/USD.
  Result<std::map<Mint, DexPair>> fetch(std::span<const Mint> mints, TimePoint now);
  Result<Quote> to_quote(const Mint& mint, const DexPair& pair, std::uint8_t decimals, TimePoint now) const;

  http::Client& client_;
  DexScreenerOptions options_;
  std::shared_ptr<SolUsdCache> sol_usd_;
  std::shared_ptr<MintDecimals> decimals_;
};

}  // namespace kt::pricing
