// How many sender threads `kitrader run` starts: paced, enough that 500 ms round trips to Telegram
// cannot hold the rate below the bucket's (messages plus as many button answers); unpaced, two per
// worker. The rate this buys is measured by bench/e2e_load/pacing_main.cpp.
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

TEST(SenderThreads, paced_default_keeps_30_per_second_with_half_second_round_trips) {
  const std::size_t senders = outbound_sender_threads(paced(30), 8);
  // 30 messages and up to 30 button answers per second, each holding a sender for 0.5 s.
  EXPECT_GE(static_cast<double>(senders) / 0.5, 2 * 30.0);
  EXPECT_EQ(senders, 30u);
}

TEST(SenderThreads, paced_count_follows_the_configured_rate_within_bounds) {
  EXPECT_EQ(outbound_sender_threads(paced(1), 8), 8u);  // never fewer than 8
  EXPECT_EQ(outbound_sender_threads(paced(45), 8), 45u);
  EXPECT_EQ(outbound_sender_threads(paced(1000), 8), 64u);  // paid broadcast rates: capped
}

TEST(SenderThreads, a_configured_count_wins_paced_or_not) {
  ops::TelegramConfig telegram = paced(30);
  telegram.sender_threads = 200;  // a local Bot API server with 50 ms round trips: 4,000 calls/s
  EXPECT_EQ(outbound_sender_threads(telegram, 8), 200u);
  telegram.pacing_enabled = false;
  telegram.sender_threads = 4;
  EXPECT_EQ(outbound_sender_threads(telegram, 8), 4u);
  telegram.sender_threads = 0;
  EXPECT_EQ(outbound_sender_threads(telegram, 8), 16u) << "0 is automatic";
}

TEST(SenderThreads, unpaced_has_two_per_worker_and_at_least_16) {
  ops::TelegramConfig telegram;
  telegram.pacing_enabled = false;
  EXPECT_EQ(outbound_sender_threads(telegram, 4), 16u);
  EXPECT_EQ(outbound_sender_threads(telegram, 20), 40u);
}

}  // namespace
}  // namespace kt::app
