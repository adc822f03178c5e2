#include "solana/pumpfun.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace kt::solana {
namespace {

std::vector<std::uint8_t> curve_bytes(std::uint64_t vtr, std::uint64_t vsr, std::uint64_t rtr, std::uint64_t rsr,
                                      std::uint64_t supply, bool complete) {
  std::vector<std::uint8_t> v(kBondingCurveDiscriminator.begin(), kBondingCurveDiscriminator.end());
  for (const std::uint64_t x : {vtr, vsr, rtr, rsr, supply}) {
    for (int i = 0; i < 8; ++i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
  }
  v.push_back(complete ? 1 : 0);
  return v;
}

std::vector<std::uint8_t> notification_bytes() {
  const auto body = testing::json_fixture("pumpfun_programNotification_bonding_curve_49b.json");
  return testing::b64(body["params"]["result"]["value"]["account"]["data"][0].get<std::string>());
}

TEST(BondingCurve, decodes_legacy_49_byte_notification_with_stated_reserves) {
  const auto data = notification_bytes();
  ASSERT_EQ(data.size(), 49u);
  const auto curve = decode_bonding_curve(data);
  ASSERT_TRUE(curve.ok()) << curve.error().message;
  EXPECT_EQ(curve->virtual_token_reserves, 684393493085733u);
  EXPECT_EQ(curve->virtual_sol_reserves, 47034345800u);
  EXPECT_EQ(curve->real_token_reserves, 404493493085733u);
  EXPECT_EQ(curve->real_sol_reserves, 17034345800u);
  EXPECT_EQ(curve->token_total_supply, 1'000'000'000'000'000u);
  EXPECT_FALSE(curve->complete);
  EXPECT_FALSE(curve->creator.has_value());
}

TEST(BondingCurve, prices_the_49_byte_curve_at_6_872413e_minus_8_sol_per_token) {
  const auto curve = decode_bonding_curve(notification_bytes());
  const auto price = curve_price(*curve);
  ASSERT_TRUE(price.ok()) << price.error().message;
  EXPECT_EQ(price->num(), 47034345800u);
  EXPECT_EQ(price->den(), 684393493085733u);
  EXPECT_NEAR(price->sol_per_token(kPumpFunTokenDecimals), 6.872413e-8, 5e-15);
  const auto reserves = curve_quote_state(*curve);
  ASSERT_TRUE(reserves.ok());
  EXPECT_EQ(reserves->sol_lamports, 47034345800u);
  EXPECT_EQ(reserves->token_raw, 684393493085733u);
  EXPECT_EQ(reserves->fee_bps, 100u);
}

TEST(BondingCurve, decodes_151_byte_snapshot_with_creator) {
  const auto body = testing::json_fixture("pumpfun_bonding_curve_snapshot_8t4tk.json");
  const auto data = testing::b64(body["data_base64"].get<std::string>());
  ASSERT_EQ(data.size(), 151u);
  const auto curve = decode_bonding_curve(data);
  ASSERT_TRUE(curve.ok()) << curve.error().message;
  EXPECT_EQ(curve->virtual_token_reserves, 1073000000000000u);
  EXPECT_EQ(curve->virtual_sol_reserves, 30000000165u);
  EXPECT_EQ(curve->real_token_reserves, 793100000000000u);
  EXPECT_EQ(curve->real_sol_reserves, 165u);
  EXPECT_EQ(curve->token_total_supply, 1'000'000'000'000'000u);
  EXPECT_FALSE(curve->complete);
  ASSERT_TRUE(curve->creator.has_value());
  EXPECT_EQ(curve->creator->to_string(), "GDt8NGuaGRLQ9TVWCQNr1Xw9CmHiZBoyRHJs5Jbx3sGv");
  const auto price = curve_price(*curve);
  ASSERT_TRUE(price.ok());
  EXPECT_EQ(price->num(), 6000000033u);  // 30000000165 / 1073000000000000 reduced by 5
  EXPECT_EQ(price->den(), 214600000000000u);
}

TEST(BondingCurve, decodes_docs_anchor_data_example_built_from_its_numbers) {
  const auto docs = testing::json_fixture("pumpfun_docs_anchorData_examples.json");
  const auto& ex = docs["bonding_curve_EsmVk4MTsoT71JFaRM5DWFZboKpMQjfY6EYzAgUuksXw"];
  const auto u = [&](const char* k) { return std::stoull(ex[k]["data"].get<std::string>()); };
  const auto data = curve_bytes(u("virtual_token_reserves"), u("virtual_sol_reserves"), u("real_token_reserves"),
                                u("real_sol_reserves"), u("token_total_supply"), ex["complete"]["data"].get<bool>());
  const auto curve = decode_bonding_curve(data);
  ASSERT_TRUE(curve.ok());
  EXPECT_EQ(curve->virtual_token_reserves, 1072999999992855u);
  EXPECT_EQ(curve->virtual_sol_reserves, 30000000013u);
  EXPECT_EQ(curve->real_token_reserves, 793099999992855u);
  EXPECT_EQ(curve->real_sol_reserves, 13u);
  EXPECT_EQ(curve->token_total_supply, 1000000000000000u);
  EXPECT_FALSE(curve->complete);
  // The Global account's initial reserves give the launch price of every curve: 30 SOL / 1.073e9 tokens.
  const auto& global = docs["global_4wTV1YmiEkRvAtNtsSGPtUrqRYQMe5SKy2uB4Jjaxnjf"];
  EXPECT_EQ(global["fee_basis_points"]["data"].get<std::string>(), std::to_string(kPumpFunFeeBps));
  const auto launch =
      decode_bonding_curve(curve_bytes(1073000000000000, 30000000000, 793100000000000, 0, 1000000000000000, false));
  EXPECT_NEAR(curve_price(*launch)->sol_per_token(6), 2.7958993476e-8, 1e-17);
}

TEST(BondingCurve, has_no_price_when_complete_or_reserves_are_zero) {
  auto complete = decode_bonding_curve(curve_bytes(0, 0, 0, 85'000'000'000, 1'000'000'000'000'000, true));
  ASSERT_TRUE(complete.ok());
  const auto q = curve_quote_state(*complete);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "E-NO-PRICE");
  EXPECT_EQ(q.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(curve_price(*complete).error().code, "E-NO-PRICE");

  const auto complete_with_reserves = decode_bonding_curve(curve_bytes(5, 5, 0, 0, 5, true));
  EXPECT_EQ(curve_quote_state(*complete_with_reserves).error().code, "E-NO-PRICE");
  const auto zero_tokens = decode_bonding_curve(curve_bytes(0, 30, 0, 0, 5, false));
  EXPECT_EQ(curve_price(*zero_tokens).error().code, "E-NO-PRICE");
  const auto zero_sol = decode_bonding_curve(curve_bytes(30, 0, 0, 0, 5, false));
  EXPECT_EQ(curve_quote_state(*zero_sol).error().code, "E-NO-PRICE");
}

TEST(BondingCurve, rejects_short_data_wrong_discriminator_and_bad_bool) {
  const auto data = notification_bytes();
  EXPECT_EQ(decode_bonding_curve(std::span(data).first(48)).error().code, "E-ACCOUNT-DATA");
  auto wrong = data;
  wrong[0] ^= 1;
  EXPECT_FALSE(decode_bonding_curve(wrong).ok());
  auto bad_bool = data;
  bad_bool[48] = 2;
  EXPECT_FALSE(decode_bonding_curve(bad_bool).ok());
}

TEST(BondingCurve, accepts_middle_sizes_without_a_full_creator_key) {
  auto data = notification_bytes();
  data.resize(80, 0);
  const auto curve = decode_bonding_curve(data);
  ASSERT_TRUE(curve.ok());
  EXPECT_FALSE(curve->creator.has_value());
  EXPECT_EQ(curve->virtual_sol_reserves, 47034345800u);
}

}  // namespace
}  // namespace kt::solana
