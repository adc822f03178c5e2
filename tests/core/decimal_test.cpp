#include "core/decimal.hpp"

#include <gtest/gtest.h>

namespace kt {
namespace {

TEST(Decimal, parses_plain_decimals_exactly) {
  auto d = parse_decimal("0.004321");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->mantissa, 4321u);
  EXPECT_EQ(d->scale, 6);
  EXPECT_EQ(*parse_scaled("1.5", 9, INT64_MAX, "x"), 1'500'000'000);
  EXPECT_EQ(*parse_scaled("+2", 9, INT64_MAX, "x"), 2'000'000'000);
  EXPECT_EQ(*parse_scaled(".5", 2, INT64_MAX, "x"), 50);
  EXPECT_EQ(*parse_scaled("1.500000000000", 9, INT64_MAX, "x"), 1'500'000'000);
}

TEST(Decimal, rejects_hostile_number_forms_with_a_reason) {
  for (const char* bad : {"", "-1", "1e3", "NaN", "inf", "1,5", "1.2.3", "٣", "１", "0x10", " 1", "1 ", "."}) {
    auto r = parse_scaled(bad, 9, INT64_MAX, "a SOL amount");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "E-NUMBER") << bad;
  }
  EXPECT_NE(parse_scaled("-1", 9, INT64_MAX, "x").error().message.find("negative"), std::string::npos);
}

TEST(Decimal, rejects_too_many_decimals_and_too_large_values) {
  EXPECT_NE(parse_scaled("0.0000000001", 9, INT64_MAX, "a SOL amount").error().message.find("at most 9 decimal places"),
            std::string::npos);
  EXPECT_NE(parse_scaled("99999999999999999999", 9, INT64_MAX, "a SOL amount").error().message.find("too large"),
            std::string::npos);
  EXPECT_FALSE(parse_scaled(std::string(4096, '9'), 9, INT64_MAX, "x").ok());
}

TEST(Decimal, too_large_names_the_largest_accepted_value) {
  // INT64_MAX / 4 lamports, the cap on SOL amounts typed by users.
  EXPECT_EQ(parse_scaled("2305843009.3", 9, INT64_MAX / 4, "a SOL amount").error().message,
            "a SOL amount is too large: the most is 2305843009.213693951");
  EXPECT_TRUE(parse_scaled("2305843009.213693951", 9, INT64_MAX / 4, "a SOL amount").ok());
  EXPECT_EQ(parse_scaled("10000.01", 2, 1'000'000, "a percentage").error().message,
            "a percentage is too large: the most is 10000");
}

TEST(Decimal, scaled_text_is_the_shortest_exact_decimal) {
  EXPECT_EQ(scaled_text(123450, 2), "1234.5");
  EXPECT_EQ(scaled_text(1, 9), "0.000000001");
  EXPECT_EQ(scaled_text(0, 9), "0");
  EXPECT_EQ(scaled_text(-1500, 3), "-1.5");
  EXPECT_EQ(scaled_text(INT64_MIN, 0), "-9223372036854775808");
  EXPECT_EQ(scaled_text(7, 0), "7");
}

}  // namespace
}  // namespace kt
