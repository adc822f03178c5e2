#pragma once
// Jupiter price API v3 as a PriceSource: USD prices turned into SOL by SOL's own entry.
#include <memory>
#include <string>

#include "http/http_client.hpp"
#include "market/price_source.hpp"
#include "pricing/jupiter.hpp"
#include "pricing/mint_facts.hpp"
#include "pricing/sol_usd.hpp"

namespace kt::pricing {

struct JupiterOptions {
  std::string base_url = "https://lite-api.jup.ag";
  std::string api_key;  ///< sent as x-api-key when set
  Millis timeout{10'000};
};

/// Prices from `<base>/price/v3?ids=...` (≤ 50 ids a call, one of them always wrapped SOL). The SOL
/// price of a token is usdPrice(token) / usdPrice(SOL) computed as one exact ratio of the two decimal
/// texts (see price_from_ratio_of_decimals); without a SOL/USD price a mint is retryable
/// "E-NO-SOL-USD". Decimals come from the answer, else from MintDecimals. Thread-safe.
class JupiterSource final : public market::PriceSource {
 public:
  JupiterSource(http::Client& client, JupiterOptions options, std::shared_ptr<SolUsdCache> sol_usd,
                std::shared_ptr<MintDecimals> decimals);

  std::string name() const override { return "jupiter"; }
  Result<Quote> quote(const Mint& mint, TimePoint now) override;
  std::vector<Result<Quote>> quote_many(std::span<const Mint> mints, TimePoint now) override;
  Result<TokenInfo> token_info(const Mint& mint, TimePoint now) override;

 private:
  Result<std::map<Mint, JupiterPrice>> fetch(std::span<const Mint> mints, TimePoint now);

  http::Client& client_;
  JupiterOptions options_;
  std::shared_ptr<SolUsdCache> sol_usd_;
  std::shared_ptr<MintDecimals> decimals_;
};

}  // namespace kt::pricing
