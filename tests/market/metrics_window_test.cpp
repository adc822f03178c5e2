// MetricsWindow equals compute_token_metrics bit for bit over whatever points it retains: random
// tracker-like runs (a point a minute for days, some gaps, sudden moves) and hostile ones (time
// going back, equal times, zero/negative/NaN/infinite prices, `now` before the newest point).
#include "market/metrics_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace kt::market {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

const Mint kMint = *Mint::parse("4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw");
const TimePoint kStart = from_unix_millis(1'750'000'000'000);

std::uint64_t bits(double v) {
  std::uint64_t out = 0;
  std::memcpy(&out, &v, sizeof out);
  return out;
}

/// Both absent, or both present with the same bits.
::testing::AssertionResult same(const std::optional<double>& got, const std::optional<double>& want) {
  if (got.has_value() != want.has_value())
    return ::testing::AssertionFailure() << (got ? "unexpected value " : "missing value ") << got.value_or(0)
                                         << want.value_or(0);
  if (got && bits(*got) != bits(*want))
    return ::testing::AssertionFailure() << *got << " != " << *want << " (bits differ)";
  return ::testing::AssertionSuccess();
}

void expect_same(const TokenMetrics& got, const TokenMetrics& want, int step) {
  EXPECT_EQ(got.mint, want.mint) << step;
  EXPECT_EQ(got.updated_at, want.updated_at) << step;
  EXPECT_TRUE(same(got.last_price_sol, want.last_price_sol)) << "last, step " << step;
  EXPECT_TRUE(same(got.change_1h_pct, want.change_1h_pct)) << "1 h, step " << step;
  EXPECT_TRUE(same(got.change_24h_pct, want.change_24h_pct)) << "24 h, step " << step;
  EXPECT_TRUE(same(got.high_24h, want.high_24h)) << "high, step " << step;
  EXPECT_TRUE(same(got.low_24h, want.low_24h)) << "low, step " << step;
  EXPECT_TRUE(same(got.volatility_24h, want.volatility_24h)) << "volatility, step " << step;
}

/// The tracker's use: add the observation, forget what is older than 25 h, compute. Also checks
/// that the window retains exactly the points a plain vector would.
struct TrackedRun {
  MetricsWindow window;
  std::vector<PricePoint> reference;
  int steps = 0;

  void observe(PricePoint p, TimePoint now) {
    window.add(p);
    reference.push_back(p);
    window.expire(now - hours(25));
    // Like the tracker always did: the oldest points go while they are older than the span (a
    // point behind a newer one waits for it).
    const auto kept = std::find_if(reference.begin(), reference.end(),
                                   [&](const PricePoint& r) { return !(r.at < now - hours(25)); });
    reference.erase(reference.begin(), kept);
    check(now);
  }
  void check(TimePoint now) {
    ++steps;
    const auto kept = window.points();
    ASSERT_EQ(kept.size(), reference.size()) << steps;
    for (std::size_t i = 0; i < kept.size(); ++i) {
      ASSERT_EQ(kept[i].at, reference[i].at) << steps;
      ASSERT_EQ(bits(kept[i].sol_per_token), bits(reference[i].sol_per_token)) << steps;
    }
    expect_same(window.metrics(kMint, now), compute_token_metrics(kMint, reference, now), steps);
  }
};

TEST(MetricsWindow, equals_the_full_computation_over_three_days_of_minute_points) {
  std::mt19937_64 rng(20261124);
  std::normal_distribution<double> move(0.0, 0.01);
  TrackedRun run;
  double price = 3e-8;
  TimePoint now = kStart;
  for (int i = 0; i < 3 * 24 * 60; ++i) {
    now += minutes(1);
    price *= std::exp(move(rng) + (i % 977 == 0 ? 0.5 : 0.0));  // now and then a jump
    run.observe({now, price}, now);
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(run.window.points().size(), 24u * 60u);
}

TEST(MetricsWindow, equals_the_full_computation_with_gaps_and_hostile_points) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_real_distribution<double> unit(0.5, 1.5);
  for (int seed_run = 0; seed_run < 20; ++seed_run) {
    TrackedRun run;
    TimePoint now = kStart;
    double price = 1e-6;
    for (int i = 0; i < 1500; ++i) {
      const int r = pick(rng);
      // Mostly a minute, sometimes hours (the window empties), sometimes no time at all.
      now += r < 5 ? hours(1 + pick(rng) % 30) : r < 10 ? milliseconds(0) : minutes(1);
      price *= unit(rng);
      PricePoint p{now, price};
      const int hostile = pick(rng);
      if (hostile == 0) p.sol_per_token = 0;
      if (hostile == 1) p.sol_per_token = -price;
      if (hostile == 2) p.sol_per_token = std::numeric_limits<double>::quiet_NaN();
      if (hostile == 3) p.sol_per_token = std::numeric_limits<double>::infinity();
      if (hostile == 4) p.at = now - minutes(pick(rng));      // out of order
      if (hostile == 5) p.at = now + minutes(1 + pick(rng));  // after `now`
      run.observe(p, now);
      if (pick(rng) < 3) run.check(now - minutes(pick(rng) * 20));  // asked about an earlier time
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(MetricsWindow, equal_prices_give_zero_volatility_and_a_flat_high_and_low) {
  TrackedRun run;
  TimePoint now = kStart;
  for (int i = 0; i < 200; ++i) {
    now += minutes(1);
    run.observe({now, 0.25}, now);
  }
  const TokenMetrics m = run.window.metrics(kMint, now);
  EXPECT_EQ(m.volatility_24h, std::optional<double>(0.0));
  EXPECT_EQ(m.high_24h, std::optional<double>(0.25));
  EXPECT_EQ(m.low_24h, std::optional<double>(0.25));
  EXPECT_EQ(m.change_1h_pct, std::optional<double>(0.0));
}

TEST(MetricsWindow, an_empty_window_has_no_metrics) {
  MetricsWindow window;
  EXPECT_TRUE(window.empty());
  const TokenMetrics m = window.metrics(kMint, kStart);
  EXPECT_FALSE(m.last_price_sol.has_value());
  window.add({kStart, 1.0});
  window.expire(kStart + minutes(1));
  EXPECT_TRUE(window.empty());
  EXPECT_FALSE(window.metrics(kMint, kStart + minutes(1)).last_price_sol.has_value());
}

}  // namespace
}  // namespace kt::market
