// Polling against the fake Bot API: offsets confirm only finished updates, redelivery, no busy
// loop, back-off, 409.
#include <gtest/gtest.h>

#include "telegram/fake_bot_api.hpp"
#include "telegram/poller.hpp"
#include "test_support.hpp"

namespace kt::telegram {
namespace {

using namespace std::chrono_literals;
using kt::testing::Fault;

nlohmann::json text_update(std::int64_t update_id, std::int64_t user, const std::string& text) {
  return {{"update_id", update_id},
          {"message",
           {{"message_id", update_id},
            {"from", {{"id", user}, {"is_bot", false}}},
            {"chat", {{"id", user}, {"type", "private"}}},
            {"text", text}}}};
}

class PollerTest : public ::testing::Test {
 protected:
  /// `finish_at_once`: the handler finishes each update as soon as it is dispatched.
  std::unique_ptr<Poller> make(bool finish_at_once = true) {
    PollerOptions options;
    options.long_poll_seconds = 1;  // the fake caps an empty wait at 200 ms anyway
    auto poller = std::make_unique<Poller>(api, clock, options, "KiTraderBot", [this, finish_at_once](ParsedUpdate u) {
      seen.push_back(u);
      if (finish_at_once) current->finished(u.update_id);
      return true;
    });
    current = poller.get();
    return poller;
  }
  kt::testing::FakeBotApi fake;
  ManualClock clock;
  std::unique_ptr<http::Client> curl = http::make_curl_client();
  BotApi api{*curl, {fake.api_url(), fake.token(), 2s}};
  std::vector<ParsedUpdate> seen;
  Poller* current = nullptr;
};

TEST_F(PollerTest, offset_advances_past_each_finished_batch) {
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

TEST_F(PollerTest, offset_stays_at_the_lowest_unfinished_update) {
  fake.push_update(text_update(100, 2, "/open BONK 1"));  // user B, slow
  fake.push_update(text_update(101, 1, "/open WIF 1"));   // user A, quick
  auto poller = make(false);
  poller->poll_once();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(poller->next_offset(), 100);
  poller->finished(101);
  EXPECT_EQ(poller->next_offset(), 100) << "101 finished first: confirming it would confirm 100 too";
  EXPECT_EQ(poller->in_flight(), 1u);
  // Telegram sends both again (unconfirmed): nothing is dispatched twice, and the poller waits.
  EXPECT_EQ(poller->poll_once(), PollerOptions{}.stalled_poll_interval);
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(fake.calls("getUpdates").back().params["offset"], 100);
  poller->finished(100);
  EXPECT_EQ(poller->next_offset(), 102);
  fake.push_update(text_update(102, 1, "/wallet"));
  poller->poll_once();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].update_id, 102);
  EXPECT_EQ(fake.calls("getUpdates").back().params["offset"], 102);
}

TEST_F(PollerTest, redelivered_update_id_is_passed_through_for_the_handler_to_decide) {
  auto id = fake.push_text(1, 1, "/open BONK 1");
  make(false)->poll_once();  // a process that died before finishing it
  auto poller = make();
  poller->poll_once();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].update_id, id);
  EXPECT_EQ(seen[1].update_id, id);
  EXPECT_EQ(seen[1].incoming->update_id, id);
  EXPECT_EQ(poller->next_offset(), id + 1);
}

TEST_F(PollerTest, first_poll_sends_no_offset_so_every_unconfirmed_update_comes_back) {
  fake.push_update(text_update(700, 1, "applied before the crash"));
  fake.push_update(text_update(701, 2, "not applied"));
  auto poller = make();
  EXPECT_EQ(poller->next_offset(), 0);
  poller->poll_once();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].update_id, 700);
  EXPECT_EQ(seen[1].update_id, 701);
}

TEST_F(PollerTest, confirm_finished_sends_the_low_water_mark_once) {
  fake.push_update(text_update(300, 1, "a"));
  fake.push_update(text_update(301, 2, "b"));
  auto poller = make(false);
  poller->poll_once();
  poller->finished(300);
  poller->confirm_finished();
  EXPECT_EQ(fake.calls("getUpdates").back().params["offset"], 301);
  EXPECT_EQ(fake.calls("getUpdates").back().params["timeout"], 0);
  poller->confirm_finished();  // nothing new finished: no call
  EXPECT_EQ(fake.count("getUpdates"), 2u);
  poller->finished(301);
  poller->confirm_finished();
  EXPECT_EQ(fake.calls("getUpdates").back().params["offset"], 302);
  EXPECT_EQ(fake.count("getUpdates"), 3u);
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

TEST_F(PollerTest, conflict_409_is_logged_clearly_with_a_hint_and_backed_off) {
  test::LogCapture logs;
  fake.inject("getUpdates", Fault::conflict_webhook_active(), 2);
  auto poller = make();
  EXPECT_EQ(poller->poll_once(), 1000ms);
  EXPECT_EQ(poller->poll_once(), 2000ms);
  EXPECT_EQ(logs.count("getUpdates conflict (409): a webhook is set or another instance"), 2u);
  EXPECT_EQ(logs.count("another poller or an active webhook; run with telegram.mode=webhook or delete the webhook"),
            2u);
  EXPECT_EQ(fake.count("deleteWebhook"), 0u) << "someone else's webhook is not deleted behind their back";
}

TEST_F(PollerTest, conflict_409_in_the_polling_thread_is_not_a_tight_loop) {
  fake.inject("getUpdates", Fault::conflict_other_poller(), -1);
  PollerOptions options;
  options.backoff_initial = 100ms;
  SystemClock real;
  Poller poller(api, real, options, "KiTraderBot", [](ParsedUpdate) { return true; });
  poller.start();
  std::this_thread::sleep_for(1000ms);
  poller.stop();
  // Waits of 100, 200, 400 ms: calls at about 0, 0.1, 0.3 and 0.7 s.
  EXPECT_GE(fake.count("getUpdates"), 3u);
  EXPECT_LE(fake.count("getUpdates"), 5u);
}

TEST_F(PollerTest, a_server_answering_at_once_with_nothing_does_not_make_the_polling_thread_spin) {
  fake.set_long_poll_cap(0ms);  // ignores the 50 s timeout: an empty answer every time, at once
  SystemClock real;
  Poller poller(api, real, {}, "KiTraderBot", [](ParsedUpdate) { return true; });
  poller.start();
  std::this_thread::sleep_for(1500ms);
  poller.stop();
  // One call per min_empty_poll_interval (1 s): the first at 0 and one at about 1 s, not thousands.
  EXPECT_GE(fake.count("getUpdates"), 1u);
  EXPECT_LE(fake.count("getUpdates"), 3u);
  // And every one was a long poll: timeout 50, limit 100, the kinds the bot handles.
  for (const auto& call : fake.calls("getUpdates")) {
    EXPECT_EQ(call.params["timeout"], 50);
    EXPECT_EQ(call.params["limit"], 100);
    EXPECT_EQ(call.params["allowed_updates"], nlohmann::json({"message", "callback_query"}));
  }
}

TEST_F(PollerTest, updates_in_flight_do_not_make_the_polling_thread_spin) {
  fake.push_update(text_update(500, 1, "slow"));
  SystemClock real;
  Poller poller(api, real, {}, "KiTraderBot", [](ParsedUpdate) { return true; });  // never finishes
  poller.start();
  std::this_thread::sleep_for(600ms);
  poller.stop();
  // Telegram answers at once while 500 is unconfirmed; one call per 25 ms (at most 24 + the
  // first), not thousands.
  EXPECT_GE(fake.count("getUpdates"), 2u);
  EXPECT_LE(fake.count("getUpdates"), 26u);
  EXPECT_EQ(poller.next_offset(), 500);
}

TEST_F(PollerTest, a_finishing_update_does_not_cut_short_the_wait_after_a_429) {
  auto wait_until = [](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    return done();
  };
  fake.push_update(text_update(600, 1, "busy"));
  fake.inject("getUpdates", Fault::slow(0ms), 1);             // the first poll answers normally: 600 in flight
  fake.inject("getUpdates", Fault::too_many_requests(2), 1);  // the second is told to wait 2 s
  SystemClock real;
  Poller poller(api, real, {}, "KiTraderBot", [](ParsedUpdate) { return true; });  // finished by hand below
  poller.start();
  ASSERT_TRUE(wait_until([&] { return fake.count("getUpdates") >= 2; }));
  std::this_thread::sleep_for(50ms);  // into the wait
  poller.finished(600);               // under load an update finishes during the wait
  // Before the fix this woke the poller, which asked again at once, ignoring retry_after.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(fake.count("getUpdates"), 2u) << "polled again within retry_after";
  EXPECT_TRUE(wait_until([&] { return fake.count("getUpdates") >= 3; }));
  poller.stop();
  EXPECT_EQ(poller.next_offset(), 601);
}

/// Answers each request with the next canned body (HTTP 200), then with an empty result.
class CannedClient final : public http::Client {
 public:
  explicit CannedClient(std::vector<std::string> bodies) : bodies_(std::move(bodies)) {}
  Result<http::Response> perform(const http::Request&) override {
    http::Response response;
    response.status = 200;
    response.body = next_ < bodies_.size() ? bodies_[next_++] : R"({"ok":true,"result":[]})";
    return response;
  }

 private:
  std::vector<std::string> bodies_;
  std::size_t next_ = 0;
};

TEST(PollerAnswers, a_damaged_new_update_is_polled_again_and_a_taken_one_is_skipped_unparsed) {
  const std::string u1 = text_update(1, 1, "a").dump(), u2 = text_update(2, 2, "b").dump(),
                    u3 = text_update(3, 3, "c").dump();
  const std::string damaged2 = R"({"update_id":2,"message":tru})", damaged1 = R"({"update_id":1,"message":nul})";
  CannedClient client({
      R"({"ok":true,"result":[)" + u1 + "," + damaged2 + "," + u3 + "]}",
      // 1 was taken: even damaged, it is skipped by its id without a parse.
      R"({"ok":true,"result":[)" + damaged1 + "," + u2 + "," + u3 + "]}",
  });
  BotApi api(client, {"http://127.0.0.1:1", "123456789:AAF-fake-token_for-tests", 2s});
  ManualClock clock;
  std::vector<std::int64_t> seen;
  PollerOptions options;
  Poller poller(api, clock, options, "KiTraderBot", [&](ParsedUpdate u) {
    seen.push_back(u.update_id);
    return true;
  });
  EXPECT_EQ(poller.poll_once(), options.backoff_initial) << "a damaged new update backs off like a bad answer";
  EXPECT_EQ(seen, std::vector<std::int64_t>{1}) << "nothing after the damaged update is taken";
  EXPECT_EQ(poller.poll_once(), 0ms);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3}));
}

/// Every answer carries one new update, at once; under load (`repeat_in_flight`) also the update
/// still in flight (the lowest unconfirmed), as Telegram sends it again until it is confirmed.
class BusyServerClient final : public http::Client {
 public:
  explicit BusyServerClient(bool repeat_in_flight) : repeat_in_flight_(repeat_in_flight) {}
  Result<http::Response> perform(const http::Request&) override {
    const std::int64_t fresh = 2 + calls_++;
    http::Response response;
    response.status = 200;
    const std::string repeated = repeat_in_flight_ ? text_update(1, 1, "slow").dump() + "," : "";
    response.body = R"({"ok":true,"result":[)" + repeated + text_update(fresh, fresh, "/price SOL").dump() + "]}";
    return response;
  }
  std::size_t calls() const { return calls_.load(); }

 private:
  bool repeat_in_flight_;
  std::atomic<std::size_t> calls_{0};
};

std::size_t requests_in(bool repeat_in_flight, std::chrono::milliseconds busy_poll_interval,
                        std::chrono::milliseconds run_for) {
  BusyServerClient client(repeat_in_flight);
  BotApi api(client, {"http://127.0.0.1:1", "123456789:AAF-fake-token_for-tests", 2s});
  SystemClock real;
  PollerOptions options;
  options.busy_poll_interval = busy_poll_interval;
  Poller* self = nullptr;
  Poller poller(api, real, options, "KiTraderBot", [&](ParsedUpdate u) {
    if (u.update_id != 1) self->finished(u.update_id);  // 1 stays in flight, the lowest
    return true;
  });
  self = &poller;
  poller.start();
  std::this_thread::sleep_for(run_for);
  poller.stop();
  return client.calls();
}

TEST(PollerPace, answers_that_repeat_updates_in_flight_start_at_most_one_request_per_busy_poll_interval) {
  // 300 ms at one request per 20 ms: at most 15 + the first.
  EXPECT_LE(requests_in(true, 20ms, 300ms), 16u);
  EXPECT_GE(requests_in(true, 20ms, 300ms), 2u);
  // Without the pace the same server is asked again at once, after every answer.
  EXPECT_GT(requests_in(true, 0ms, 300ms), 30u);
}

TEST(PollerPace, answers_with_only_new_updates_are_not_paced) {
  // A quiet bot: each update is finished before the next answer, so none comes back. Asking again
  // at once costs nothing wasted, and pacing would only add latency.
  EXPECT_GT(requests_in(false, 20ms, 300ms), 30u);
}

}  // namespace
}  // namespace kt::telegram
