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

}  // namespace
}  // namespace kt
