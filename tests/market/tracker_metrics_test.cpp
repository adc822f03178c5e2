#include <gtest/gtest.h>

#include <cmath>

#include "market/token_metrics.hpp"

namespace kt::market {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const TimePoint kNow = from_unix_millis(1'750'000'000'000);
const Mint kMint = *Mint::parse("4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw");

TEST(TokenMetrics, computes_changes_high_low_and_volatility_from_hand_made_history) {
  // 25 h ago 1.0 (outside the window, but the 24 h reference), then 2, 4, 2, 3 inside it.
  const std::vector<PricePoint> history = {{kNow - hours(25), 1.0},
                                           {kNow - hours(23), 2.0},
                                           {kNow - minutes(90), 4.0},
                                           {kNow - minutes(30), 2.0},
                                           {kNow, 3.0}};
  const TokenMetrics m = compute_token_metrics(kMint, history, kNow);
  EXPECT_EQ(m.mint, kMint);
  EXPECT_EQ(m.updated_at, kNow);
  EXPECT_EQ(m.last_price_sol, std::optional<double>(3.0));
  EXPECT_DOUBLE_EQ(*m.change_1h_pct, -25.0);   // vs 4.0 at 90 min ago
  EXPECT_DOUBLE_EQ(*m.change_24h_pct, 200.0);  // vs 1.0 at 25 h ago
  EXPECT_EQ(m.high_24h, std::optional<double>(4.0));
  EXPECT_EQ(m.low_24h, std::optional<double>(2.0));
  // Returns ln2, −ln2, ln1.5; sample stdev (n − 1 = 2) = 0.7316103233388135.
  EXPECT_NEAR(*m.volatility_24h, 0.7316103233388135, 1e-12);
}

TEST(TokenMetrics, a_sorted_clean_history_read_in_place_gives_the_same_bits_as_a_messy_copy) {
  // 26 h of minute points plus an equal-time neighbour. The messy copy has two points swapped and
  // points the metrics must ignore (future, zero, NaN, infinite), so it takes the filter-and-sort path.
  std::vector<PricePoint> clean;
  for (int i = 26 * 60; i >= 0; --i)
    clean.push_back({kNow - minutes(i), 1e-7 * (1.0 + 0.001 * ((i * 7) % 23) + (i % 5 == 0 ? 0.01 : 0.0))});
  clean.insert(clean.begin() + 200, PricePoint{clean[200].at, 2e-7});  // inside the 24 h
  std::vector<PricePoint> messy = clean;
  std::swap(messy[10], messy[11]);
  std::swap(messy[1400], messy[1401]);
  messy.insert(messy.begin() + 500, {{kNow + minutes(1), 9.0},
                                     {kNow - minutes(5), 0.0},
                                     {kNow - minutes(6), std::nan("")},
                                     {kNow - minutes(7), INFINITY}});
  const TokenMetrics a = compute_token_metrics(kMint, clean, kNow);
  const TokenMetrics b = compute_token_metrics(kMint, messy, kNow);
  ASSERT_TRUE(a.volatility_24h.has_value());
  ASSERT_TRUE(a.change_24h_pct.has_value());
  EXPECT_EQ(a.last_price_sol, b.last_price_sol);
  EXPECT_EQ(a.change_1h_pct, b.change_1h_pct);  // exact: the same operations in the same order
  EXPECT_EQ(a.change_24h_pct, b.change_24h_pct);
  EXPECT_EQ(a.high_24h, b.high_24h);
  EXPECT_EQ(a.low_24h, b.low_24h);
  EXPECT_EQ(a.volatility_24h, b.volatility_24h);
  EXPECT_EQ(a.high_24h, std::optional<double>(2e-7));
}

TEST(TokenMetrics, short_history_has_no_changes_or_volatility) {
  const std::vector<PricePoint> history = {{kNow - minutes(10), 2.0}, {kNow, 2.5}};
  const TokenMetrics m = compute_token_metrics(kMint, history, kNow);
  EXPECT_EQ(m.last_price_sol, std::optional<double>(2.5));
  EXPECT_FALSE(m.change_1h_pct.has_value());
  EXPECT_FALSE(m.change_24h_pct.has_value());
  EXPECT_EQ(m.high_24h, std::optional<double>(2.5));
  EXPECT_EQ(m.low_24h, std::optional<double>(2.0));
  EXPECT_FALSE(m.volatility_24h.has_value());  // one return only
}

TEST(TokenMetrics, ignores_future_and_non_positive_points_and_empty_history_is_empty) {
  const std::vector<PricePoint> history = {
      {kNow - hours(2), 1.0}, {kNow - hours(1), 0.0}, {kNow - minutes(1), -3.0}, {kNow + minutes(1), 9.0}};
  const TokenMetrics m = compute_token_metrics(kMint, history, kNow);
  EXPECT_EQ(m.last_price_sol, std::optional<double>(1.0));
  EXPECT_DOUBLE_EQ(*m.change_1h_pct, 0.0);
  EXPECT_EQ(m.high_24h, std::optional<double>(1.0));
  const TokenMetrics none = compute_token_metrics(kMint, {}, kNow);
  EXPECT_FALSE(none.last_price_sol.has_value());
  EXPECT_FALSE(none.high_24h.has_value());
}

TEST(TokenMetrics, constant_prices_have_zero_volatility) {
  std::vector<PricePoint> history;
  for (int i = 0; i < 10; ++i) history.push_back({kNow - minutes(10 * i), 0.5});
  std::reverse(history.begin(), history.end());
  const TokenMetrics m = compute_token_metrics(kMint, history, kNow);
  EXPECT_DOUBLE_EQ(*m.volatility_24h, 0.0);
  EXPECT_DOUBLE_EQ(*m.change_1h_pct, 0.0);
}

}  // namespace
}  // namespace kt::market
