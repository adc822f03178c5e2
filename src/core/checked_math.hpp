#pragma once
// 128-bit helpers for money arithmetic: every product is checked, every division says how it rounds.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>

namespace kt {

using u128 = unsigned __int128;

/// a * b, or nullopt when it does not fit in 128 bits.
inline std::optional<u128> checked_mul(u128 a, u128 b) {
  u128 out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

/// floor(a * b / c) with a 256-bit intermediate, or nullopt when c == 0 or the quotient exceeds 128 bits.
std::optional<u128> mul_div_floor(u128 a, u128 b, u128 c);
/// ceil(a * b / c), same conditions.
std::optional<u128> mul_div_ceil(u128 a, u128 b, u128 c);

u128 gcd_u128(u128 a, u128 b);

/// Compares a·b with c·d exactly (256-bit products).
std::strong_ordering compare_products(u128 a, u128 b, u128 c, u128 d);

/// Decimal text of a 128-bit unsigned value.
std::string u128_to_string(u128 v);
/// The most digits a u128 has (2^128 - 1 has 39).
inline constexpr std::size_t kU128MaxDigits = 39;
/// Writes the decimal digits of `v` to `out` (room for kU128MaxDigits) without allocating; returns
/// how many it wrote.
std::size_t u128_to_chars(u128 v, char* out);
/// Parses decimal digits only (no sign, no spaces); nullopt on anything else or overflow.
std::optional<u128> u128_from_string(std::string_view text);

}  // namespace kt
