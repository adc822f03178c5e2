#pragma once
// The DexScreener tokens API (`/latest/dex/tokens/<mint,mint,...>`): a pure parser of its answer.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "domain/mint.hpp"

namespace kt::pricing {

inline constexpr std::size_t kDexScreenerMaxMints = 30;  ///< mints per tokens call

/// The deepest-liquidity Solana pair of one base token, as DexScreener reports it.
struct DexPair {
  Mint base_mint;
  std::string base_symbol;
  std::string base_name;
  Mint quote_mint;
  std::string quote_symbol;
  std::string dex_id;
  std::string pair_address;
  std::string price_native;              ///< quote-token units per base token, the exact text sent
  std::optional<std::string> price_usd;  ///< USD per base token, the exact text sent
  std::optional<double> liquidity_usd;
  std::optional<double> fdv_usd;
  std::optional<double> market_cap_usd;
  std::optional<double> change_h24_pct;
  std::optional<double> volume_h24_usd;
  std::optional<std::int64_t> pair_created_at_ms;
};

/// Per base-token mint, its Solana pair with the most liquidity.usd (a pair without liquidity counts
/// as 0). Only pairs on chain "solana" whose quote token is wrapped SOL, USDC or USDT are kept: the
/// others cannot be turned into a SOL price. Pairs in which a mint is only the quote token are not
/// about that mint's price and are skipped. Errors: `pairs: null` (DexScreener does not know any of
/// the mints) is NotFound "E-UNKNOWN-TOKEN"; a body that is not the expected JSON is retryable
/// "E-PRICE-PARSE" (the server sent an error page).
Result<std::map<Mint, DexPair>> parse_dexscreener_tokens(std::string_view body);

}  // namespace kt::pricing
