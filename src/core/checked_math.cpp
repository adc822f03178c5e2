#include "core/checked_math.hpp"

namespace kt {
namespace {

struct U256 {
  u128 hi = 0;
  u128 lo = 0;
};

U256 mul_wide(u128 a, u128 b) {
  const u128 mask = ~static_cast<std::uint64_t>(0);
  const u128 a_lo = a & mask, a_hi = a >> 64, b_lo = b & mask, b_hi = b >> 64;
  const u128 lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
  const u128 cross = (lo_lo >> 64) + (hi_lo & mask) + lo_hi;
  U256 r;
  r.lo = (cross << 64) | (lo_lo & mask);
  r.hi = hi_hi + (hi_lo >> 64) + (cross >> 64);
  return r;
}

// Divides a 256-bit value by c; quotient must fit in 128 bits (hi < c). Bitwise long division:
// slow in theory, but only taken when a*b overflows 128 bits, which money paths rarely hit.
std::optional<u128> div_wide(U256 n, u128 c, u128* remainder) {
  if (c == 0 || n.hi >= c) return std::nullopt;
  if (n.hi == 0) {
    *remainder = n.lo % c;
    return n.lo / c;
  }
  u128 rem = n.hi;
  u128 quot = 0;
  for (int i = 127; i >= 0; --i) {
    const bool carry = (rem >> 127) != 0;
    rem = (rem << 1) | ((n.lo >> i) & 1);
    quot <<= 1;
    if (carry || rem >= c) {
      rem -= c;
      quot |= 1;
    }
  }
  *remainder = rem;
  return quot;
}

}  // namespace

std::optional<u128> mul_div_floor(u128 a, u128 b, u128 c) {
  u128 rem = 0;
  return div_wide(mul_wide(a, b), c, &rem);
}

std::optional<u128> mul_div_ceil(u128 a, u128 b, u128 c) {
  u128 rem = 0;
  auto q = div_wide(mul_wide(a, b), c, &rem);
  if (!q) return std::nullopt;
  if (rem != 0) {
    if (*q == ~static_cast<u128>(0)) return std::nullopt;
    return *q + 1;
  }
  return q;
}

std::strong_ordering compare_products(u128 a, u128 b, u128 c, u128 d) {
  const U256 left = mul_wide(a, b), right = mul_wide(c, d);
  if (left.hi != right.hi) return left.hi <=> right.hi;
  return left.lo <=> right.lo;
}

u128 gcd_u128(u128 a, u128 b) {
  while (b != 0) {
    const u128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

std::size_t u128_to_chars(u128 v, char* out) {
  // Digits come out backwards in 64-bit pieces of 19: one 128-bit division per piece instead of
  // one per digit.
  constexpr std::uint64_t kPiece = 10'000'000'000'000'000'000ULL;  // 10^19
  char reversed[kU128MaxDigits];
  std::size_t n = 0;
  do {
    auto piece = static_cast<std::uint64_t>(v % kPiece);
    v /= kPiece;
    for (int i = 0; i < 19 && (v > 0 || piece > 0 || n == 0); ++i) {
      reversed[n++] = static_cast<char>('0' + piece % 10);
      piece /= 10;
    }
  } while (v > 0);
  for (std::size_t i = 0; i < n; ++i) out[i] = reversed[n - 1 - i];
  return n;
}

std::string u128_to_string(u128 v) {
  char digits[kU128MaxDigits];
  return std::string(digits, u128_to_chars(v, digits));
}

std::optional<u128> u128_from_string(std::string_view text) {
  if (text.empty() || text.size() > 39) return std::nullopt;
  u128 v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    u128 next = 0;
    if (__builtin_mul_overflow(v, static_cast<u128>(10), &next)) return std::nullopt;
    if (__builtin_add_overflow(next, static_cast<u128>(ch - '0'), &v)) return std::nullopt;
  }
  return v;
}

}  // namespace kt
