// The outbound queue's calls in flight, against an HTTP client whose calls end only when the test
// says so: one sender thread keeps up to calls_in_flight calls out without waiting for any, never
// two for one chat, and stop() waits for the calls still out.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "telegram/outbound_queue.hpp"

namespace kt::telegram {
namespace {

using namespace std::chrono_literals;

/// start() only records the call; the test ends it with answer().
class HeldClient final : public http::Client {
 public:
  struct Call {
    nlohmann::json params;
    Done done;
    std::thread::id started_by;
  };
  Result<http::Response> perform(const http::Request&) override {
    ADD_FAILURE() << "the queue must not wait on a call";
    return retryable("E-NETWORK", "not here");
  }
  void start(http::Request request, Done done) override {
    std::lock_guard lock(mutex_);
    started_.push_back({nlohmann::json::parse(request.body), std::move(done), std::this_thread::get_id()});
    changed_.notify_all();
  }
  /// Waits (up to 5 s) until `n` calls were started in all; true if they were.
  bool wait_started(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return started_.size() + answered_ >= n; });
  }
  /// Calls started and not answered yet, oldest first.
  std::vector<nlohmann::json> open() {
    std::lock_guard lock(mutex_);
    std::vector<nlohmann::json> out;
    for (const auto& call : started_) out.push_back(call.params);
    return out;
  }
  /// The threads that started the open calls, oldest first.
  std::vector<std::thread::id> starters() {
    std::lock_guard lock(mutex_);
    std::vector<std::thread::id> out;
    for (const auto& call : started_) out.push_back(call.started_by);
    return out;
  }
  /// Ends the oldest open call with `body` (HTTP `status`), on the calling thread.
  void answer(long status = 200, std::string body = R"({"ok":true,"result":{"message_id":1}})") {
    Call call;
    {
      std::lock_guard lock(mutex_);
      ASSERT_FALSE(started_.empty());
      call = std::move(started_.front());
      started_.pop_front();
      ++answered_;
    }
    call.done(http::Response{status, std::move(body), {}});
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Call> started_;
  std::size_t answered_ = 0;
};

class OutboundConcurrency : public ::testing::Test {
 protected:
  OutboundQueue& make_queue(std::size_t calls_in_flight) {
    OutboundOptions options;
    options.pacing_enabled = false;
    options.calls_in_flight = calls_in_flight;
    queue = std::make_unique<OutboundQueue>(api, clock, options);
    return *queue;
  }
  static bot::Reply text(std::int64_t chat, std::string html) {
    bot::Reply r;
    r.chat_id = chat;
    r.html = std::move(html);
    return r;
  }
  HeldClient client;
  SystemClock clock;
  BotApi api{client, {"http://127.0.0.1:1", "123:TEST", 2s}};
  std::unique_ptr<OutboundQueue> queue;
};

TEST_F(OutboundConcurrency, one_sender_keeps_up_to_calls_in_flight_out_without_waiting_for_any) {
  auto& q = make_queue(4);
  for (int chat = 1; chat <= 10; ++chat) q.push(text(chat, "m" + std::to_string(chat)));
  q.start();
  ASSERT_TRUE(client.wait_started(4));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(client.open().size(), 4u) << "never more than calls_in_flight";
  client.answer();
  ASSERT_TRUE(client.wait_started(5)) << "a settled call frees its slot for the next chat";
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(client.open().size(), 4u);
  for (std::size_t answered = 1; answered < 10; ++answered) {
    ASSERT_TRUE(client.wait_started(answered + 1));
    client.answer();
  }
  EXPECT_TRUE(q.flush(5s));
  EXPECT_EQ(q.counters().sent, 10u);
  q.stop();
}

TEST_F(OutboundConcurrency, one_chat_never_has_two_calls_in_flight_and_keeps_its_order) {
  auto& q = make_queue(8);
  q.push(text(7, "first"));
  q.push(text(7, "second"));
  q.push(text(8, "other chat"));
  q.start();
  ASSERT_TRUE(client.wait_started(2));
  std::this_thread::sleep_for(50ms);
  auto open = client.open();
  ASSERT_EQ(open.size(), 2u) << "chat 7's second message waits for its first";
  EXPECT_EQ(open[0]["text"], "first");
  EXPECT_EQ(open[1]["text"], "other chat");
  client.answer();  // "first"
  ASSERT_TRUE(client.wait_started(3));
  open = client.open();
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[1]["text"], "second");
  client.answer();
  client.answer();
  EXPECT_TRUE(q.flush(5s));
  q.stop();
}

TEST_F(OutboundConcurrency, a_429_keeps_the_message_first_in_its_chat_and_the_slot_is_freed) {
  auto& q = make_queue(1);
  q.push(text(7, "retried"));
  q.push(text(8, "meanwhile"));
  q.start();
  ASSERT_TRUE(client.wait_started(1));
  client.answer(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1",)"
                     R"("parameters":{"retry_after":1}})");
  ASSERT_TRUE(client.wait_started(2)) << "the other chat is served while chat 7 waits";
  EXPECT_EQ(client.open().at(0)["text"], "meanwhile");
  client.answer();
  ASSERT_TRUE(client.wait_started(3));  // after retry_after (1 s)
  EXPECT_EQ(client.open().at(0)["text"], "retried");
  client.answer();
  EXPECT_TRUE(q.flush(5s));
  EXPECT_EQ(q.counters().retried_429, 1u);
  EXPECT_EQ(q.counters().sent, 2u);
  q.stop();
}

TEST_F(OutboundConcurrency, stop_waits_for_the_calls_in_flight_and_their_delivery_reports) {
  auto& q = make_queue(4);
  std::atomic<int> reported{0};
  q.set_on_delivered([&](std::int64_t) { ++reported; });
  bot::Reply r = text(7, "in flight at stop");
  r.update_id = 42;
  q.push(r);
  q.start();
  ASSERT_TRUE(client.wait_started(1));
  auto stopped = std::async(std::launch::async, [&] { q.stop(); });
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout) << "stop returned with a call out";
  client.answer();
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(reported.load(), 1) << "the settled reply was reported before stop returned";
}

TEST_F(OutboundConcurrency, button_answers_use_the_same_slots_and_go_first) {
  auto& q = make_queue(1);
  q.push(text(7, "a message"));
  q.answer_callback("cb-1", "done");
  q.start();
  ASSERT_TRUE(client.wait_started(1));
  std::this_thread::sleep_for(50ms);
  ASSERT_EQ(client.open().size(), 1u);
  EXPECT_EQ(client.open()[0]["callback_query_id"], "cb-1");
  client.answer(200, R"({"ok":true,"result":true})");
  ASSERT_TRUE(client.wait_started(2));
  EXPECT_EQ(client.open().at(0)["text"], "a message");
  client.answer();
  EXPECT_TRUE(q.flush(5s));
  q.stop();
}

TEST_F(OutboundConcurrency, a_reply_to_an_idle_queue_is_started_by_the_pushing_thread) {
  auto& q = make_queue(2);
  q.start();
  q.push(text(7, "at once"));
  ASSERT_EQ(client.open().size(), 1u) << "started before push returned";
  EXPECT_EQ(client.starters()[0], std::this_thread::get_id());
  client.answer();
  EXPECT_TRUE(q.flush(5s));
  q.stop();
}

TEST_F(OutboundConcurrency, replies_that_find_no_free_slot_are_left_to_the_sender_in_order) {
  auto& q = make_queue(1);
  q.start();
  q.push(text(7, "first"));   // takes the only slot, from this thread
  q.push(text(8, "second"));  // no slot: waits for the sender
  q.push(text(9, "third"));   // a chat waits already: must not overtake it
  ASSERT_EQ(client.open().size(), 1u);
  client.answer();
  ASSERT_TRUE(client.wait_started(2));
  EXPECT_EQ(client.open().at(0)["text"], "second");
  EXPECT_NE(client.starters().at(0), std::this_thread::get_id());
  client.answer();
  ASSERT_TRUE(client.wait_started(3));
  EXPECT_EQ(client.open().at(0)["text"], "third");
  client.answer();
  EXPECT_TRUE(q.flush(5s));
  q.stop();
}

}  // namespace
}  // namespace kt::telegram
