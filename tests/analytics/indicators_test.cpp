#include "analytics/indicators.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kt::analytics {
namespace {

TEST(SmaTest, averages_the_last_n_values_once_n_are_there) {
  const auto out = sma({1, 2, 3, 4, 5}, 3);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_FALSE(out[0].has_value());
  EXPECT_FALSE(out[1].has_value());
  EXPECT_DOUBLE_EQ(*out[2], 2.0);  // (1+2+3)/3
  EXPECT_DOUBLE_EQ(*out[3], 3.0);  // (2+3+4)/3
  EXPECT_DOUBLE_EQ(*out[4], 4.0);
  EXPECT_TRUE(sma({1, 2}, 3)[1] == std::nullopt);
}

TEST(EmaTest, is_seeded_with_the_sma_of_the_first_n_then_smooths_with_two_over_n_plus_one) {
  // n = 3 → α = 0.5. Seed (2+4+6)/3 = 4; then 0.5·8 + 0.5·4 = 6; 0.5·10 + 0.5·6 = 8; 0.5·3 + 0.5·8 = 5.5.
  const auto out = ema({2, 4, 6, 8, 10, 3}, 3);
  EXPECT_FALSE(out[1].has_value());
  EXPECT_DOUBLE_EQ(*out[2], 4.0);
  EXPECT_DOUBLE_EQ(*out[3], 6.0);
  EXPECT_DOUBLE_EQ(*out[4], 8.0);
  EXPECT_DOUBLE_EQ(*out[5], 5.5);
}

TEST(RsiTest, uses_wilder_smoothing_on_a_hand_computed_series) {
  // n = 3 over 10, 11, 10.5, 11.5, 11, 12: changes +1, −0.5, +1, −0.5, +1.
  // First: gain (1+1)/3 = 2/3, loss 0.5/3 = 1/6 → RS 4 → RSI 100 − 100/5 = 80.
  // Next (−0.5): gain (2/3·2 + 0)/3 = 4/9, loss (1/6·2 + 0.5)/3 = 5/18 → RS 1.6 → 100 − 100/2.6.
  // Next (+1): gain (4/9·2 + 1)/3 = 17/27, loss (5/18·2)/3 = 5/27 → RS 3.4 → 100 − 100/4.4.
  const auto out = rsi({10, 11, 10.5, 11.5, 11, 12}, 3);
  EXPECT_FALSE(out[2].has_value());
  EXPECT_DOUBLE_EQ(*out[3], 80.0);
  EXPECT_NEAR(*out[4], 100.0 - 100.0 / 2.6, 1e-9);
  EXPECT_NEAR(*out[5], 100.0 - 100.0 / 4.4, 1e-9);
}

TEST(RsiTest, matches_the_published_stockcharts_wilder_example) {
  // The 14-period RSI worked example of StockCharts' ChartSchool (Wilder's method): 33 closes,
  // first RSI 70.53 at the 15th close (average gain 0.2385, average loss 0.0996).
  const std::vector<double> closes = {44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433,
                                      46.0826, 45.8931, 46.0328, 45.6140, 46.2820, 46.2820, 46.0028, 46.0328, 46.4116,
                                      46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288,
                                      44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314};
  const std::vector<double> published = {70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38,
                                         54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.30, 33.08, 37.77};
  const auto out = rsi(closes, 14);
  ASSERT_EQ(out.size(), closes.size());
  EXPECT_FALSE(out[13].has_value());
  for (std::size_t i = 0; i < published.size(); ++i) {
    ASSERT_TRUE(out[14 + i].has_value());
    EXPECT_NEAR(*out[14 + i], published[i], 0.005) << "close #" << 15 + i;
  }
}

TEST(RsiTest, is_100_without_losses_and_50_when_nothing_moves) {
  EXPECT_DOUBLE_EQ(*rsi({1, 2, 3, 4}, 3).back(), 100.0);
  EXPECT_DOUBLE_EQ(*rsi({4, 3, 2, 1}, 3).back(), 0.0);
  EXPECT_DOUBLE_EQ(*rsi({5, 5, 5, 5}, 3).back(), 50.0);
}

TEST(IndicatorTest, a_window_below_one_is_a_programming_error) {
  EXPECT_THROW(sma({1}, 0), std::invalid_argument);
  EXPECT_THROW(ema({1}, -1), std::invalid_argument);
  EXPECT_THROW(rsi({1}, 0), std::invalid_argument);
}

TEST(ResampleTest, keeps_the_last_close_per_bucket_and_carries_it_over_gaps) {
  const TimePoint t0 = from_unix_millis(1'700'000'040'000);  // a whole minute
  const std::vector<PricePoint> ticks = {
      {t0 + Millis{10'000}, 1.0}, {t0 + Millis{50'000}, 2.0}, {t0 + Millis{150'000}, 3.0}};
  const auto out = resample_closes(ticks, Millis{60'000});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].at, t0);
  EXPECT_DOUBLE_EQ(out[0].price, 2.0);
  EXPECT_EQ(out[1].at, t0 + Millis{60'000});
  EXPECT_DOUBLE_EQ(out[1].price, 2.0);  // no tick in that minute
  EXPECT_EQ(out[2].at, t0 + Millis{120'000});
  EXPECT_DOUBLE_EQ(out[2].price, 3.0);
  EXPECT_TRUE(resample_closes({}, Millis{60'000}).empty());
}

std::vector<double> ramp(int n, double start, double step) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(start + step * i);
  return out;
}

TEST(TaReadingTest, says_how_much_history_is_missing) {
  const TaReading r = ta_reading(ramp(10, 1, 0.1));
  EXPECT_FALSE(r.enough_history);
  EXPECT_EQ(r.points, 10);
  EXPECT_EQ(r.summary, "not enough history (10 points, need 15)");
  EXPECT_FALSE(r.rsi14.has_value());
  EXPECT_EQ(ta_reading({}).summary, "not enough history (0 points, need 15)");
}

TEST(TaReadingTest, a_steady_rise_reads_overbought_uptrend) {
  const TaReading r = ta_reading(ramp(60, 1e-8, 1e-10));
  EXPECT_TRUE(r.enough_history);
  EXPECT_DOUBLE_EQ(*r.rsi14, 100.0);
  // SMA20 of the last 20 = the middle of closes 40..59 = 1e-8 + 49.5e-10.
  EXPECT_NEAR(*r.sma20, 1e-8 + 49.5e-10, 1e-20);
  EXPECT_EQ(r.summary, "RSI 100: overbought; price above SMA20 and EMA50: uptrend");
}

TEST(TaReadingTest, a_steady_fall_reads_oversold_downtrend) {
  EXPECT_EQ(ta_reading(ramp(60, 100, -1)).summary, "RSI 0: oversold; price below SMA20 and EMA50: downtrend");
}

TEST(TaReadingTest, names_the_averages_that_lack_history) {
  EXPECT_EQ(ta_reading(ramp(16, 1, 1)).summary, "RSI 100: overbought; trend: needs 20 points for SMA20");
  EXPECT_EQ(ta_reading(ramp(30, 1, 1)).summary,
            "RSI 100: overbought; price above SMA20: uptrend (EMA50 needs 50 points)");
}

TEST(TaReadingTest, a_sideways_market_is_neutral_without_a_clear_trend) {
  // 2, 1, 2, 1, … ending at 1.5 between: RSI near 50, price between the averages or at them.
  std::vector<double> closes;
  for (int i = 0; i < 60; ++i) closes.push_back(i % 2 == 0 ? 2.0 : 1.0);
  closes.push_back(1.5);
  const TaReading r = ta_reading(closes);
  EXPECT_GT(*r.rsi14, 30);
  EXPECT_LT(*r.rsi14, 70);
  EXPECT_EQ(r.summary.substr(0, 4), "RSI ");
  EXPECT_NE(r.summary.find(": neutral; price "), std::string::npos) << r.summary;
}

}  // namespace
}  // namespace kt::analytics
