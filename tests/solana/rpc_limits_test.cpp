#include "solana/rpc_limits.hpp"

#include <gtest/gtest.h>

namespace kt::solana {
namespace {

const TimePoint kT0 = from_unix_millis(1'700'000'000'000);

TEST(TokenBucket, allows_a_burst_then_one_request_per_interval) {
  TokenBucket bucket(8, 8);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(bucket.try_take(kT0)) << i;
  EXPECT_FALSE(bucket.try_take(kT0));
  EXPECT_EQ(bucket.wait_time(kT0), Millis{125});
  EXPECT_FALSE(bucket.try_take(kT0 + Millis{124}));
  EXPECT_TRUE(bucket.try_take(kT0 + Millis{125}));
  EXPECT_FALSE(bucket.try_take(kT0 + Millis{125}));
  // An idle second refills the whole burst, never more.
  const TimePoint later = kT0 + Millis{10'000};
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(bucket.try_take(later)) << i;
  EXPECT_FALSE(bucket.try_take(later));
}

TEST(TokenBucket, rate_below_one_per_second_spaces_requests) {
  TokenBucket bucket(0.5, 1);
  EXPECT_TRUE(bucket.try_take(kT0));
  EXPECT_EQ(bucket.wait_time(kT0), Millis{2000});
  EXPECT_TRUE(bucket.try_take(kT0 + Millis{2000}));
}

TEST(CircuitBreaker, opens_after_threshold_probes_after_cooldown_and_closes_on_success) {
  CircuitBreaker b(3, Millis{30'000});
  EXPECT_FALSE(b.on_failure(kT0).has_value());
  EXPECT_FALSE(b.on_failure(kT0).has_value());
  const auto opened = b.on_failure(kT0);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->from, BreakerState::kClosed);
  EXPECT_EQ(opened->to, BreakerState::kOpen);
  EXPECT_FALSE(b.allows_traffic());
  EXPECT_FALSE(b.probe_due(kT0 + Millis{29'999}));
  EXPECT_FALSE(b.begin_probe(kT0 + Millis{29'999}).has_value());
  EXPECT_TRUE(b.probe_due(kT0 + Millis{30'000}));
  const auto half = b.begin_probe(kT0 + Millis{30'000});
  ASSERT_TRUE(half.has_value());
  EXPECT_EQ(half->to, BreakerState::kHalfOpen);
  const auto closed = b.on_success();
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->to, BreakerState::kClosed);
  EXPECT_EQ(b.consecutive_failures(), 0);
}

TEST(CircuitBreaker, failed_probe_reopens_for_a_new_cooldown) {
  CircuitBreaker b(1, Millis{1'000});
  (void)b.on_failure(kT0);
  (void)b.begin_probe(kT0 + Millis{1'000});
  const auto reopened = b.on_failure(kT0 + Millis{1'000});
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(reopened->from, BreakerState::kHalfOpen);
  EXPECT_EQ(reopened->to, BreakerState::kOpen);
  EXPECT_FALSE(b.probe_due(kT0 + Millis{1'999}));
  EXPECT_TRUE(b.probe_due(kT0 + Millis{2'000}));
}

TEST(CircuitBreaker, success_resets_the_consecutive_count) {
  CircuitBreaker b(2, Millis{1'000});
  (void)b.on_failure(kT0);
  (void)b.on_success();
  EXPECT_FALSE(b.on_failure(kT0).has_value());
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

}  // namespace
}  // namespace kt::solana
