#include "core/checked_math.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace kt {
namespace {

constexpr u128 kMax = ~static_cast<u128>(0);

TEST(CheckedMath, mul_div_floors_and_ceils_exactly) {
  EXPECT_EQ(*mul_div_floor(7, 3, 2), 10u);
  EXPECT_EQ(*mul_div_ceil(7, 3, 2), 11u);
  EXPECT_EQ(*mul_div_ceil(8, 3, 2), 12u);
}

TEST(CheckedMath, mul_div_uses_a_256_bit_intermediate) {
  // (2^127) * 6 / 3 = 2^128 does not fit; (2^127) * 2 / 4 = 2^126 does, though the product overflows 128 bits.
  const u128 big = static_cast<u128>(1) << 127;
  EXPECT_FALSE(mul_div_floor(big, 6, 3).has_value());
  EXPECT_EQ(*mul_div_floor(big, 2, 4), static_cast<u128>(1) << 126);
  EXPECT_EQ(*mul_div_floor(kMax, kMax, kMax), kMax);
  EXPECT_FALSE(mul_div_floor(1, 1, 0).has_value());
}

TEST(CheckedMath, u128_text_round_trips_including_the_maximum) {
  EXPECT_EQ(u128_to_string(kMax), "340282366920938463463374607431768211455");
  EXPECT_EQ(*u128_from_string("340282366920938463463374607431768211455"), kMax);
  EXPECT_FALSE(u128_from_string("340282366920938463463374607431768211456").has_value());
  EXPECT_FALSE(u128_from_string("-1").has_value());
  EXPECT_FALSE(u128_from_string("").has_value());
}

TEST(CheckedMath, u128_to_chars_writes_every_digit_across_its_19_digit_pieces) {
  // The digit-by-digit reference the faster writer must match.
  const auto reference = [](u128 v) {
    std::string out;
    do {
      out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    } while (v > 0);
    return out;
  };
  const u128 e19 = 10'000'000'000'000'000'000ULL;
  std::vector<u128> values = {
      0,    1,       9, 10, e19 - 1, e19, e19 + 1, e19 * e19 - 1, e19 * e19, e19 * e19 + 7, static_cast<u128>(1) << 64,
      kMax, kMax - 1};
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 2000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const u128 v = (static_cast<u128>(x) << 64 | (x * 0x2545F4914F6CDD1DULL)) >> (i % 128);
    values.push_back(v);
  }
  for (const u128 v : values) {
    char digits[kU128MaxDigits];
    const std::size_t n = u128_to_chars(v, digits);
    ASSERT_EQ(std::string(digits, n), reference(v));
    EXPECT_EQ(u128_to_string(v), reference(v));
  }
}

TEST(CheckedMath, compare_products_is_exact_beyond_128_bits) {
  const u128 big = static_cast<u128>(1) << 100;
  EXPECT_EQ(compare_products(big, big + 1, big + 1, big), std::strong_ordering::equal);
  EXPECT_EQ(compare_products(big, big + 2, big + 1, big + 1), std::strong_ordering::less);
}

RC_GTEST_PROP(CheckedMath, mul_div_floor_matches_64_bit_reference,
              (std::uint64_t a, std::uint32_t b, std::uint32_t c)) {
  RC_PRE(c != 0u);
  const u128 expected = static_cast<u128>(a) * b / c;
  RC_ASSERT(*mul_div_floor(a, b, c) == expected);
  const u128 rem = static_cast<u128>(a) * b % c;
  RC_ASSERT(*mul_div_ceil(a, b, c) == expected + (rem != 0 ? 1 : 0));
}

}  // namespace
}  // namespace kt
