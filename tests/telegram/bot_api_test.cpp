// The Bot API client: error envelopes (recorded bodies), requests against the fake server, secrecy.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include "telegram/bot_api.hpp"
#include "telegram/fake_bot_api.hpp"
#include "test_support.hpp"

namespace kt::telegram {
namespace {

using test::read_fixture;
using namespace std::chrono_literals;

TEST(ApiResponse, error_429_carries_retry_after_from_parameters) {
  auto r = parse_api_response("sendMessage", 429, read_fixture("telegram_error_429_retry_after.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-TG-429");
  EXPECT_TRUE(r.error().retryable());
  EXPECT_EQ(r.error().retry_after, 5s);
  EXPECT_EQ(r.error().message, "telegram sendMessage: 429 Too Many Requests: retry after 5");
}

TEST(ApiResponse, error_401_is_fatal_with_the_token_rejected_sentence) {
  auto r = parse_api_response("getMe", 401, read_fixture("telegram_error_401_unauthorized.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-TG-401");
  EXPECT_EQ(r.error().kind, ErrorKind::kFatal);
  EXPECT_EQ(r.error().message, "the bot token was rejected (401 Unauthorized)");
}

TEST(ApiResponse, both_409_conflicts_are_retryable) {
  for (const char* f :
       {"telegram_error_409_conflict_other_getupdates.json", "telegram_error_409_conflict_webhook_active.json"}) {
    auto r = parse_api_response("getUpdates", 409, read_fixture(f));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "E-TG-409") << f;
    EXPECT_TRUE(r.error().retryable());
  }
  auto webhook = parse_api_response("getUpdates", 409, read_fixture("telegram_error_409_conflict_webhook_active.json"));
  EXPECT_NE(webhook.error().message.find("webhook is active"), std::string::npos);
}

TEST(ApiResponse, cant_parse_entities_is_recognised) {
  auto r = parse_api_response("sendMessage", 400, read_fixture("telegram_error_400_cant_parse_entities.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-TG-400");
  EXPECT_TRUE(is_parse_entities_error(r.error()));
  EXPECT_FALSE(is_not_modified_error(r.error()));
  EXPECT_NE(r.error().message.find("Bad Request: can't parse entities:"), std::string::npos);
}

TEST(ApiResponse, ok_result_and_non_json_bodies) {
  auto ok = parse_api_response("getMe", 200, R"({"ok":true,"result":{"id":1,"future":[1,2]}})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["id"], 1);
  auto gateway = parse_api_response("getUpdates", 502, "<html>Bad Gateway</html>");
  ASSERT_FALSE(gateway.ok());
  EXPECT_EQ(gateway.error().code, "E-TG-5XX");
  EXPECT_TRUE(gateway.error().retryable());
  EXPECT_EQ(parse_api_response("x", 200, "").error().code, "E-TG-BAD-RESPONSE");
}

TEST(Redact, replaces_the_token_wherever_it_appears) {
  auto client = http::make_curl_client();
  BotApi api(*client, {"http://127.0.0.1:1", "42:SeCrEt-token", 1s});
  EXPECT_EQ(api.redact("GET /bot42:SeCrEt-token/getMe and 42:SeCrEt-token"), "GET /bot<redacted>/getMe and <redacted>");
  EXPECT_EQ(redact("x 42:SeCrEt-token y"), "x <redacted> y");  // registered globally too
}

class BotApiAgainstFake : public ::testing::Test {
 protected:
  kt::testing::FakeBotApi fake;
  std::unique_ptr<http::Client> client = http::make_curl_client();
  BotApi api{*client, {fake.api_url(), fake.token(), 2s}};
};

TEST_F(BotApiAgainstFake, get_me_returns_the_bot_identity) {
  auto me = api.get_me();
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->username, "KiTraderBot");
  EXPECT_EQ(me->id, 900'000'001);
}

TEST_F(BotApiAgainstFake, get_chat_member_reads_the_status_and_tells_admins_apart) {
  fake.set_chat_member_status(-100'777, 42, "administrator");
  fake.set_chat_member_status(-100'777, 43, "creator");
  auto admin = api.get_chat_member(-100'777, 42);
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  EXPECT_EQ(admin->status, "administrator");
  EXPECT_EQ(admin->user_id, 42);
  EXPECT_TRUE(admin->is_admin());
  auto creator = api.get_chat_member(-100'777, 43);
  ASSERT_TRUE(creator.ok());
  EXPECT_TRUE(creator->is_admin());
  auto member = api.get_chat_member(-100'777, 44);
  ASSERT_TRUE(member.ok());
  EXPECT_EQ(member->status, "member");
  EXPECT_FALSE(member->is_admin());
  auto calls = fake.calls("getChatMember");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].params["chat_id"], -100'777);
  EXPECT_EQ(calls[0].params["user_id"], 42);
}

TEST(ChatMemberParse, the_documented_shapes_decode_and_anything_else_is_a_bad_response) {
  // From the Bot API documentation: ChatMemberOwner, ChatMemberLeft, ChatMemberBanned.
  auto owner = parse_chat_member(nlohmann::json::parse(
      R"({"status":"creator","user":{"id":7,"is_bot":false,"first_name":"A"},"is_anonymous":false})"));
  ASSERT_TRUE(owner.ok());
  EXPECT_TRUE(owner->is_admin());
  EXPECT_EQ(owner->user_id, 7);
  auto left = parse_chat_member(nlohmann::json::parse(R"({"status":"left","user":{"id":8,"is_bot":false}})"));
  ASSERT_TRUE(left.ok());
  EXPECT_FALSE(left->is_admin());
  auto banned =
      parse_chat_member(nlohmann::json::parse(R"({"status":"kicked","user":{"id":9,"is_bot":false},"until_date":0})"));
  ASSERT_TRUE(banned.ok());
  EXPECT_FALSE(banned->is_admin());
  EXPECT_EQ(parse_chat_member(nlohmann::json::parse(R"({"user":{"id":9}})")).error().code, "E-TG-BAD-RESPONSE");
  EXPECT_EQ(parse_chat_member(nlohmann::json::parse(R"({"status":5})")).error().code, "E-TG-BAD-RESPONSE");
  EXPECT_EQ(parse_chat_member(nlohmann::json::array()).error().code, "E-TG-BAD-RESPONSE");
}

TEST_F(BotApiAgainstFake, a_rejected_token_gives_the_401_sentence_without_the_token) {
  BotApi wrong(*client, {fake.api_url(), "999:not-the-right-token", 2s});
  auto me = wrong.get_me();
  ASSERT_FALSE(me.ok());
  EXPECT_EQ(me.error().message, "the bot token was rejected (401 Unauthorized)");
}

/// The outcome of a started call, waited for (bounded).
Result<void> settled(const std::function<void(BotApi::Settled)>& start) {
  auto promise = std::make_shared<std::promise<Result<void>>>();
  auto future = promise->get_future();
  start([promise](Result<void> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(10s) != std::future_status::ready) return fatal("E-TEST", "never settled");
  return future.get();
}

TEST_F(BotApiAgainstFake, send_message_posts_html_with_an_inline_keyboard) {
  Keyboard keyboard = {{{"Buy 0.1", "b:0.1"}, {"Buy 1", "b:1"}}, {{"Refresh", "r"}}};
  auto sent = settled([&](BotApi::Settled done) {
    api.start_send("sendMessage", send_message_params(77, "<b>BONK</b>", true, keyboard, std::nullopt), done);
  });
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  auto calls = fake.calls("sendMessage");
  ASSERT_EQ(calls.size(), 1u);
  const auto& p = calls[0].params;
  EXPECT_EQ(p["chat_id"], 77);
  EXPECT_EQ(p["text"], "<b>BONK</b>");
  EXPECT_EQ(p["parse_mode"], "HTML");
  EXPECT_EQ(p["reply_markup"]["inline_keyboard"][0][1]["callback_data"], "b:1");
  EXPECT_EQ(p["reply_markup"]["inline_keyboard"][1][0]["text"], "Refresh");
}

TEST_F(BotApiAgainstFake, send_photo_uploads_png_bytes_as_multipart) {
  std::string png("\x89PNG\r\n\x1a\n\0\0", 10);
  auto sent = settled([&](BotApi::Settled done) {
    api.start_send_photo(-100, png, "<i>chart</i>", true, {{{"Close", "c"}}}, done);
  });
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  auto calls = fake.calls("sendPhoto");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].files.at("photo").content, png);
  EXPECT_EQ(calls[0].files.at("photo").content_type, "image/png");
  EXPECT_EQ(calls[0].params["chat_id"], "-100");
  EXPECT_EQ(calls[0].params["caption"], "<i>chart</i>");
  EXPECT_EQ(calls[0].params["parse_mode"], "HTML");
  EXPECT_EQ(calls[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"], "c");
}

TEST_F(BotApiAgainstFake, get_updates_sends_offset_timeout_limit_and_allowed_updates) {
  fake.push_text(1, 1, "/start");
  auto updates = api.get_updates(0, 1, 100);
  ASSERT_TRUE(updates.ok());
  ASSERT_EQ(updates->size(), 1u);
  auto p = fake.calls("getUpdates").at(0).params;
  EXPECT_EQ(p["offset"], 0);
  EXPECT_EQ(p["timeout"], 1);
  EXPECT_EQ(p["limit"], 100);
  EXPECT_EQ(p["allowed_updates"], nlohmann::json::array({"message", "callback_query"}));
}

TEST_F(BotApiAgainstFake, set_webhook_sends_url_secret_and_allowed_updates) {
  ASSERT_TRUE(api.set_webhook("https://bot.example/tg", "s3cret-value").ok());
  auto hook = fake.webhook();
  ASSERT_TRUE(hook.has_value());
  EXPECT_EQ((*hook)["url"], "https://bot.example/tg");
  EXPECT_EQ((*hook)["secret_token"], "s3cret-value");
  EXPECT_EQ((*hook)["allowed_updates"], nlohmann::json::array({"message", "callback_query"}));
  ASSERT_TRUE(api.delete_webhook().ok());
  EXPECT_FALSE(fake.webhook().has_value());
}

TEST_F(BotApiAgainstFake, transport_errors_never_name_the_token) {
  std::string url = fake.api_url();
  auto dead_client = http::make_curl_client();
  BotApi dead(*dead_client, {"http://127.0.0.1:1", fake.token(), 1s});
  auto r = dead.get_me();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-NETWORK");
  EXPECT_EQ(r.error().message.find(fake.token()), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("telegram getMe"), std::string::npos) << r.error().message;
}

// A token revoked while the bot runs: only an unbroken run of 401s lasting token_rejected_after
// counts, and the callback fires once.
TEST_F(BotApiAgainstFake, an_unbroken_run_of_401s_reports_the_token_rejected_once) {
  BotApi wrong(*client, {fake.api_url(), "999:not-the-right-token", 2s, 300ms});
  int calls = 0;
  wrong.set_on_token_rejected([&] { ++calls; });
  EXPECT_FALSE(wrong.get_me().ok());
  EXPECT_FALSE(wrong.token_rejected()) << "one 401 is not yet evidence";
  std::this_thread::sleep_for(350ms);
  EXPECT_FALSE(wrong.get_me().ok());
  EXPECT_TRUE(wrong.token_rejected());
  EXPECT_FALSE(wrong.get_me().ok());
  EXPECT_EQ(calls, 1);
}

TEST_F(BotApiAgainstFake, any_other_answer_between_401s_starts_the_run_again) {
  BotApi flaky(*client, {fake.api_url(), fake.token(), 2s, 300ms});
  int calls = 0;
  flaky.set_on_token_rejected([&] { ++calls; });
  fake.inject("getMe", kt::testing::Fault::unauthorized(), 1);
  EXPECT_FALSE(flaky.get_me().ok());
  std::this_thread::sleep_for(350ms);
  fake.inject("getMe", kt::testing::Fault{400, "Bad Request: something else", std::nullopt, 0ms}, 1);
  EXPECT_FALSE(flaky.get_me().ok());  // an answer that is not a 401 ends the run
  fake.inject("getMe", kt::testing::Fault::unauthorized(), 1);
  EXPECT_FALSE(flaky.get_me().ok());  // a new run starts here, 0 ms long
  EXPECT_FALSE(flaky.token_rejected());
  EXPECT_TRUE(flaky.get_me().ok());
  EXPECT_EQ(calls, 0);
}

TEST_F(BotApiAgainstFake, a_successful_poll_answer_split_without_a_full_parse_also_ends_a_run_of_401s) {
  BotApi api(*client, {fake.api_url(), fake.token(), 2s, 300ms});
  fake.inject("getMe", kt::testing::Fault::unauthorized(), 1);
  EXPECT_FALSE(api.get_me().ok());
  std::this_thread::sleep_for(350ms);
  auto batch = api.get_update_batch(0, 0, 100);  // the poller's call: its answer is split, not parsed
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  fake.inject("getMe", kt::testing::Fault::unauthorized(), 1);
  EXPECT_FALSE(api.get_me().ok());
  EXPECT_FALSE(api.token_rejected()) << "the poll's answer came between the two 401s";
}

TEST(TokenRejection, transport_failures_neither_extend_nor_end_a_run_of_401s) {
  auto client = http::make_curl_client();
  BotApi unreachable(*client, {"http://127.0.0.1:1", "42:SeCrEt-token", 1s, 0ms});
  EXPECT_FALSE(unreachable.get_me().ok());
  EXPECT_FALSE(unreachable.token_rejected()) << "no answer is no evidence about the token";
}

/// Answers every request with the next canned outcome (start() runs inline: the default).
class CannedClient final : public http::Client {
 public:
  void then(Result<http::Response> outcome) { outcomes_.push_back(std::move(outcome)); }
  Result<http::Response> perform(const http::Request&) override {
    auto next = std::move(outcomes_.front());
    outcomes_.pop_front();
    return next;
  }

 private:
  std::deque<Result<http::Response>> outcomes_;
};

Result<void> started(BotApi& api, const std::string& method) {
  std::optional<Result<void>> outcome;
  api.start_send(method, nlohmann::json::object(), [&](Result<void> r) { outcome = std::move(r); });
  return std::move(*outcome);
}

TEST(StartedSend, a_plain_success_is_ok_and_every_other_answer_is_decoded_as_call_would) {
  CannedClient canned;
  BotApi api(canned, {"http://127.0.0.1:1", "42:started-send", 1s});
  canned.then(http::Response{200, R"({"ok":true,"result":{"message_id":5,"text":"hi"}})", {}});
  EXPECT_TRUE(started(api, "sendMessage").ok());
  canned.then(
      http::Response{400, R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"})", {}});
  auto refused = started(api, "sendMessage");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(is_parse_entities_error(refused.error()));
  canned.then(http::Response{
      429, R"({"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":3}})", {}});
  auto slow_down = started(api, "sendMessage");
  ASSERT_FALSE(slow_down.ok());
  EXPECT_EQ(slow_down.error().code, "E-TG-429");
  EXPECT_EQ(slow_down.error().retry_after, 3s);
  canned.then(http::Response{200, R"({"ok" : false, "error_code" : 403, "description" : "Forbidden"})", {}});
  auto spaced = started(api, "sendMessage");
  ASSERT_FALSE(spaced.ok()) << "only the exact successful prefix skips the decoding";
  EXPECT_EQ(spaced.error().code, "E-TG-403");
  canned.then(http::Response{502, "<html>Bad Gateway</html>", {}});
  EXPECT_EQ(started(api, "sendMessage").error().code, "E-TG-5XX");
  canned.then(retryable("E-NETWORK", "POST http://127.0.0.1:1/bot42:started-send/sendMessage failed"));
  auto transport = started(api, "sendMessage");
  ASSERT_FALSE(transport.ok());
  EXPECT_EQ(transport.error().message.find("started-send"), std::string::npos) << transport.error().message;
}

TEST(StartedSend, a_plain_success_ends_a_run_of_401s) {
  CannedClient canned;
  BotApi api(canned, {"http://127.0.0.1:1", "42:started-send", 1s, 300ms});
  const http::Response unauthorized{401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})", {}};
  canned.then(unauthorized);
  EXPECT_FALSE(started(api, "sendMessage").ok());
  std::this_thread::sleep_for(350ms);
  canned.then(http::Response{200, R"({"ok":true,"result":true})", {}});
  EXPECT_TRUE(started(api, "answerCallbackQuery").ok());
  canned.then(unauthorized);
  EXPECT_FALSE(started(api, "sendMessage").ok());
  EXPECT_FALSE(api.token_rejected()) << "the success came between the two 401s";
}
}  // namespace
}  // namespace kt::telegram
