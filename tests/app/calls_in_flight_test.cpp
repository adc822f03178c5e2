// How many Bot API calls `kitrader run` keeps in flight: paced, enough that 500 ms round trips to
// Telegram cannot hold the rate below the bucket's (messages plus as many button answers); unpaced,
// enough for a local Bot API server. The rate this buys is measured by bench/e2e_load/pacing_main.cpp.
#include <gtest/gtest.h>

#include "app/run_telegram.hpp"

namespace kt::app {
namespace {

ops::TelegramConfig paced(int per_second) {
  ops::TelegramConfig telegram;
  telegram.pacing_enabled = true;
  telegram.global_rate_per_sec = per_second;
  return telegram;
}

TEST(CallsInFlight, paced_default_keeps_30_per_second_with_half_second_round_trips) {
  const std::size_t calls = outbound_calls_in_flight(paced(30), 8);
  // 30 messages and up to 30 button answers per second, each in flight for 0.5 s.
  EXPECT_GE(static_cast<double>(calls) / 0.5, 2 * 30.0);
  EXPECT_EQ(calls, 30u);
}

TEST(CallsInFlight, paced_count_follows_the_configured_rate_within_bounds) {
  EXPECT_EQ(outbound_calls_in_flight(paced(1), 8), 8u);  // never fewer than 8
  EXPECT_EQ(outbound_calls_in_flight(paced(45), 8), 45u);
  EXPECT_EQ(outbound_calls_in_flight(paced(1000), 8), 64u);  // paid broadcast rates: capped
}

TEST(CallsInFlight, a_configured_count_wins_paced_or_not) {
  ops::TelegramConfig telegram = paced(30);
  telegram.calls_in_flight = 200;  // a local Bot API server with 50 ms round trips: 4,000 calls/s
  EXPECT_EQ(outbound_calls_in_flight(telegram, 8), 200u);
  telegram.pacing_enabled = false;
  telegram.calls_in_flight = 4;
  EXPECT_EQ(outbound_calls_in_flight(telegram, 8), 4u);
  telegram.calls_in_flight = 0;
  EXPECT_EQ(outbound_calls_in_flight(telegram, 8), 64u) << "0 is automatic";
}

TEST(CallsInFlight, unpaced_keeps_a_local_bot_api_server_busy_and_two_per_worker) {
  ops::TelegramConfig telegram;
  telegram.pacing_enabled = false;
  // 1,000 replies/s against a local Bot API server answering in 50 ms need 50 in flight.
  EXPECT_GE(outbound_calls_in_flight(telegram, 4) / 0.05, 1'000.0);
  EXPECT_EQ(outbound_calls_in_flight(telegram, 4), 64u);
  EXPECT_EQ(outbound_calls_in_flight(telegram, 40), 80u);
}

}  // namespace
}  // namespace kt::app
