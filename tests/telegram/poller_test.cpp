// Polling against the fake Bot API: offsets, redelivery, resume, no busy loop, back-off.
#include <gtest/gtest.h>

#include "telegram/fake_bot_api.hpp"
#include "telegram/poller.hpp"
#include "test_support.hpp"

namespace kt::telegram {
namespace {

using namespace std::chrono_literals;
using kt::testing::Fault;

class PollerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Poller> make(std::optional<std::int64_t> last = std::nullopt) {
    PollerOptions options;
    options.long_poll_seconds = 1;  // the fake caps an empty wait at 200 ms anyway
    return std::make_unique<Poller>(api, clock, options, "KiTraderBot",
                                    [this](ParsedUpdate u) {
                                      seen.push_back(u);
                                      return true;
                                    },
                                    last);
  }
  kt::testing::FakeBotApi fake;
  ManualClock clock;
  std::unique_ptr<http::Client> curl = http::make_curl_client();
  BotApi api{*curl, {fake.api_url(), fake.token(), 2s}};
  std::vector<ParsedUpdate> seen;
};

TEST_F(PollerTest, offset_advances_past_each_batch) {
  auto a = fake.push_text(1, 1, "/start");
  auto b = fake.push_text(2, 2, "/balance");
  auto poller = make();
  EXPECT_EQ(poller->next_offset(), 0);
  poller->poll_once();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].update_id, a);
  EXPECT_EQ(seen[1].incoming->text, "/balance");
  EXPECT_EQ(poller->next_offset(), b + 1);
  auto c = fake.push_text(1, 1, "/help");
  poller->poll_once();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].update_id, c);
  auto calls = fake.calls("getUpdates");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].params["offset"], 0);
  EXPECT_EQ(calls[1].params["offset"], b + 1);
}

TEST_F(PollerTest, redelivered_update_id_is_passed_through_for_the_handler_to_decide) {
  auto id = fake.push_text(1, 1, "/open BONK 1");
  make()->poll_once();
  // A restart before the offset was confirmed (and nothing stored): the server sends it again.
  auto poller = make();
  poller->poll_once();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].update_id, id);
  EXPECT_EQ(seen[1].update_id, id);
  EXPECT_EQ(seen[1].incoming->update_id, id);
  EXPECT_EQ(poller->next_offset(), id + 1);
}

TEST_F(PollerTest, resumes_after_the_stored_update_id) {
  fake.push_update({{"update_id", 700}, {"message", {{"message_id", 1}, {"from", {{"id", 1}}}, {"chat", {{"id", 1}, {"type", "private"}}}, {"text", "old"}}}});
  fake.push_update({{"update_id", 701}, {"message", {{"message_id", 2}, {"from", {{"id", 1}}}, {"chat", {{"id", 1}, {"type", "private"}}}, {"text", "new"}}}});
  auto poller = make(700);
  EXPECT_EQ(poller->next_offset(), 701);
  poller->poll_once();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].incoming->text, "new");
}

TEST_F(PollerTest, an_instant_empty_answer_waits_the_minimum_interval) {
  auto poller = make();
  // The manual clock does not move during the call, so the whole 1 s minimum remains.
  EXPECT_EQ(poller->poll_once(), 1000ms);
}

TEST_F(PollerTest, errors_back_off_exponentially_up_to_the_cap) {
  fake.inject("getUpdates", Fault::server_error(), -1);
  auto poller = make();
  std::vector<long> waits;
  for (int i = 0; i < 7; ++i) waits.push_back(poller->poll_once().count());
  EXPECT_EQ(waits, (std::vector<long>{1000, 2000, 4000, 8000, 16000, 30000, 30000}));
  fake.clear_faults();
  fake.push_text(1, 1, "hi");
  EXPECT_EQ(poller->poll_once(), 0ms);  // success resets the back-off
}

TEST_F(PollerTest, conflict_409_is_logged_clearly_and_backed_off) {
  test::LogCapture logs;
  fake.inject("getUpdates", Fault::conflict_webhook_active(), 2);
  auto poller = make();
  EXPECT_EQ(poller->poll_once(), 1000ms);
  EXPECT_EQ(poller->poll_once(), 2000ms);
  EXPECT_EQ(logs.count("getUpdates conflict (409): a webhook is set or another instance"), 2u);
}

TEST_F(PollerTest, conflict_409_in_the_polling_thread_is_not_a_tight_loop) {
  fake.inject("getUpdates", Fault::conflict_other_poller(), -1);
  PollerOptions options;
  options.backoff_initial = 100ms;
  SystemClock real;
  Poller poller(api, real, options, "KiTraderBot", [](ParsedUpdate) { return true; }, std::nullopt);
  poller.start();
  std::this_thread::sleep_for(1000ms);
  poller.stop();
  // Waits of 100, 200, 400 ms: calls at about 0, 0.1, 0.3 and 0.7 s.
  EXPECT_GE(fake.count("getUpdates"), 3u);
  EXPECT_LE(fake.count("getUpdates"), 5u);
}

}  // namespace
}  // namespace kt::telegram
