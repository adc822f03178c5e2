#pragma once
// Exact arithmetic on the decimal numbers price APIs send: no floating point touches a Price.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/checked_math.hpp"
#include "core/result.hpp"
#include "domain/mint.hpp"
#include "domain/price.hpp"

namespace kt::pricing {

/// Wrapped SOL: the mint price APIs use for SOL itself.
inline constexpr std::string_view kWrappedSolMint = "So11111111111111111111111111111111111111112";
inline constexpr std::string_view kUsdcMint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
inline constexpr std::string_view kUsdtMint = "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB";

/// The wrapped-SOL mint as a Mint.
const Mint& wrapped_sol();
/// True for USDC and USDT, the dollar quote tokens the sources convert through SOL/USD.
bool is_usd_stablecoin(const Mint& mint);

/// A positive decimal as exact parts: value = mantissa · 10^exponent.
struct ExactDecimal {
  u128 mantissa = 0;
  int exponent = 0;
};

/// Parses "84.1844", "1e-05", "2.966E-8" exactly. Zero, negatives, NaN and junk: "E-PRICE".
Result<ExactDecimal> parse_exact_decimal(std::string_view text);

/// The text of a JSON price: a string as is; a number in its shortest round-trip form (nlohmann
/// prints doubles with the fewest digits that read back to the same double, which is the text a
/// JavaScript server sent). Anything else: "E-PRICE".
Result<std::string> json_number_text(const nlohmann::json& value);

/// The price of a token worth `per_token` units of X when one SOL is worth `per_sol` units of X
/// (X = USD for Jupiter and dollar-quoted pairs): lamports per raw unit =
/// (a·10^ea)/(b·10^eb)·10^(9−decimals), built as one integer ratio and reduced by Price::from_ratio
/// (exact unless a term passes 2^100, when both are halved together: relative error < 2^-60).
/// A term beyond 128 bits is "E-PRICE" (never a wrapped or rounded-away value).
Result<Price> price_from_ratio_of_decimals(const ExactDecimal& per_token, const ExactDecimal& per_sol,
                                           std::uint8_t decimals);

}  // namespace kt::pricing
