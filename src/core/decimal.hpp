#pragma once
// Exact parsing of decimal numbers typed by people ("1.5", "0.004321"): no floating point.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/checked_math.hpp"
#include "core/result.hpp"

namespace kt {

/// A non-negative decimal split into digits: value = mantissa / 10^scale.
struct DecimalText {
  u128 mantissa = 0;
  int scale = 0;  ///< digits after the point
};

/// Parses plain ASCII decimals: digits with at most one '.', optional leading '+'.
/// Rejects signs '-', exponents, NaN/inf, unicode digits, separators, and more than 36 significant
/// digits, each with a message that says what was expected.
Result<DecimalText> parse_decimal(std::string_view text);

/// value * 10^scale as an integer; rejects input with more fractional digits than `scale`
/// (say, 10 decimals of SOL) or a result above `max`, naming the largest accepted value.
Result<std::int64_t> parse_scaled(std::string_view text, int scale, std::int64_t max, std::string_view what);

/// value / 10^scale as the shortest exact decimal: (123450, 2) → "1234.5".
std::string scaled_text(std::int64_t value, int scale);

}  // namespace kt
