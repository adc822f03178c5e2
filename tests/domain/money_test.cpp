#include "domain/money.hpp"

#include <gtest/gtest.h>

namespace kt {
namespace {

TEST(Money, formats_sol_exactly_with_trailing_zeros_trimmed) {
  EXPECT_EQ(format_sol(Lamports{0}), "0");
  EXPECT_EQ(format_sol(Lamports{1}), "0.000000001");
  EXPECT_EQ(format_sol(Lamports{1'500'000'000}), "1.5");
  EXPECT_EQ(format_sol(Lamports{999'984'911'846}), "999.984911846");
  EXPECT_EQ(format_sol(Lamports{-100'000}), "-0.0001");
  EXPECT_EQ(format_sol(Lamports{INT64_MIN}), "-9223372036.854775808");
}

TEST(Money, parses_sol_amounts_exactly) {
  EXPECT_EQ(parse_sol("1")->value, 1'000'000'000);
  EXPECT_EQ(parse_sol("0.000000001")->value, 1);
  EXPECT_EQ(parse_sol("0.1")->value, 100'000'000);
  EXPECT_FALSE(parse_sol("0.0000000001").ok());
  EXPECT_FALSE(parse_sol("-1").ok());
  EXPECT_FALSE(parse_sol("1e9").ok());
  EXPECT_FALSE(parse_sol("9999999999999").ok());
}

TEST(Money, formats_token_amounts_with_their_decimals) {
  EXPECT_EQ(format_token_amount({4'962'717'582, 5}), "49627.17582");
  EXPECT_EQ(format_token_amount({1'000'000, 6}), "1");
  EXPECT_EQ(format_token_amount({5, 9}), "0.000000005");
  EXPECT_EQ(format_token_amount({UINT64_MAX, 0}), "18446744073709551615");
  EXPECT_EQ(format_token_amount_short({34'277'831'558'567, 6}), "34.28M");
  EXPECT_EQ(format_token_amount_short({4'962'717'582, 5}), "49627.17582");
}

}  // namespace
}  // namespace kt
