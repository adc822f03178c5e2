#include "domain/price.hpp"

#include <gtest/gtest.h>

namespace kt {
namespace {

TEST(Price, is_exact_for_bonding_curve_reserves) {
  // pump.fun 49-byte fixture: vsr 47034345800, vtr 684393493085733, 6 decimals → ≈ 6.872413e-8 SOL/token.
  auto p = Price::from_ratio(47'034'345'800u, 684'393'493'085'733u);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->sol_per_token(6), 6.872413e-8, 1e-14);
  EXPECT_EQ(p->format_sol_per_token(6), "0.00000006872");
}

TEST(Price, parses_decimal_strings_exactly_at_any_magnitude) {
  auto memecoin = Price::from_sol_per_token("0.0000000001", 6);  // 1e-10 SOL per token
  ASSERT_TRUE(memecoin.ok());
  EXPECT_EQ(memecoin->num(), 1u);
  EXPECT_EQ(memecoin->den(), 10'000'000u);           // 1e-10·1e9 lamports / 1e6 raw
  auto big = Price::from_sol_per_token("10000", 9);  // 10^4 SOL per token
  EXPECT_EQ(big->num(), 10'000u);
  EXPECT_EQ(big->den(), 1u);
  auto sol = Price::from_sol_per_token("84.1844", 9);
  EXPECT_EQ(sol->format_sol_per_token(9), "84.18");
  EXPECT_EQ(*Price::from_sol_per_token("2.966e-8", 6), *Price::from_sol_per_token("0.00000002966", 6));
  EXPECT_EQ(Price::from_sol_per_token("0.00000002966", 6)->format_sol_per_token(6), "0.00000002966");
}

TEST(Price, refuses_zero_and_garbage) {
  EXPECT_FALSE(Price::from_sol_per_token("0", 6).ok());
  EXPECT_FALSE(Price::from_sol_per_token("abc", 6).ok());
  EXPECT_FALSE(Price::from_sol_per_token("1e999", 6).ok());
  EXPECT_FALSE(Price::from_ratio(0, 5).ok());
  EXPECT_FALSE(Price::parse_user("1e-5", 6).ok());
}

TEST(Price, values_quantities_rounding_as_asked) {
  auto p = *Price::from_ratio(1, 3);
  EXPECT_EQ(*p.value_floor(10), 3u);
  EXPECT_EQ(*p.value_ceil(10), 4u);
  EXPECT_EQ(*p.units_floor(10), 30u);
}

TEST(Price, orders_exactly_and_adjusts_by_bps) {
  auto a = *Price::from_ratio(1, 3), b = *Price::from_ratio(333'333'333, 1'000'000'000);
  EXPECT_GT(a, b);
  EXPECT_EQ(a.adjusted_bps(1000), *Price::from_ratio(11, 30));
  EXPECT_EQ(a.adjusted_bps(-10'000), Price());
}

}  // namespace
}  // namespace kt
