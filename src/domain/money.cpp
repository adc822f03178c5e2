#include "domain/money.hpp"

#include <cstdio>

#include "core/checked_math.hpp"
#include "core/decimal.hpp"

namespace kt {
namespace {

std::string format_scaled(u128 magnitude, int decimals, bool negative) {
  // Built right to left in a fixed buffer: 39 digits, a point, leading zeros and a sign fit.
  char buf[96];
  char* end = buf + sizeof buf;
  char* p = end;
  int written = 0;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
    if (++written == decimals) *--p = '.';
  } while (magnitude > 0 || written < decimals);
  if (written == decimals) *--p = '0';  // "0.xxx"
  if (decimals > 0) {
    // Trim trailing zeros of the fraction, then a bare point.
    while (end[-1] == '0') --end;
    if (end[-1] == '.') --end;
  }
  const bool zero = end - p == 1 && *p == '0';
  if (negative && !zero) *--p = '-';
  return std::string(p, end);
}

}  // namespace

std::string format_sol(Lamports amount) {
  const bool negative = amount.value < 0;
  // Negate in 128 bits so INT64_MIN survives.
  const u128 magnitude =
      negative ? static_cast<u128>(-static_cast<__int128>(amount.value)) : static_cast<u128>(amount.value);
  return format_scaled(magnitude, 9, negative);
}

Result<Lamports> parse_sol(std::string_view text) {
  KT_TRY(std::int64_t lamports, parse_scaled(text, 9, INT64_MAX / 4, "a SOL amount"));
  return Lamports{lamports};
}

std::string format_token_amount(TokenAmount amount) { return format_scaled(amount.raw, amount.decimals, false); }

std::string format_token_amount_short(TokenAmount amount) {
  u128 scale = 1;
  for (int i = 0; i < amount.decimals; ++i) scale *= 10;
  const u128 whole = amount.raw / scale;
  if (whole < 100'000) return format_token_amount(amount);
  const double value = static_cast<double>(amount.raw) / static_cast<double>(scale);  // display only
  char buf[32];
  if (value >= 1e12)
    std::snprintf(buf, sizeof buf, "%.2fT", value / 1e12);
  else if (value >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2fB", value / 1e9);
  else if (value >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", value / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.1fK", value / 1e3);
  return buf;
}

}  // namespace kt
