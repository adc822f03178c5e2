#include "core/checked_math.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

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
