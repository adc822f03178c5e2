#include "domain/fill.hpp"

#include <gtest/gtest.h>

namespace kt {
namespace {

// Every expected number below was computed by hand (integer arithmetic) from the DESIGN.md formulas.
Quote spot(const char* sol_per_token, std::uint8_t decimals) {
  Quote q;
  q.mint = *Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
  q.price = *Price::from_sol_per_token(sol_per_token, decimals);
  q.decimals = decimals;
  q.source = "test";
  return q;
}

Quote curve() {
  Quote q = spot("0.00000002796", 6);
  q.reserves = PoolReserves{30'000'000'000u, 1'073'000'000'000'000u, 100};
  q.price = *Price::from_ratio(30'000'000'000u, 1'073'000'000'000'000u);
  return q;
}

Position position_from(Side side, const OpenFill& f, const Quote& q) {
  Position p;
  p.side = side;
  p.mint = q.mint;
  p.decimals = q.decimals;
  p.qty_raw = p.initial_qty_raw = f.qty_raw;
  p.cost = p.initial_cost = f.total_debit;
  p.entry_notional = f.notional;
  p.entry_price = f.fill_price;
  return p;
}

const FeeSchedule kFees{2'500, 50, Lamports{100'000}};

TEST(FillModel, long_open_charges_fee_then_slippage_rounding_down) {
  // 0.00002 SOL per token, 5 decimals = 1/5 lamport per raw unit.
  auto f = fill_open(Side::kLong, Lamports{1'000'000'000}, spot("0.00002", 5), kFees);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->notional.value, 997'506'234);  // floor(1e9 / 1.0025)
  EXPECT_EQ(f->trading_fee.value, 2'493'766);
  EXPECT_EQ(f->qty_raw, 4'962'717'582u);  // floor(notional / (0.2 · 1.005))
  EXPECT_EQ(f->total_debit.value, 1'000'100'000);
  EXPECT_EQ(f->impact_bps, 50);
  EXPECT_FALSE(f->used_reserves);
}

TEST(FillModel, long_round_trip_at_an_unchanged_price_loses_exactly_fees_and_slippage) {
  const Quote q = spot("0.00002", 5);
  auto open = *fill_open(Side::kLong, Lamports{1'000'000'000}, q, kFees);
  auto close = fill_close(position_from(Side::kLong, open, q), open.qty_raw, q, kFees);
  ASSERT_TRUE(close.ok());
  EXPECT_EQ(close->gross.value, 987'580'798);  // floor(qty · 0.2 · 0.995)
  EXPECT_EQ(close->trading_fee.value, 2'468'952);
  EXPECT_EQ(close->proceeds.value, 985'111'846);
  EXPECT_EQ(close->cost_released.value, 1'000'100'000);
  // Balance 1000 SOL → 998.9999 after open → 999.984911846 after close (network fee again).
  EXPECT_EQ(1'000'000'000'000 - open.total_debit.value + close->proceeds.value - close->network_fee.value,
            999'984'911'846);
}

TEST(FillModel, curve_buy_uses_constant_product_after_the_venue_fee) {
  auto f = fill_open(Side::kLong, Lamports{1'000'000'000}, curve(), kFees);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->used_reserves);
  EXPECT_EQ(f->trading_fee.value, 10'000'000);  // 1 %
  EXPECT_EQ(f->qty_raw, 34'277'831'558'567u);   // floor(0.99e9 · 1.073e15 / (30e9 + 0.99e9))
  EXPECT_GT(f->impact_bps, 300);                // 0.99 SOL into a 30 SOL curve moves the price ~3.3 %
  auto close = fill_close(position_from(Side::kLong, *f, curve()), f->qty_raw, curve(), kFees);
  EXPECT_EQ(close->gross.value, 928'705'440);
  EXPECT_EQ(close->trading_fee.value, 9'287'055);
  EXPECT_EQ(close->proceeds.value, 919'418'385);
}

TEST(FillModel, bigger_orders_on_a_thin_curve_get_worse_prices) {
  auto small = *fill_open(Side::kLong, Lamports{100'000'000}, curve(), kFees);
  auto large = *fill_open(Side::kLong, Lamports{10'000'000'000}, curve(), kFees);
  EXPECT_LT(small.impact_bps, large.impact_bps);
  EXPECT_GT(large.impact_bps, 2'000);
}

TEST(FillModel, short_profits_when_the_price_halves) {
  const Quote entry = spot("0.00002", 5);
  auto open = *fill_open(Side::kShort, Lamports{1'000'000'000}, entry, kFees);
  EXPECT_EQ(open.notional.value, 997'506'234);
  EXPECT_EQ(open.qty_raw, 5'012'594'140u);  // sold at 0.2 · 0.995
  auto close = *fill_close(position_from(Side::kShort, open, entry), open.qty_raw, spot("0.00001", 5), kFees);
  EXPECT_EQ(close.trading_fee.value, 1'259'415);
  EXPECT_EQ(close.proceeds.value, 1'489'987'341);  // notional + sold − buy-back − fee
  EXPECT_FALSE(close.liquidated);
}

TEST(FillModel, short_loss_is_capped_at_the_collateral) {
  const Quote entry = spot("0.00002", 5);
  auto open = *fill_open(Side::kShort, Lamports{1'000'000'000}, entry, kFees);
  auto close = *fill_close(position_from(Side::kShort, open, entry), open.qty_raw, spot("0.00005", 5), kFees);
  EXPECT_TRUE(close.liquidated);
  EXPECT_EQ(close.proceeds.value, 0);
}

TEST(FillModel, partial_close_releases_a_proportional_cost_rounded_down) {
  const Quote q = spot("0.00002", 5);
  auto open = *fill_open(Side::kLong, Lamports{1'000'000'000}, q, kFees);
  auto p = position_from(Side::kLong, open, q);
  auto quarter = *fill_close(p, p.qty_raw / 4, q, kFees);
  EXPECT_EQ(quarter.qty_raw, 1'240'679'395u);
  EXPECT_EQ(quarter.cost_released.value, 250'024'999);  // floor(1000100000 · 1240679395 / 4962717582)
}

TEST(FillModel, rejects_sizes_too_small_to_buy_one_unit) {
  auto f = fill_open(Side::kLong, Lamports{1}, spot("10000", 0), kFees);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, "E-SIZE");
}

}  // namespace
}  // namespace kt
