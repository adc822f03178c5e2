#pragma once
// The Jupiter price API (v3 `/price/v3?ids=...`, and the deprecated v2): pure parsers.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "domain/mint.hpp"

namespace kt::pricing {

inline constexpr std::size_t kJupiterMaxIds = 50;  ///< ids per price call

/// Jupiter's price of one mint.
struct JupiterPrice {
  Mint mint;
  std::string usd_price;                 ///< exact text: v3's number in shortest round-trip form, v2's string as sent
  std::optional<std::uint8_t> decimals;  ///< v3 only
  std::optional<double> change_24h_pct;  ///< v3 only
  std::optional<double> liquidity_usd;   ///< v3 only
  std::optional<std::int64_t> block_id;  ///< v3 only
};

/// v3: an object keyed by mint with usdPrice (a number), decimals, priceChange24h. Mints missing from
/// the answer, null entries and entries without a positive usdPrice are left out (unknown). A body
/// that is not a JSON object: retryable "E-PRICE-PARSE".
Result<std::map<Mint, JupiterPrice>> parse_jupiter_v3(std::string_view body);

/// v2: {"data": {mint: {"id", "type", "price": "<string>"} | null}, "timeTaken"}; same rules.
Result<std::map<Mint, JupiterPrice>> parse_jupiter_v2(std::string_view body);

}  // namespace kt::pricing
