// The demo market: deterministic, plausible, addressable by symbol and real mint, always simulated.
#include <gtest/gtest.h>

#include <cmath>

#include "market/demo_market.hpp"

namespace kt::market {
namespace {

const TimePoint kJune1 = from_unix_millis(1'717'200'000'000);  // 2024-06-01T00:00:00Z

Mint mint(const char* text) { return Mint::parse(text).value(); }
const Mint kBonk = mint("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
const Mint kWif = mint("EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm");
const Mint kJup = mint("JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN");
const Mint kPump = mint("65NjS7bPRF2DhEzs2VV7tw72um5XTLiRVcZyaQz6pump");

TEST(DemoMarket, same_time_gives_the_same_price_in_two_instances) {
  DemoMarket a, b;
  for (const Mint& m : {kBonk, kWif, kJup, kPump}) {
    const auto qa = a.quote(m, kJune1 + std::chrono::minutes(7));
    const auto qb = b.quote(m, kJune1 + std::chrono::minutes(7));
    ASSERT_TRUE(qa.ok() && qb.ok());
    EXPECT_EQ(qa->price, qb->price);
    // Constant within the minute bucket.
    EXPECT_EQ(qa->price, a.quote(m, kJune1 + std::chrono::minutes(7) + std::chrono::seconds(59))->price);
  }
}

TEST(DemoMarket, price_at_a_fixed_time_is_pinned) {
  // A regression pin: changing the walk changes every demo run and every recorded expectation.
  const auto& bonk = *find_demo_token(kBonk);
  EXPECT_EQ(demo_multiplier_ppb(bonk, kJune1), 912'213'742);
  const auto q = demo_quote(bonk, kJune1);
  EXPECT_EQ(u128_to_string(q.price.num()), "1368320613");
  EXPECT_EQ(u128_to_string(q.price.den()), "1000000000000");
}

TEST(DemoMarket, prices_stay_plausible_and_move_a_few_percent_per_hour_over_a_week) {
  struct Range {
    const char* symbol;
    double lo, hi;
  };
  const std::vector<Range> ranges = {
      {"BONK", 0.9e-7, 2.3e-7}, {"WIF", 0.006, 0.015}, {"JUP", 0.003, 0.0075}, {"PUMPDEMO", 1.7e-8, 4.2e-8}};
  for (const auto& r : ranges) {
    const DemoToken* token = nullptr;
    for (const auto& t : demo_tokens())
      if (t.symbol == r.symbol) token = &t;
    ASSERT_NE(token, nullptr) << r.symbol;
    std::vector<double> prices;
    for (int minute = 0; minute <= 7 * 24 * 60; ++minute) {
      const Quote q = demo_quote(*token, kJune1 + std::chrono::minutes(minute));
      ASSERT_FALSE(q.price.is_zero()) << r.symbol << " at minute " << minute;
      prices.push_back(q.price.sol_per_token(q.decimals));
    }
    double max_hourly = 0, lo = prices[0], hi = prices[0];
    for (std::size_t i = 0; i < prices.size(); ++i) {
      lo = std::min(lo, prices[i]);
      hi = std::max(hi, prices[i]);
      if (i >= 60) max_hourly = std::max(max_hourly, std::abs(prices[i] / prices[i - 60] - 1));
    }
    EXPECT_GE(lo, r.lo) << r.symbol;
    EXPECT_LE(hi, r.hi) << r.symbol;
    EXPECT_LT(max_hourly, 0.10) << r.symbol;
    EXPECT_GT(max_hourly, 0.01) << r.symbol << " hardly moves";
    EXPECT_GT(hi / lo, 1.05) << r.symbol << " has no range over a week";
  }
}

TEST(DemoMarket, symbols_and_real_mints_resolve) {
  DemoMarket demo;
  EXPECT_EQ(demo.resolve_symbol("BONK"), kBonk);
  EXPECT_EQ(demo.resolve_symbol("WIF"), kWif);
  EXPECT_EQ(demo.resolve_symbol("JUP"), kJup);
  EXPECT_EQ(demo.resolve_symbol("PUMPDEMO"), kPump);
  EXPECT_EQ(demo.resolve_symbol("bonk"), std::nullopt);  // callers upper-case first
  EXPECT_EQ(demo.resolve_symbol("SHIB"), std::nullopt);
  EXPECT_EQ(demo.quote(kBonk, kJune1)->decimals, 5);
  EXPECT_EQ(demo.quote(kWif, kJune1)->decimals, 6);
  EXPECT_EQ(demo.quote(kJup, kJune1)->decimals, 6);
  EXPECT_EQ(demo.quote(kPump, kJune1)->decimals, 6);
}

TEST(DemoMarket, unknown_mint_is_not_found) {
  DemoMarket demo;
  const auto q = demo.quote(mint("So11111111111111111111111111111111111111112"), kJune1);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(q.error().code, "E-UNKNOWN-TOKEN");
  EXPECT_EQ(demo.token_info(mint("So11111111111111111111111111111111111111112"), kJune1).error().code,
            "E-UNKNOWN-TOKEN");
}

TEST(DemoMarket, pump_token_quote_carries_curve_reserves_and_the_one_percent_fee) {
  DemoMarket demo;
  const auto q = demo.quote(kPump, kJune1);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(q->reserves.has_value());
  EXPECT_EQ(q->reserves->fee_bps, 100u);
  EXPECT_EQ(q->price, Price::from_ratio(q->reserves->sol_lamports, q->reserves->token_raw).value());
  // k stays that of a fresh curve (30 SOL × 1.073e15) to within the rounding of the reserves.
  const double k = static_cast<double>(q->reserves->sol_lamports) * static_cast<double>(q->reserves->token_raw);
  EXPECT_NEAR(k / (30e9 * 1.073e15), 1.0, 1e-6);
  EXPECT_FALSE(demo.quote(kBonk, kJune1)->reserves.has_value());
}

TEST(DemoMarket, every_quote_is_simulated_from_demo_and_observed_now) {
  DemoMarket demo;
  EXPECT_TRUE(demo.simulated());
  EXPECT_EQ(demo.name(), "demo");
  for (const auto& token : demo_tokens()) {
    const auto q = demo.quote(token.mint, kJune1 + std::chrono::seconds(5));
    ASSERT_TRUE(q.ok());
    EXPECT_TRUE(q->simulated);
    EXPECT_EQ(q->source, "demo");
    EXPECT_EQ(q->observed_at, kJune1 + std::chrono::seconds(5));
    EXPECT_EQ(q->mint, token.mint);
    ASSERT_TRUE(q->usd_per_token.has_value());
    EXPECT_NEAR(*q->usd_per_token, q->price.sol_per_token(q->decimals) * DemoMarket::kSolUsd, 1e-12);
  }
}

TEST(DemoMarket, token_info_describes_the_token_like_a_real_one) {
  DemoMarket demo;
  const auto pump = demo.token_info(kPump, kJune1);
  ASSERT_TRUE(pump.ok());
  EXPECT_EQ(pump->symbol, "PUMPDEMO");
  EXPECT_EQ(pump->decimals, 6);
  EXPECT_EQ(pump->supply_raw, 1'000'000'000'000'000ULL);
  EXPECT_FALSE(pump->mint_authority_set);
  EXPECT_FALSE(pump->freeze_authority_set);
  EXPECT_FALSE(pump->metadata_mutable);
  ASSERT_TRUE(pump->market_cap_usd && pump->liquidity_usd && pump->change_24h_pct);
  EXPECT_GT(*pump->market_cap_usd, 2'000);
  EXPECT_LT(*pump->market_cap_usd, 8'000);
  const auto bonk = demo.token_info(kBonk, kJune1);
  ASSERT_TRUE(bonk.ok());
  EXPECT_EQ(bonk->name, "Bonk");
  EXPECT_EQ(bonk->supply_raw, 8'800'000'000'000'000'000ULL);
  EXPECT_GT(*bonk->market_cap_usd, 1e9);
  EXPECT_LT(std::abs(*bonk->change_24h_pct), 60);
}

}  // namespace
}  // namespace kt::market
