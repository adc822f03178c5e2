// The whole front end against the fake Bot API: start-up, polling, buttons, groups, webhook,
// shards, shutdown, and the token never showing in a log line.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <future>

#include "telegram/fake_bot_api.hpp"
#include "telegram/front_end.hpp"
#include "test_support.hpp"

namespace kt::telegram {
namespace {

using namespace std::chrono_literals;
using kt::testing::Fault;

/// A thread-safe handler that records what it saw and echoes text back.
struct EchoBot {
  std::mutex mutex;
  std::vector<bot::Incoming> seen;
  std::optional<std::string> callback_answer;

  UpdateHandler handler() {
    return [this](const bot::Incoming& in) {
      std::lock_guard lock(mutex);
      seen.push_back(in);
      bot::Reply r;
      r.chat_id = in.chat_id;
      r.html = in.callback_data ? "pressed " + *in.callback_data : "echo: " + in.text;
      if (in.callback_data) r.callback_answer = callback_answer;
      return std::vector<bot::Reply>{r};
    };
  }
  std::vector<std::string> texts() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& in : seen) out.push_back(in.text);
    return out;
  }
};

class FrontEndTest : public ::testing::Test {
 protected:
  FrontEndOptions options(ReceiveMode mode = ReceiveMode::kPolling) {
    FrontEndOptions o;
    o.api = {fake.api_url(), fake.token(), 2s};
    o.mode = mode;
    o.poller.long_poll_seconds = 1;
    o.poller.min_empty_poll_interval = 20ms;
    o.poller.backoff_initial = 50ms;
    o.outbound.pacing_enabled = false;
    o.shards = 3;
    o.commands = {{"start", "open your paper wallet"}, {"help", "what I can do"}};
    o.webhook.listen_host = "127.0.0.1";
    o.webhook.listen_port = 0;
    o.webhook.path = "/tg";
    o.webhook.secret = "wh-secret-0123456789";
    o.webhook.public_url = "https://bot.example/tg";
    return o;
  }
  std::unique_ptr<TelegramFrontEnd> make(FrontEndOptions o, std::optional<std::int64_t> last = std::nullopt) {
    return std::make_unique<TelegramFrontEnd>(*curl, clock, std::move(o), bot.handler(), [last] { return last; });
  }

  test::LogCapture logs;
  kt::testing::FakeBotApi fake;
  SystemClock clock;
  std::unique_ptr<http::Client> curl = http::make_curl_client();
  EchoBot bot;
};

TEST_F(FrontEndTest, rejected_token_at_start_up_is_the_401_error) {
  auto o = options();
  o.api.token = "111:wrong-token-value";
  auto fe = make(o);
  auto r = fe->start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-TG-401");
  EXPECT_EQ(r.error().message, "the bot token was rejected (401 Unauthorized)");
}

TEST_F(FrontEndTest, polls_dispatches_and_sends_the_replies) {
  auto fe = make(options());
  ASSERT_TRUE(fe->start().ok());
  EXPECT_EQ(fe->bot_username(), "KiTraderBot");
  fake.push_text(1, 1, "/start");
  fake.push_text(2, 2, "/help");
  ASSERT_TRUE(fake.wait_for("sendMessage", 2, 5s));
  fe->stop(2s);
  std::set<std::string> sent;
  for (const auto& c : fake.calls("sendMessage")) sent.insert(c.params["text"].get<std::string>());
  EXPECT_EQ(sent, (std::set<std::string>{"echo: /start", "echo: /help"}));
  auto commands = fake.calls("setMyCommands");
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].params["commands"][0]["command"], "start");
  EXPECT_EQ(fe->queue().counters().sent, 2u);
}

TEST_F(FrontEndTest, restart_polls_from_telegrams_unconfirmed_updates_and_logs_the_last_applied_one) {
  fake.push_update({{"update_id", 700},
                    {"message",
                     {{"message_id", 1},
                      {"from", {{"id", 1}}},
                      {"chat", {{"id", 1}, {"type", "private"}}},
                      {"text", "done before"}}}});
  fake.push_update(
      {{"update_id", 701},
       {"message",
        {{"message_id", 2}, {"from", {{"id", 1}}}, {"chat", {{"id", 1}, {"type", "private"}}}, {"text", "new"}}}});
  auto fe = make(options(), 700);
  ASSERT_TRUE(fe->start().ok());
  ASSERT_TRUE(fake.wait_for("sendMessage", 2, 5s));
  fe->stop(2s);
  // No offset: the stored maximum is not a safe resume point (a lower update may be unapplied);
  // the handler skips applied updates itself (this echo bot does not, so it sees both).
  EXPECT_EQ(fake.calls("getUpdates").at(0).params["offset"], 0);
  EXPECT_EQ(bot.texts(), (std::vector<std::string>{"done before", "new"}));
  EXPECT_TRUE(logs.contains("resuming; last applied update 700"));
  // Stopping confirmed both, so a clean restart is not sent them again.
  EXPECT_EQ(fake.calls("getUpdates").back().params["offset"], 702);
}

TEST_F(FrontEndTest, every_button_press_is_answered) {
  auto fe = make(options());
  ASSERT_TRUE(fe->start().ok());
  bot.callback_answer = "Closed 25%";
  fake.push_callback(1, 1, 42, "close:7:25", "cb-a");
  ASSERT_TRUE(fake.wait_for("answerCallbackQuery", 1, 5s));
  {
    std::lock_guard lock(bot.mutex);
    bot.callback_answer.reset();  // the handler gives no toast: still answered, with no text
  }
  fake.push_callback(1, 1, 42, "refresh:7", "cb-b");
  ASSERT_TRUE(fake.wait_for("answerCallbackQuery", 2, 5s));
  // An update the bot ignores (no data) is answered too.
  fake.push_update(
      {{"callback_query", {{"id", "cb-c"}, {"from", {{"id", 1}, {"is_bot", false}}}, {"game_short_name", "g"}}}});
  ASSERT_TRUE(fake.wait_for("answerCallbackQuery", 3, 5s));
  fe->stop(2s);
  auto answers = fake.calls("answerCallbackQuery");
  EXPECT_EQ(answers[0].params["callback_query_id"], "cb-a");
  EXPECT_EQ(answers[0].params["text"], "Closed 25%");
  EXPECT_EQ(answers[1].params["callback_query_id"], "cb-b");
  EXPECT_FALSE(answers[1].params.contains("text"));
  EXPECT_EQ(answers[2].params["callback_query_id"], "cb-c");
  std::lock_guard lock(bot.mutex);
  ASSERT_EQ(bot.seen.size(), 2u);
  EXPECT_EQ(bot.seen[0].callback_data, "close:7:25");
  EXPECT_EQ(bot.seen[0].message_id, 42);
}

TEST_F(FrontEndTest, every_recorded_update_goes_through_polling_and_each_button_press_is_answered) {
  // The recorded updates of ../shared/fixtures, in file order under increasing ids (as Telegram
  // numbers them), through getUpdates, the parser, the shards and the queue.
  std::size_t pushed = 0;
  std::vector<std::string> callback_ids;
  for (const char* file : {"telegram_updates_teloxide_tests.json", "telegram_callback_query_updates.json"}) {
    for (auto update : nlohmann::json::parse(test::read_fixture(file))) {
      update["update_id"] = 700'000 + static_cast<std::int64_t>(pushed++);
      if (update.contains("callback_query")) callback_ids.push_back(update["callback_query"]["id"]);
      fake.push_update(update);
    }
  }
  ASSERT_EQ(pushed, 7u);
  ASSERT_EQ(callback_ids.size(), 2u);
  auto fe = make(options());
  ASSERT_TRUE(fe->start().ok());
  ASSERT_TRUE(fake.wait_for("answerCallbackQuery", 2, 5s));
  ASSERT_TRUE(fake.wait_for("sendMessage", 4, 5s));
  // Confirmed past the last one: nothing is fetched twice or left behind.
  ASSERT_TRUE(fake.wait_for("getUpdates", 2, 5s));
  fe->stop(2s);
  EXPECT_EQ(fake.calls("getUpdates").back().params.value("offset", std::int64_t{0}), 700'000 + 7);
  std::vector<std::string> answered;
  for (const auto& call : fake.calls("answerCallbackQuery")) answered.push_back(call.params["callback_query_id"]);
  // Two different users: their shards answer in either order.
  std::sort(answered.begin(), answered.end());
  std::sort(callback_ids.begin(), callback_ids.end());
  EXPECT_EQ(answered, callback_ids);
  std::lock_guard lock(bot.mutex);
  EXPECT_EQ(bot.seen.size(), 4u) << "2 text messages and 2 button presses; the dice, the reaction and the unknown "
                                    "kind are ignored";
}

TEST_F(FrontEndTest, a_button_press_whose_handler_throws_is_still_answered_and_the_next_update_runs) {
  std::atomic<int> calls{0};
  auto fe = std::make_unique<TelegramFrontEnd>(
      *curl, clock, options(),
      [&](const bot::Incoming& in) -> std::vector<bot::Reply> {
        if (calls.fetch_add(1) == 0) throw std::runtime_error("boom");
        bot::Reply r;
        r.chat_id = in.chat_id;
        r.html = "after: " + in.text;
        return {r};
      },
      [] { return std::optional<std::int64_t>(); });
  ASSERT_TRUE(fe->start().ok());
  fake.push_callback(3, 3, 42, "c:1:100", "cb-throws");
  fake.push_text(3, 3, "/wallet");
  ASSERT_TRUE(fake.wait_for("answerCallbackQuery", 1, 5s));
  ASSERT_TRUE(fake.wait_for("sendMessage", 1, 5s));
  fe->stop(2s);
  EXPECT_EQ(fake.calls("answerCallbackQuery").at(0).params["callback_query_id"], "cb-throws");
  EXPECT_EQ(fake.calls("sendMessage").at(0).params["text"], "after: /wallet");
  EXPECT_TRUE(logs.contains("the handler failed on update"));
}

TEST_F(FrontEndTest, a_slow_button_answer_does_not_hold_the_worker) {
  // answerCallbackQuery hangs past the request timeout (2 s). Answered on the worker, the user's
  // next command (same shard) would wait for that timeout; queued, it does not.
  fake.inject("answerCallbackQuery", Fault::slow(3s), 1);
  auto fe = make(options());
  ASSERT_TRUE(fe->start().ok());
  fake.push_callback(1, 1, 42, "refresh:7", "cb-slow");
  ASSERT_TRUE(fake.wait_for("answerCallbackQuery", 1, 5s));  // the answer is out, and hanging
  const auto pushed = std::chrono::steady_clock::now();
  fake.push_text(1, 1, "next");
  ASSERT_TRUE(fake.wait_for("sendMessage", 2, 5s));
  // A deadline, not a measurement: below the 2 s the blocked worker would have waited at least.
  EXPECT_LT(std::chrono::steady_clock::now() - pushed, 1900ms);
  fe->stop(5s);
  EXPECT_EQ(bot.texts(), (std::vector<std::string>{"", "next"}));
}

TEST_F(FrontEndTest, group_commands_for_other_bots_are_ignored_and_ours_stripped) {
  auto fe = make(options());
  ASSERT_TRUE(fe->start().ok());
  fake.push_text(5, -1001, "/price@OtherBot BONK");
  fake.push_text(5, -1001, "/price@KiTraderBot BONK");
  ASSERT_TRUE(fake.wait_for("sendMessage", 1, 5s));
  fe->stop(2s);
  EXPECT_EQ(bot.texts(), std::vector<std::string>{"/price BONK"});
  EXPECT_EQ(fake.calls("sendMessage").at(0).params["chat_id"], -1001);
}

TEST_F(FrontEndTest, a_transient_get_me_failure_at_start_is_retried_and_a_rejected_token_is_not) {
  fake.inject("getMe", Fault::server_error(), 2);
  {
    auto fe = make(options());
    ASSERT_TRUE(fe->start().ok());
    EXPECT_EQ(fake.count("getMe"), 3u);
    EXPECT_EQ(logs.count("getMe failed"), 2u);
    fe->stop(1s);
  }
  fake.inject("getMe", Fault::unauthorized(), -1);
  auto fe = make(options());
  auto started = fe->start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, "E-TG-401");
  EXPECT_EQ(fake.count("getMe"), 4u) << "a rejected token is not retried";
}

TEST_F(FrontEndTest, a_get_me_failing_beyond_the_retry_budget_fails_the_start) {
  fake.inject("getMe", Fault::server_error(), -1);
  auto opts = options();
  opts.start_retry_budget = std::chrono::milliseconds(600);
  auto fe = make(opts);
  auto started = fe->start();
  ASSERT_FALSE(started.ok());
  EXPECT_TRUE(started.error().retryable()) << started.error().message;
  EXPECT_GE(fake.count("getMe"), 2u);
  EXPECT_EQ(fake.count("getUpdates"), 0u);
}

TEST_F(FrontEndTest, optional_method_failure_is_logged_once_and_tolerated) {
  fake.inject("setMyCommands", {400, "Bad Request: method not supported", {}, {}});
  auto fe = make(options());
  ASSERT_TRUE(fe->start().ok());
  fe->stop(1s);
  EXPECT_EQ(logs.count("setMyCommands failed, continuing"), 1u);
}

TEST_F(FrontEndTest, webhook_accepts_the_right_secret_only) {
  auto fe = make(options(ReceiveMode::kWebhook));
  ASSERT_TRUE(fe->start().ok());
  auto hook = fake.webhook();
  ASSERT_TRUE(hook.has_value());
  EXPECT_EQ((*hook)["url"], "https://bot.example/tg");
  EXPECT_EQ((*hook)["secret_token"], "wh-secret-0123456789");
  nlohmann::json update = {{"update_id", 9001},
                           {"message",
                            {{"message_id", 3},
                             {"from", {{"id", 8}, {"is_bot", false}}},
                             {"chat", {{"id", 8}, {"type", "private"}}},
                             {"text", "/balance"}}}};
  int port = fe->webhook_port();
  EXPECT_EQ(kt::testing::FakeBotApi::post_webhook("127.0.0.1", port, "/tg", update, "wrong-secret"), 401);
  EXPECT_EQ(kt::testing::FakeBotApi::post_webhook("127.0.0.1", port, "/tg", update, std::nullopt), 401);
  EXPECT_EQ(kt::testing::FakeBotApi::post_webhook("127.0.0.1", port, "/tg", update, "wh-secret-0123456789"), 200);
  ASSERT_TRUE(fake.wait_for("sendMessage", 1, 5s));
  fe->stop(2s);
  EXPECT_EQ(bot.texts(), std::vector<std::string>{"/balance"});
  EXPECT_EQ(fake.count("getUpdates"), 0u);
  EXPECT_FALSE(logs.contains("wh-secret-0123456789"));
}

/// One HTTP/1.1 exchange on an open socket: the status code and whether the server said it closes
/// the connection; status 0 if the server closed it or answered garbage.
struct RawAnswer {
  int status = 0;
  bool closes = false;
};
RawAnswer exchange(int fd, const std::string& request) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return {};
  std::string in;
  char buf[4096];
  std::size_t head_end = std::string::npos;
  while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {};
    in.append(buf, static_cast<std::size_t>(n));
  }
  std::string head = in.substr(0, head_end);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  std::size_t length = 0;
  if (auto at = head.find("content-length:"); at != std::string::npos) length = std::stoul(head.substr(at + 15));
  while (in.size() < head_end + 4 + length) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {};
    in.append(buf, static_cast<std::size_t>(n));
  }
  RawAnswer answer;
  if (head.rfind("http/1.1 ", 0) == 0) answer.status = std::atoi(head.c_str() + 9);
  answer.closes = head.find("connection: close") != std::string::npos;
  return answer;
}

TEST_F(FrontEndTest, webhook_serves_many_updates_on_one_keep_alive_connection) {
  // Telegram keeps its connections open; closing one every few requests costs a TCP handshake and
  // a new listener task per few updates.
  auto fe = make(options(ReceiveMode::kWebhook));
  ASSERT_TRUE(fe->start().ok());
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(fe->webhook_port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  constexpr int kUpdates = 20;
  for (int i = 0; i < kUpdates; ++i) {
    const std::string body = nlohmann::json{{"update_id", 9100 + i},
                                            {"message",
                                             {{"message_id", i + 1},
                                              {"from", {{"id", 8}, {"is_bot", false}}},
                                              {"chat", {{"id", 8}, {"type", "private"}}},
                                              {"text", "m" + std::to_string(i)}}}}
                                 .dump();
    const std::string request =
        "POST /tg HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "X-Telegram-Bot-Api-Secret-Token: wh-secret-0123456789\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    const RawAnswer answer = exchange(fd, request);
    ASSERT_EQ(answer.status, 200) << "request " << i << " on the same connection";
    EXPECT_FALSE(answer.closes) << "the listener closed the connection after request " << i;
  }
  ::close(fd);
  ASSERT_TRUE(fake.wait_for("sendMessage", kUpdates, 5s));
  fe->stop(2s);
  EXPECT_EQ(bot.texts().size(), static_cast<std::size_t>(kUpdates));
}

/// A handler that holds every update until released, to see when the webhook answers.
struct GateBot {
  std::promise<void> entered;
  std::shared_future<void> release;
  std::atomic<int> handled{0};
  explicit GateBot(std::shared_future<void> r) : release(std::move(r)) {}
  UpdateHandler handler() {
    return [this](const bot::Incoming& in) {
      if (handled.fetch_add(1) == 0) entered.set_value();
      release.wait();
      bot::Reply r;
      r.chat_id = in.chat_id;
      r.html = "done: " + in.text;
      return std::vector<bot::Reply>{r};
    };
  }
};

nlohmann::json text_update(std::int64_t update_id, const std::string& text) {
  return {{"update_id", update_id},
          {"message",
           {{"message_id", 1},
            {"from", {{"id", 8}, {"is_bot", false}}},
            {"chat", {{"id", 8}, {"type", "private"}}},
            {"text", text}}}};
}

/// POSTs a text update to the listener with the right secret; the status code (0: no answer).
int post_text(int port, std::int64_t update_id, const std::string& text) {
  return kt::testing::FakeBotApi::post_webhook("127.0.0.1", port, "/tg", text_update(update_id, text),
                                               "wh-secret-0123456789");
}

/// The same from another thread, so the test can watch when the answer comes.
std::future<int> post_text_async(int port, std::int64_t update_id, const std::string& text) {
  return std::async(std::launch::async, [=] { return post_text(port, update_id, text); });
}

TEST_F(FrontEndTest, webhook_answers_200_only_after_the_update_finished) {
  // Telegram forgets an update once it has the 200: answered before the command ran, a crash in
  // between lost it.
  std::promise<void> open_gate;
  GateBot gate(open_gate.get_future().share());
  TelegramFrontEnd fe(*curl, clock, options(ReceiveMode::kWebhook), gate.handler(), [] { return std::nullopt; });
  ASSERT_TRUE(fe.start().ok());
  auto answer = post_text_async(fe.webhook_port(), 9300, "/wallet");
  ASSERT_EQ(gate.entered.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.wait_for(300ms), std::future_status::timeout) << "answered while the handler still ran";
  open_gate.set_value();
  EXPECT_EQ(answer.get(), 200);
  ASSERT_TRUE(fake.wait_for("sendMessage", 1, 5s));
  fe.stop(2s);
}

TEST_F(FrontEndTest, webhook_answers_503_for_an_update_that_does_not_finish_in_time_and_still_finishes_it) {
  std::promise<void> open_gate;
  GateBot gate(open_gate.get_future().share());
  auto o = options(ReceiveMode::kWebhook);
  o.webhook.ack_timeout = 200ms;
  TelegramFrontEnd fe(*curl, clock, o, gate.handler(), [] { return std::nullopt; });
  ASSERT_TRUE(fe.start().ok());
  // 503: Telegram keeps the update and delivers it again; the redelivery finds its id claimed.
  EXPECT_EQ(post_text(fe.webhook_port(), 9301, "/slow"), 503);
  open_gate.set_value();
  ASSERT_TRUE(fake.wait_for("sendMessage", 1, 5s));
  fe.stop(2s);
  EXPECT_EQ(gate.handled.load(), 1);
}

TEST_F(FrontEndTest, webhook_stop_answers_what_the_workers_finish_and_503_for_the_rest) {
  std::promise<void> open_gate;
  GateBot gate(open_gate.get_future().share());
  auto o = options(ReceiveMode::kWebhook);
  o.shards = 1;  // the second update queues behind the first
  TelegramFrontEnd fe(*curl, clock, o, gate.handler(), [] { return std::nullopt; });
  ASSERT_TRUE(fe.start().ok());
  auto first = post_text_async(fe.webhook_port(), 9310, "a");
  ASSERT_EQ(gate.entered.get_future().wait_for(5s), std::future_status::ready);
  auto second = post_text_async(fe.webhook_port(), 9311, "b");
  while (fe.dispatcher()->depth() < 1) std::this_thread::sleep_for(5ms);  // queued behind the running one
  // Stop with a budget too short for the second update: the first finishes as the gate opens.
  auto stopped = std::async(std::launch::async, [&] { fe.stop(300ms); });
  std::this_thread::sleep_for(50ms);
  open_gate.set_value();
  stopped.get();
  EXPECT_EQ(first.get(), 200);
  const int second_status = second.get();
  // The second either ran within the budget (200) or was abandoned and left to Telegram (503).
  EXPECT_TRUE(second_status == 200 || second_status == 503) << second_status;
  EXPECT_EQ(second_status == 200, gate.handled.load() == 2);
}

TEST_F(FrontEndTest, stop_drains_in_flight_updates_and_the_queue) {
  // Queued before start so the first getUpdates returns all five at once: pushed one by one while
  // a long poll waits, a poll could return part of them and stop() cut the next poll short.
  for (int i = 0; i < 5; ++i) fake.push_text(1, 1, "m" + std::to_string(i));
  auto fe = make(options());
  ASSERT_TRUE(fe->start().ok());
  ASSERT_TRUE(fake.wait_for("getUpdates", 2, 5s));  // the batch was fetched and the next poll began
  fe->stop(5s);
  EXPECT_EQ(fake.count("sendMessage"), 5u);
  EXPECT_EQ(bot.texts(), (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"}));  // one user: in order
}

TEST_F(FrontEndTest, the_token_never_appears_in_a_log_line) {
  fake.inject("getUpdates", Fault::conflict_webhook_active(), 2);
  fake.inject("getUpdates", Fault::server_error(), 1);
  fake.inject("sendMessage", Fault::too_many_requests(1), 1);
  fake.inject("sendMessage", Fault::cant_parse_entities(), 1);
  fake.inject("setMyCommands", Fault::server_error(), 1);
  auto fe = make(options());
  ASSERT_TRUE(fe->start().ok());
  fake.push_text(1, 1, "/start " + fake.token());  // even a user pasting it
  ASSERT_TRUE(fake.wait_for("sendMessage", 3, 10s));
  fe->stop(2s);
  // And a dead server: transport errors.
  auto o = options();
  o.api.api_url = "http://127.0.0.1:1";
  o.start_retry_budget = std::chrono::milliseconds(300);  // a retry or two, each logged
  EXPECT_FALSE(make(o)->start().ok());
  auto lines = logs.lines();
  EXPECT_GE(lines.size(), 5u);
  EXPECT_TRUE(logs.contains("409"));
  EXPECT_TRUE(logs.contains("re-sending as plain text"));
  for (const auto& line : lines) EXPECT_EQ(line.find(fake.token()), std::string::npos) << line;
  for (const auto& line : lines) EXPECT_EQ(line.find("AAF-fake-token"), std::string::npos) << line;
}

TEST(UpdateDispatcher, one_user_in_order_different_users_in_parallel) {
  std::promise<void> second_user_done;
  auto second_done = second_user_done.get_future().share();
  std::mutex mutex;
  std::vector<std::string> order;
  std::atomic<bool> overlapped{false};
  UpdateHandler handler = [&](const bot::Incoming& in) {
    if (in.telegram_user_id == 1 && in.text == "a1") {
      // Blocks until user 2 was served: only possible if the shards run in parallel.
      overlapped = second_done.wait_for(5s) == std::future_status::ready;
    }
    {
      std::lock_guard lock(mutex);
      order.push_back(in.text);
    }
    if (in.telegram_user_id == 2) second_user_done.set_value();
    return std::vector<bot::Reply>{};
  };
  UpdateDispatcher dispatcher(2, handler, {});
  dispatcher.start();
  auto update = [](std::int64_t user, std::string text) {
    ParsedUpdate p;
    p.shard_key = user;
    p.incoming = bot::Incoming{};
    p.incoming->telegram_user_id = user;
    p.incoming->text = std::move(text);
    return p;
  };
  dispatcher.dispatch(update(1, "a1"));
  dispatcher.dispatch(update(1, "a2"));
  dispatcher.dispatch(update(2, "b1"));
  EXPECT_EQ(dispatcher.stop(5s), 0u);
  EXPECT_TRUE(overlapped.load());
  EXPECT_EQ(order, (std::vector<std::string>{"b1", "a1", "a2"}));
  EXPECT_EQ(dispatcher.processed(), 3u);
}

}  // namespace
}  // namespace kt::telegram
