#include "charts/axes.hpp"

#include <gtest/gtest.h>

namespace kt::charts {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

TimePoint at(year_month_day day, hours h, minutes m = 0min) {
  return time_point_cast<TimePoint::duration>(sys_days{day} + h + m);
}

TEST(ValueTicksTest, picks_one_two_or_five_times_a_power_of_ten) {
  // (2.05 − 0.95)/5 = 0.22 → rounded up to 0.5.
  const ValueTicks t = value_ticks(0.95, 2.05, 5);
  EXPECT_DOUBLE_EQ(t.step, 0.5);
  ASSERT_EQ(t.values.size(), 3u);
  EXPECT_DOUBLE_EQ(t.values[0], 1.0);
  EXPECT_DOUBLE_EQ(t.values[2], 2.0);
  // A memecoin's range: (2.99e-8 − 2.95e-8)/4 = 1e-10 → step 1e-10, five ticks.
  const ValueTicks tiny = value_ticks(2.95e-8, 2.99e-8, 4);
  EXPECT_NEAR(tiny.step, 1e-10, 1e-22);
  EXPECT_EQ(tiny.values.size(), 5u);
  EXPECT_TRUE(value_ticks(1, 1, 5).values.empty());
}

TEST(FormatTickTest, shows_the_digits_the_step_needs_at_any_magnitude) {
  EXPECT_EQ(format_tick(1.5, 0.5), "1.5");
  EXPECT_EQ(format_tick(2.0, 0.5), "2.0");
  EXPECT_EQ(format_tick(150, 50), "150");
  EXPECT_EQ(format_tick(-0.25, 0.05), "-0.25");
  EXPECT_EQ(format_tick(0, 0.5), "0");
  EXPECT_EQ(format_tick(1e-17, 0.5), "0");  // float noise at zero is not "-0.0"
  // 2.96e-8 with step 1e-10 needs 10 decimals: "0.0000000296", i.e. seven zeros after the point.
  EXPECT_EQ(format_tick(2.96e-8, 1e-10), "0.0₇296");
  EXPECT_EQ(format_tick(0.0025, 0.0005), "0.0025");
}

TEST(FormatPriceTest, keeps_four_significant_digits_and_counts_long_zero_runs) {
  EXPECT_EQ(format_price(2.966e-8), "0.0₇2966");
  EXPECT_EQ(format_price(84.1844), "84.18");
  EXPECT_EQ(format_price(0.001234), "0.001234");  // two zeros: left alone
  EXPECT_EQ(format_price(0), "0");
  EXPECT_EQ(format_price(-0.00000125), "-0.0₅125");
  EXPECT_EQ(compact_zeros("0.00001"), "0.0₄1");
  EXPECT_EQ(compact_zeros("0.0000"), "0.0000");  // nothing after the zeros
  EXPECT_EQ(compact_zeros("12.00001"), "12.00001");
}

TEST(TimeTicksTest, uses_whole_hours_within_a_day) {
  const auto ticks = time_ticks(at(2024y / March / 9, 10h, 7min), at(2024y / March / 9, 16h), 6);
  // 353 minutes: 30-minute steps would be 11 ticks, hourly ones 5.9 → 11:00 … 16:00.
  ASSERT_EQ(ticks.size(), 6u);
  EXPECT_EQ(ticks.front().label, "11:00");
  EXPECT_EQ(ticks.front().at, at(2024y / March / 9, 11h));
  EXPECT_EQ(ticks.back().label, "16:00");
}

TEST(TimeTicksTest, labels_midnight_and_day_steps_with_the_date) {
  const auto night = time_ticks(at(2024y / March / 8, 20h), at(2024y / March / 9, 4h), 4);
  std::vector<std::string> labels;
  for (const auto& t : night) labels.push_back(t.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"20:00", "22:00", "Mar 09", "02:00", "04:00"}));
  const auto week = time_ticks(at(2024y / March / 2, 13h), at(2024y / March / 9, 13h), 7);
  ASSERT_EQ(week.size(), 7u);  // daily: Mar 03 … Mar 09
  EXPECT_EQ(week.front().label, "Mar 03");
  EXPECT_EQ(week.back().label, "Mar 09");
}

TEST(FormatDurationTest, reads_like_a_person_would_say_it) {
  EXPECT_EQ(format_duration(Millis{45'000}), "45 s");
  EXPECT_EQ(format_duration(Millis{12 * 60'000 + 5'000}), "12 min");
  EXPECT_EQ(format_duration(Millis{(3 * 60 + 5) * 60'000}), "3 h 05 min");
  EXPECT_EQ(format_duration(Millis{(52 * 60 + 30) * 60'000}), "2 d 4 h");
}

}  // namespace
}  // namespace kt::charts
