#include "core/decimal.hpp"

#include <string>

namespace kt {

Result<DecimalText> parse_decimal(std::string_view text) {
  const std::string shown(text.substr(0, 40));
  auto bad = [&](std::string why) {
    return rejected("E-NUMBER", "'" + shown + (text.size() > 40 ? "…" : "") + "' is not a number: " + why);
  };
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return bad("expected digits such as 1.5");
  if (text.front() == '-') return bad("it must not be negative");
  DecimalText out;
  bool seen_point = false;
  int digits = 0;
  for (char ch : text) {
    if (ch == '.') {
      if (seen_point) return bad("more than one decimal point");
      seen_point = true;
      continue;
    }
    if (ch < '0' || ch > '9') return bad("use plain digits with an optional '.', like 0.25");
    if (out.mantissa == 0 && ch == '0' && !seen_point) continue;  // leading zeros carry nothing
    if (++digits > 36) return bad("too many digits");
    out.mantissa = out.mantissa * 10 + static_cast<unsigned>(ch - '0');
    if (seen_point) ++out.scale;
  }
  if (text == ".") return bad("expected digits such as 1.5");
  return out;
}

Result<std::int64_t> parse_scaled(std::string_view text, int scale, std::int64_t max, std::string_view what) {
  KT_TRY(DecimalText d, parse_decimal(text));
  // Trailing fractional zeros are harmless ("1.500000000000").
  while (d.scale > scale && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    --d.scale;
  }
  if (d.scale > scale) {
    return rejected("E-NUMBER", std::string(what) + " allows at most " + std::to_string(scale) + " decimal places");
  }
  u128 v = d.mantissa;
  for (int i = d.scale; i < scale; ++i) {
    v *= 10;
    if (v > static_cast<u128>(max)) break;
  }
  if (v > static_cast<u128>(max)) {
    return rejected("E-NUMBER", std::string(what) + " is too large: the most is " + scaled_text(max, scale));
  }
  return static_cast<std::int64_t>(v);
}

std::string scaled_text(std::int64_t value, int scale) {
  const bool negative = value < 0;
  // Widen before negating so INT64_MIN survives.
  const u128 magnitude = negative ? static_cast<u128>(-static_cast<__int128>(value)) : static_cast<u128>(value);
  std::string digits = u128_to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= static_cast<std::size_t>(scale))
      digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(scale), ".");
    while (digits.back() == '0') digits.pop_back();
    if (digits.back() == '.') digits.pop_back();
  }
  return (negative ? "-" : "") + digits;
}

}  // namespace kt
