#include "solana/raydium.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace kt::solana {
namespace {

RaydiumAmmV4 sol_usdc_pool() {
  const auto pool = decode_raydium_amm_v4(testing::b64_fixture("raydium_amm_v4_sol_usdc_pool.b64"));
  if (!pool) throw std::runtime_error(pool.error().message);
  return *pool;
}

TEST(RaydiumAmmV4, decodes_sol_usdc_pool_with_every_stated_value) {
  const auto data = testing::b64_fixture("raydium_amm_v4_sol_usdc_pool.b64");
  ASSERT_EQ(data.size(), 752u);
  const auto p = decode_raydium_amm_v4(data);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->status, 6u);
  EXPECT_EQ(p->nonce, 254u);
  EXPECT_EQ(p->coin_decimals, 9u);
  EXPECT_EQ(p->pc_decimals, 6u);
  EXPECT_EQ(p->trade_fee_numerator, 25u);
  EXPECT_EQ(p->trade_fee_denominator, 10000u);
  EXPECT_EQ(p->swap_fee_numerator, 25u);
  EXPECT_EQ(p->swap_fee_denominator, 10000u);
  EXPECT_EQ(p->need_take_pnl_coin, 183502858u);
  EXPECT_EQ(p->need_take_pnl_pc, 21928100u);
  EXPECT_EQ(p->coin_vault.to_string(), "DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz");
  EXPECT_EQ(p->pc_vault.to_string(), "HLmqeL62xR1QoZ1HKKbXRrdN1p3phKpxRMb2VVopvBBz");
  EXPECT_EQ(p->coin_mint.to_string(), "So11111111111111111111111111111111111111112");
  EXPECT_EQ(p->pc_mint.to_string(), "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  EXPECT_EQ(p->lp_mint.to_string(), "8HoQnePLqPj4M7PUDzfw8e3Ymdwgc7NLGnaTUapubyvu");
  EXPECT_EQ(p->open_orders.to_string(), "HmiHHzq4Fym9e1D4qzLS6LDDM3tNsCTBPDWHTLZ763jY");
  EXPECT_EQ(p->market_id.to_string(), "8BnEgHoWFysVcuFFX7QztDmzuH8r5ZFvyP3sYwn1XTh6");
  EXPECT_EQ(p->market_program_id.to_string(), "srmqPvymJeFKQ4zGQed1GFppgkRHL9kaELCbyksJtPX");
  EXPECT_EQ(p->pool_open_time, 0u);
  EXPECT_EQ(p->lp_reserve, 102528382854742u);
  EXPECT_EQ(*raydium_swap_fee_bps(*p), 25u);
}

TEST(RaydiumAmmV4, net_reserves_subtract_need_take_pnl) {
  const auto pool = sol_usdc_pool();
  const auto r = raydium_reserves(pool, 1'000'183'502'858, 150'021'928'100);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->coin, 1'000'000'000'000u);
  EXPECT_EQ(r->pc, 150'000'000'000u);
  const auto exact = raydium_reserves(pool, 183502858, 21928100);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->coin, 0u);
  EXPECT_EQ(exact->pc, 0u);
}

TEST(RaydiumAmmV4, refuses_reserves_that_would_be_negative) {
  const auto pool = sol_usdc_pool();
  const auto coin_short = raydium_reserves(pool, 183502857, 1'000'000'000);
  ASSERT_FALSE(coin_short.ok());
  EXPECT_EQ(coin_short.error().code, "E-RESERVES");
  EXPECT_EQ(raydium_reserves(pool, 1'000'000'000'000, 21928099).error().code, "E-RESERVES");
}

TEST(RaydiumAmmV4, rejects_any_length_but_752) {
  auto data = testing::b64_fixture("raydium_amm_v4_sol_usdc_pool.b64");
  EXPECT_EQ(decode_raydium_amm_v4(std::span(data).first(751)).error().code, "E-ACCOUNT-DATA");
  data.push_back(0);
  EXPECT_FALSE(decode_raydium_amm_v4(data).ok());
}

TEST(RaydiumAmmV4, swap_fee_bps_refuses_fees_that_are_not_whole_bps) {
  RaydiumAmmV4 p;
  p.swap_fee_numerator = 1;
  p.swap_fee_denominator = 3;
  EXPECT_FALSE(raydium_swap_fee_bps(p).ok());
  p.swap_fee_denominator = 0;
  EXPECT_FALSE(raydium_swap_fee_bps(p).ok());
}

}  // namespace
}  // namespace kt::solana
