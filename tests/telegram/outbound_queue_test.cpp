// The outbound queue against the fake Bot API, on a manual clock that the queue's waits move:
// pacing and retry_after are asserted in clock time, with no real sleeping.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "telegram/fake_bot_api.hpp"
#include "telegram/outbound_queue.hpp"
#include "test_support.hpp"

namespace kt::telegram {
namespace {

using namespace std::chrono_literals;
using kt::testing::Fault;

class QueueTest : public ::testing::Test {
 protected:
  OutboundQueue& make_queue(OutboundOptions options = {}) {
    options.calls_in_flight = 1;  // deterministic order of clock jumps
    queue = std::make_unique<OutboundQueue>(api, clock, options, [this](TimePoint t) {
      if (t > clock.now()) clock.set(t);
    });
    return *queue;  // started by the test after its pushes, so the order of events is fixed
  }
  bot::Reply text(std::int64_t chat, std::string html) {
    bot::Reply r;
    r.chat_id = chat;
    r.html = std::move(html);
    return r;
  }
  Millis since_start(TimePoint t) const { return std::chrono::duration_cast<Millis>(t - start); }

  kt::testing::FakeBotApi fake;
  ManualClock clock;
  TimePoint start = clock.now();
  std::unique_ptr<http::Client> curl = http::make_curl_client();
  test::TimedClient timed{*curl, clock};
  BotApi api{timed, {fake.api_url(), fake.token(), 2s}};
  std::unique_ptr<OutboundQueue> queue;
};

TEST_F(QueueTest, private_chat_is_paced_at_one_message_per_second) {
  auto& q = make_queue();
  for (int i = 0; i < 3; ++i) q.push(text(77, "m" + std::to_string(i)));
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto times = timed.times("sendMessage");
  ASSERT_EQ(times.size(), 3u);
  EXPECT_EQ(since_start(times[0]), 0ms);
  EXPECT_EQ(since_start(times[1]), 1000ms);
  EXPECT_EQ(since_start(times[2]), 2000ms);
  auto calls = fake.calls("sendMessage");
  EXPECT_EQ(calls[0].params["text"], "m0");
  EXPECT_EQ(calls[2].params["text"], "m2");
  EXPECT_EQ(q.counters().sent, 3u);
}

TEST_F(QueueTest, group_is_paced_at_twenty_per_minute_and_chats_interleave) {
  auto& q = make_queue();
  q.push(text(-100, "g0"));
  q.push(text(-100, "g1"));
  q.push(text(5, "p0"));
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto times = timed.times("sendMessage");
  ASSERT_EQ(times.size(), 3u);
  auto calls = fake.calls("sendMessage");
  EXPECT_EQ(calls[0].params["text"], "g0");
  EXPECT_EQ(calls[1].params["text"], "p0");  // the private chat does not wait behind the group
  EXPECT_EQ(calls[2].params["text"], "g1");
  EXPECT_EQ(since_start(times[1]), 0ms);
  EXPECT_EQ(since_start(times[2]), 3000ms);
}

TEST_F(QueueTest, global_bucket_limits_bursts_across_chats) {
  OutboundOptions options;
  options.global_per_second = 2;
  auto& q = make_queue(options);
  for (int chat = 1; chat <= 4; ++chat) q.push(text(chat, "x"));
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto times = timed.times("sendMessage");
  ASSERT_EQ(times.size(), 4u);
  EXPECT_EQ(since_start(times[0]), 0ms);
  EXPECT_EQ(since_start(times[1]), 0ms);    // bucket holds 2
  EXPECT_EQ(since_start(times[2]), 500ms);  // then one token every 500 ms
  EXPECT_EQ(since_start(times[3]), 1000ms);
}

TEST_F(QueueTest, pacing_disabled_sends_back_to_back) {
  OutboundOptions options;
  options.pacing_enabled = false;
  auto& q = make_queue(options);
  for (int i = 0; i < 5; ++i) q.push(text(77, "x"));
  q.start();
  ASSERT_TRUE(q.flush(60s));
  for (auto t : timed.times("sendMessage")) EXPECT_EQ(since_start(t), 0ms);
  EXPECT_EQ(fake.count("sendMessage"), 5u);
}

TEST_F(QueueTest, button_answers_are_not_paced_and_go_before_waiting_messages) {
  OutboundOptions options;
  options.global_per_second = 1;  // one token: the second message would wait for the bucket
  auto& q = make_queue(options);
  q.push(text(77, "m0"));
  q.push(text(78, "m1"));
  q.answer_callback("cb-1", "Closed 25%");
  q.answer_callback("cb-2", "");
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto answers = fake.calls("answerCallbackQuery");
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].params["callback_query_id"], "cb-1");
  EXPECT_EQ(answers[0].params["text"], "Closed 25%");
  EXPECT_EQ(answers[1].params["callback_query_id"], "cb-2");
  EXPECT_FALSE(answers[1].params.contains("text"));
  for (auto t : timed.times("answerCallbackQuery")) EXPECT_EQ(since_start(t), 0ms);  // no token spent
  auto times = timed.times("sendMessage");
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(since_start(times[0]), 0ms);
  EXPECT_EQ(since_start(times[1]), 1000ms);  // the bucket still paces the messages
  // Answers first: both were received before the first message.
  auto all = fake.calls();
  std::vector<std::string> methods;
  for (const auto& c : all) methods.push_back(c.method);
  ASSERT_GE(methods.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(methods.end() - 4, methods.end()),
            (std::vector<std::string>{"answerCallbackQuery", "answerCallbackQuery", "sendMessage", "sendMessage"}));
}

TEST_F(QueueTest, a_failed_button_answer_is_logged_and_not_retried) {
  test::LogCapture logs;
  fake.inject("answerCallbackQuery", Fault::server_error(), 1);
  auto& q = make_queue();
  q.answer_callback("cb-1", "");
  q.push(text(77, "after"));
  q.start();
  ASSERT_TRUE(q.flush(60s));
  EXPECT_EQ(fake.count("answerCallbackQuery"), 1u);  // Telegram forgets a query within seconds
  EXPECT_EQ(fake.count("sendMessage"), 1u);
  EXPECT_TRUE(logs.contains("answerCallbackQuery failed"));
}

TEST_F(QueueTest, error_429_waits_retry_after_then_delivers_in_order) {
  fake.inject("sendMessage", Fault::too_many_requests(5));
  auto& q = make_queue();
  q.push(text(77, "first"));
  q.push(text(77, "second"));
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto calls = fake.calls("sendMessage");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].params["text"], "first");  // refused with 429
  EXPECT_EQ(calls[1].params["text"], "first");  // re-sent
  EXPECT_EQ(calls[2].params["text"], "second");
  auto times = timed.times("sendMessage");
  EXPECT_EQ(since_start(times[1]), 5000ms);
  EXPECT_EQ(since_start(times[2]), 6000ms);
  auto c = q.counters();
  EXPECT_EQ(c.sent, 2u);
  EXPECT_EQ(c.retried_429, 1u);
  EXPECT_EQ(c.failed, 0u);
}

TEST_F(QueueTest, refused_html_is_resent_once_as_plain_text) {
  fake.inject("sendMessage", Fault::cant_parse_entities());
  auto& q = make_queue();
  q.push(text(77, "<b>BONK</b> &lt;3 <i>moon"));
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto calls = fake.calls("sendMessage");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].params["parse_mode"], "HTML");
  EXPECT_EQ(calls[1].params["text"], "BONK <3 moon");
  EXPECT_FALSE(calls[1].params.contains("parse_mode"));
  EXPECT_EQ(q.counters().plain_text_fallbacks, 1u);
  EXPECT_EQ(q.counters().sent, 1u);
}

TEST_F(QueueTest, message_over_4096_characters_is_split_with_buttons_on_the_last_piece) {
  auto& q = make_queue();
  std::string html;
  for (int i = 0; i < 100; ++i) html += std::string(99, 'a' + i % 26) + "\n";
  bot::Reply r = text(77, html);
  r.buttons = {{{"Refresh", "r"}}};
  q.push(r);
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto calls = fake.calls("sendMessage");
  ASSERT_EQ(calls.size(), 3u);
  for (const auto& c : calls) EXPECT_LE(c.params["text"].get<std::string>().size(), 4096u);
  EXPECT_FALSE(calls[0].params.contains("reply_markup"));
  EXPECT_EQ(calls[2].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"], "r");
}

TEST_F(QueueTest, edit_that_changes_nothing_counts_as_done) {
  fake.inject("editMessageText", Fault::not_modified());
  auto& q = make_queue();
  bot::Reply r = text(77, "same");
  r.edit_message_id = 42;
  q.push(r);
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto calls = fake.calls("editMessageText");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].params["message_id"], 42);
  EXPECT_EQ(q.counters().failed, 0u);
  EXPECT_EQ(q.counters().sent, 1u);
}

TEST_F(QueueTest, server_errors_are_retried_with_backoff_then_given_up) {
  fake.inject("sendMessage", Fault::server_error(), -1);
  OutboundOptions options;
  options.max_attempts = 3;
  auto& q = make_queue(options);
  q.push(text(77, "x"));
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto times = timed.times("sendMessage");
  ASSERT_EQ(times.size(), 3u);
  EXPECT_EQ(since_start(times[1]), 1000ms);
  EXPECT_EQ(since_start(times[2]), 3000ms);
  EXPECT_EQ(q.counters().failed, 1u);
  EXPECT_EQ(q.depth(), 0u);
}

TEST_F(QueueTest, photo_is_uploaded_with_its_caption) {
  auto& q = make_queue();
  bot::Reply r = text(77, "<b>chart</b>");
  r.photo_png = std::string("\x89PNG", 4);
  q.push(r);
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto calls = fake.calls("sendPhoto");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].params["caption"], "<b>chart</b>");
  EXPECT_EQ(calls[0].files.at("photo").content, std::string("\x89PNG", 4));
}

// --- delivery reports (issue 7: a stored reply is marked sent once Telegram accepted it) -----------

class DeliveryTest : public QueueTest {
 protected:
  OutboundQueue& make_reporting_queue(OutboundOptions options = {}) {
    auto& q = make_queue(options);
    q.set_on_delivered([this](std::int64_t id) {
      std::lock_guard lock(mutex);
      delivered.push_back(id);
    });
    return q;
  }
  std::vector<std::int64_t> reported() {
    std::lock_guard lock(mutex);
    return delivered;
  }
  std::mutex mutex;
  std::vector<std::int64_t> delivered;
};

TEST_F(DeliveryTest, a_reply_with_an_update_id_is_reported_once_after_its_last_piece_is_accepted) {
  auto& q = make_reporting_queue();
  std::string html;
  for (int i = 0; i < 100; ++i) html += std::string(99, 'a' + i % 26) + "\n";
  bot::Reply split = text(77, html);  // three pieces
  split.update_id = 900;
  q.push(split);
  q.push(text(77, "no update id: never reported"));
  bot::Reply other = text(78, "short");
  other.update_id = 901;
  q.push(other);
  q.start();
  ASSERT_TRUE(q.flush(60s));
  q.stop();  // joins the senders: the reports (made after a piece leaves the queue) are in
  EXPECT_EQ(fake.calls("sendMessage").size(), 5u);
  auto ids = reported();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::int64_t>{900, 901}));
}

TEST_F(DeliveryTest, a_reply_given_up_after_retries_is_not_reported) {
  fake.inject("sendMessage", Fault::server_error(), 3);
  OutboundOptions options;
  options.max_attempts = 3;
  auto& q = make_reporting_queue(options);
  bot::Reply r = text(77, "lost for now");
  r.update_id = 902;
  q.push(r);
  bot::Reply next = text(77, "this one goes through");
  next.update_id = 903;
  q.push(next);
  q.start();
  ASSERT_TRUE(q.flush(60s));
  q.stop();  // joins the senders: the reports (made after a piece leaves the queue) are in
  EXPECT_EQ(q.counters().failed, 1u);
  EXPECT_EQ(reported(), (std::vector<std::int64_t>{903}));
}

TEST_F(DeliveryTest, a_reply_refused_for_good_is_reported_so_it_is_not_resent_forever) {
  fake.inject("sendMessage", Fault{403, "Forbidden: bot was blocked by the user", std::nullopt, 0ms});
  auto& q = make_reporting_queue();
  bot::Reply r = text(77, "blocked");
  r.update_id = 904;
  q.push(r);
  q.start();
  ASSERT_TRUE(q.flush(60s));
  q.stop();  // joins the senders: the reports (made after a piece leaves the queue) are in
  EXPECT_EQ(q.counters().failed, 1u);
  EXPECT_EQ(reported(), (std::vector<std::int64_t>{904}));
}

TEST_F(DeliveryTest, a_reply_dropped_by_stop_is_not_reported) {
  auto& q = make_reporting_queue();
  bot::Reply r = text(77, "never started");
  r.update_id = 905;
  q.push(r);
  q.stop();
  EXPECT_TRUE(reported().empty());
}

TEST_F(DeliveryTest, a_reply_not_sent_because_the_token_was_rejected_is_not_reported) {
  // A revoked token: Telegram never looked at the message, so it must be re-sent after a restart
  // with a new token, not marked sent like a message refused for good.
  fake.inject("sendMessage", Fault::unauthorized(), 1);
  auto& q = make_reporting_queue();
  bot::Reply r = text(77, "kept for the next start");
  r.update_id = 906;
  q.push(r);
  bot::Reply next = text(78, "the token works again");
  next.update_id = 907;
  q.push(next);
  q.start();
  ASSERT_TRUE(q.flush(60s));
  q.stop();  // joins the senders: the reports (made after a piece leaves the queue) are in
  EXPECT_EQ(q.counters().failed, 1u);
  EXPECT_EQ(reported(), (std::vector<std::int64_t>{907}));
}

TEST_F(QueueTest, a_force_reply_prompt_asks_the_client_to_reply_and_buttons_win_over_it) {
  OutboundOptions options;
  options.pacing_enabled = false;
  auto& q = make_queue(options);
  auto prompt = text(77, "How much SOL?");
  prompt.force_reply = "Amount in SOL, e.g. 2";
  q.push(prompt);
  auto with_buttons = text(77, "card");
  with_buttons.force_reply = "ignored";
  with_buttons.buttons = {{{"Close", "c:1:100"}}};
  q.push(with_buttons);
  q.start();
  ASSERT_TRUE(q.flush(60s));
  auto calls = fake.calls("sendMessage");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].params["reply_markup"],
            (nlohmann::json{{"force_reply", true}, {"input_field_placeholder", "Amount in SOL, e.g. 2"}}));
  // Telegram takes one reply_markup: an inline keyboard is kept, the prompt's ForceReply dropped.
  EXPECT_TRUE(calls[1].params["reply_markup"].contains("inline_keyboard"));
}

}  // namespace
}  // namespace kt::telegram
