// Webhook acknowledgements: a waiter returns true only once its update finished, false on timeout
// or shutdown, and a finish that comes before the wait is not missed.
#include "telegram/update_acks.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace kt::telegram {
namespace {

using namespace std::chrono_literals;

TEST(UpdateAcks, a_finish_before_the_wait_is_not_missed) {
  UpdateAcks acks;
  acks.expect(7);
  acks.complete(7);
  EXPECT_TRUE(acks.wait(7, 0ms));
  EXPECT_EQ(acks.waiting(), 0u);
}

TEST(UpdateAcks, the_waiter_returns_when_its_update_finishes_and_not_for_another) {
  UpdateAcks acks;
  acks.expect(1);
  auto waited = std::async(std::launch::async, [&] { return acks.wait(1, 5s); });
  acks.complete(2);  // not expected: ignored
  EXPECT_EQ(waited.wait_for(100ms), std::future_status::timeout);
  acks.complete(1);
  EXPECT_TRUE(waited.get());
}

TEST(UpdateAcks, an_update_that_does_not_finish_in_time_is_not_acknowledged) {
  UpdateAcks acks;
  acks.expect(3);
  EXPECT_FALSE(acks.wait(3, 50ms));
  EXPECT_EQ(acks.waiting(), 0u);
  acks.complete(3);  // too late: nobody waits, nothing is kept
  acks.expect(3);
  EXPECT_FALSE(acks.wait(3, 0ms));
}

TEST(UpdateAcks, shutdown_releases_every_waiter_unacknowledged) {
  UpdateAcks acks;
  acks.expect(4);
  acks.expect(5);
  auto a = std::async(std::launch::async, [&] { return acks.wait(4, 10s); });
  auto b = std::async(std::launch::async, [&] { return acks.wait(5, 10s); });
  std::this_thread::sleep_for(20ms);
  acks.cancel_all();
  EXPECT_FALSE(a.get());
  EXPECT_FALSE(b.get());
  acks.expect(6);
  EXPECT_FALSE(acks.wait(6, 10s));  // after shutdown nothing waits
}

TEST(UpdateAcks, a_resent_update_still_in_flight_is_acknowledged_for_both_deliveries) {
  UpdateAcks acks;
  acks.expect(8);
  acks.expect(8);
  auto first = std::async(std::launch::async, [&] { return acks.wait(8, 5s); });
  auto second = std::async(std::launch::async, [&] { return acks.wait(8, 5s); });
  acks.complete(8);
  EXPECT_TRUE(first.get());
  EXPECT_TRUE(second.get());
  EXPECT_EQ(acks.waiting(), 0u);
}

TEST(UpdateAcks, forget_ends_a_registration_that_was_never_dispatched) {
  UpdateAcks acks;
  acks.expect(9);
  acks.forget(9);
  EXPECT_EQ(acks.waiting(), 0u);
}

}  // namespace
}  // namespace kt::telegram
