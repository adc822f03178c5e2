// `kitrader run` (the real binary) against the fake Bot API: commands and buttons, redelivery,
// groups, a rejected token, webhook mode, SIGTERM. Every test also checks that the token appears
// in no output (the fixture's TearDown).
#include <httplib.h>

#include <algorithm>
#include <iostream>

#include "e2e/e2e_fixture.hpp"

namespace kt::e2e {
namespace {

using kt::testing::Fault;

TEST_F(KitraderRunE2E, commands_and_the_close_button_get_their_replies_in_order) {
  start_polling();
  const std::int64_t user = 7001;
  fake.push_text(user, user, "/start");
  fake.push_text(user, user, "/open BONK 1");
  fake.push_text(user, user, "/positions");
  fake.push_text(user, user, "/wallet");
  ASSERT_TRUE(wait_texts(user, 4)) << processes.back()->out();
  auto sent = messages_to(user);
  ASSERT_EQ(sent.size(), 4u);
  const auto text = [&](std::size_t i) { return sent[i].params["text"].get<std::string>(); };
  EXPECT_TRUE(contains(text(0), "Your paper wallet holds <b>1000 SOL</b>")) << text(0);
  EXPECT_TRUE(contains(text(1), "Opened <b>#1</b> long BONK")) << text(1);
  EXPECT_TRUE(contains(text(1), "SIMULATED")) << text(1);
  EXPECT_TRUE(contains(text(1), "\nBalance 998.9999 SOL")) << text(1);
  EXPECT_TRUE(contains(text(2), "#1")) << text(2);
  EXPECT_TRUE(contains(text(2), "BONK")) << text(2);
  EXPECT_TRUE(contains(text(3), "Balance: <b>998.9999 SOL</b>")) << text(3);
  EXPECT_TRUE(contains(text(3), "Open positions: 1")) << text(3);
  EXPECT_EQ(sent[1].params["parse_mode"], "HTML");
  const auto& keyboard = sent[1].params["reply_markup"]["inline_keyboard"];
  ASSERT_EQ(keyboard.size(), 3u) << sent[1].params.dump();
  ASSERT_EQ(keyboard[0].size(), 3u);
  EXPECT_EQ(keyboard[0][0]["text"], "Close 25%");
  EXPECT_EQ(keyboard[0][1]["text"], "Close 50%");
  EXPECT_EQ(keyboard[0][2]["text"], "Close 100%");
  EXPECT_EQ(keyboard[1][0]["text"], "TP +50%");
  EXPECT_EQ(keyboard[1][1]["text"], "SL -20%");
  EXPECT_EQ(keyboard[1][2]["text"], "Trail 10%");
  EXPECT_TRUE(contains(keyboard[2][0]["text"].get<std::string>(), "Refresh"));

  // The user presses "Close 100%" on that message.
  const std::string close_all = keyboard[0][2]["callback_data"];
  fake.push_callback(user, user, 501, close_all, "cb-close-all");
  ASSERT_TRUE(fake.wait_for("answerCallbackQuery", 1, 10s));
  ASSERT_TRUE(wait_texts(user, 5));
  auto answer = fake.calls("answerCallbackQuery").at(0).params;
  EXPECT_EQ(answer["callback_query_id"], "cb-close-all");
  EXPECT_EQ(answer["text"], "Closed 100% of #1");
  const std::string closed = texts_to(user).at(4);
  EXPECT_TRUE(contains(closed, "Closed <b>#1</b> long BONK")) << closed;
  EXPECT_TRUE(contains(closed, "Proceeds ")) << closed;

  // The process logs (so the fixture's token grep has something to read) and names the bot.
  EXPECT_TRUE(contains(processes.back()->out() + processes.back()->err(), std::string("@") + kBotUsername));

  // The command menu was set from the same table /help uses.
  auto menu = fake.calls("setMyCommands");
  ASSERT_EQ(menu.size(), 1u);
  EXPECT_EQ(menu[0].params["commands"][0]["command"], "start");
}

TEST_F(KitraderRunE2E, a_redelivered_update_changes_nothing_and_gets_no_second_reply) {
  auto& first = start_polling();
  const std::int64_t user = 7002;
  fake.push_text(user, user, "/start");
  const auto open = fake.push_text(user, user, "/open BONK 1");
  ASSERT_TRUE(wait_texts(user, 2));
  first.signal(SIGTERM);
  ASSERT_TRUE(first.wait_exit(10s).has_value());
  // Telegram sends the same update again (e.g. its confirmation was lost), then the user asks.
  fake.push_update(*fake.update_json(open));
  fake.push_text(user, user, "/wallet");
  start_polling();
  ASSERT_TRUE(wait_texts(user, 3));
  auto texts = texts_to(user);
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_TRUE(contains(texts[1], "Opened <b>#1</b>"));
  EXPECT_TRUE(contains(texts[2], "Balance: <b>998.9999 SOL</b>")) << texts[2];
  EXPECT_TRUE(contains(texts[2], "Open positions: 1")) << texts[2];
  // Nothing else arrives for the duplicate.
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(texts_to(user).size(), 3u);
}

TEST_F(KitraderRunE2E, group_commands_for_another_bot_are_ignored_and_ours_answered) {
  start_polling();
  const std::int64_t group = -1001234567890;
  fake.push_text(7003, group, "/price@OtherBot BONK");
  fake.push_text(7003, group, std::string("/price@") + kBotUsername + " BONK");
  ASSERT_TRUE(wait_texts(group, 1));
  std::this_thread::sleep_for(200ms);
  auto texts = texts_to(group);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_TRUE(contains(texts[0], "BONK")) << texts[0];
  EXPECT_TRUE(contains(texts[0], "SIMULATED")) << texts[0];
}

TEST_F(KitraderRunE2E, a_rejected_token_at_start_up_exits_nonzero_and_says_so) {
  fake.inject("getMe", Fault::unauthorized(), -1);
  auto& p = start();
  auto status = p.wait_exit(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(p.exit_code(), 0);
  EXPECT_EQ(*p.exit_code(), 2) << "a fatal start-up error exits 2, as docs/troubleshooting.md says";
  EXPECT_TRUE(contains(p.err(), "the bot token was rejected")) << p.err();
  EXPECT_EQ(fake.count("getUpdates"), 0u);
}

TEST_F(KitraderRunE2E, a_token_revoked_while_running_stops_the_bot_with_exit_2_and_says_why) {
  auto& p = start_polling();
  const std::int64_t user = 7010;
  fake.push_text(user, user, "/start");
  ASSERT_TRUE(wait_texts(user, 1));
  // BotFather /revoke: from now on Telegram answers every call with 401.
  fake.inject("getUpdates", Fault::unauthorized(), -1);
  fake.inject("sendMessage", Fault::unauthorized(), -1);
  // 401s back-to-back for 5 s (the poller backs off 1, 2, 4 s), then a SIGTERM-like stop.
  auto status = p.wait_exit(30s);
  ASSERT_TRUE(status.has_value()) << "still running against a rejected token";
  EXPECT_EQ(*p.exit_code(), 2) << "exit 2: the systemd unit does not restart it (RestartPreventExitStatus=2)";
  EXPECT_TRUE(contains(p.err(), "Telegram rejects the bot token")) << p.err();
  EXPECT_TRUE(contains(p.err(), "revoked in @BotFather")) << p.err();
}

TEST_F(KitraderRunE2E, webhook_mode_registers_the_secret_and_accepts_only_it) {
  const int port = free_port();
  const int http_port = free_port();
  ASSERT_GT(port, 0);
  ASSERT_GT(http_port, 0);
  auto& p = start({{"KITRADER_TELEGRAM_MODE", "webhook"},
                   {"KITRADER_HTTP_LISTEN", "127.0.0.1:" + std::to_string(http_port)},
                   {"KITRADER_TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1:" + std::to_string(port)},
                   {"KITRADER_TELEGRAM_WEBHOOK_SECRET", "s3cret"},
                   {"KITRADER_TELEGRAM_WEBHOOK_URL", "https://example.invalid/hook"}});
  ASSERT_TRUE(fake.wait_for("setWebhook", 1, 10s)) << p.err();
  auto hook = fake.webhook();
  ASSERT_TRUE(hook.has_value());
  EXPECT_EQ((*hook)["url"], "https://example.invalid/hook");
  EXPECT_EQ((*hook)["secret_token"], "s3cret");
  const std::int64_t user = 7004;
  nlohmann::json update = {{"update_id", 880001},
                           {"message",
                            {{"message_id", 1},
                             {"from", {{"id", user}, {"is_bot", false}, {"first_name", "W"}}},
                             {"chat", {{"id", user}, {"type", "private"}}},
                             {"date", 1700000000},
                             {"text", "/start"}}}};
  // The listener serves the path of the registered URL.
  EXPECT_EQ(kt::testing::FakeBotApi::post_webhook("127.0.0.1", port, "/hook", update, "wrong"), 401);
  EXPECT_EQ(kt::testing::FakeBotApi::post_webhook("127.0.0.1", port, "/hook", update, std::nullopt), 401);
  EXPECT_EQ(kt::testing::FakeBotApi::post_webhook("127.0.0.1", port, "/hook", update, "s3cret"), 200);
  EXPECT_EQ(kt::testing::FakeBotApi::post_webhook("127.0.0.1", port, "/hook", update, "s3cret"), 200);  // a resend
  ASSERT_TRUE(wait_texts(user, 1));
  std::this_thread::sleep_for(200ms);
  auto texts = texts_to(user);
  ASSERT_EQ(texts.size(), 1u) << "the resent update is applied once";
  EXPECT_TRUE(contains(texts[0], "Your paper wallet holds <b>1000 SOL</b>")) << texts[0];
  EXPECT_EQ(fake.count("getUpdates"), 0u);
  // post_webhook opens a connection per request: 4 accepted, 4 requests read, none refused.
  auto metrics = httplib::Client("127.0.0.1", http_port).Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_TRUE(contains(metrics->body, "kitrader_webhook_requests_total 4\n")) << metrics->body;
  // The fixture's database is an SQLite file: its checkpointer is exported (idle at this size).
  EXPECT_TRUE(contains(metrics->body, "kitrader_sqlite_wal_checkpoint_failures_total 0\n")) << metrics->body;
  EXPECT_TRUE(contains(metrics->body, "kitrader_webhook_connections_total{outcome=\"accepted\"} 4\n"));
  EXPECT_TRUE(contains(metrics->body, "kitrader_webhook_connections_total{outcome=\"refused\"} 0\n"));
  p.signal(SIGTERM);
  ASSERT_TRUE(p.wait_exit(10s).has_value());
  EXPECT_EQ(p.exit_code(), 0) << p.err();
  EXPECT_FALSE(contains(p.out() + p.err(), "s3cret"));
}

TEST_F(KitraderRunE2E, long_polls_with_the_documented_parameters_and_no_metric_or_debug_line_names_the_token) {
  const int http_port = free_port();
  ASSERT_GT(http_port, 0);
  // Every failure the layer logs, at debug level, with the metrics endpoint up.
  fake.inject("getUpdates", Fault::server_error(), 1);
  fake.inject("sendMessage", Fault::too_many_requests(1), 1);
  fake.inject("sendMessage", Fault::cant_parse_entities(), 1);
  fake.inject("setMyCommands", Fault::server_error(), 1);
  auto& p =
      start({{"KITRADER_HTTP_LISTEN", "127.0.0.1:" + std::to_string(http_port)}, {"KITRADER_LOG_LEVEL", "debug"}});
  ASSERT_TRUE(fake.wait_for("getUpdates", 2, 20s)) << p.err();
  const std::int64_t user = 7005;
  fake.push_text(user, user, "/start");
  fake.push_text(user, user, std::string("/price ") + kToken);  // a user pasting it
  fake.push_text(user, user, "/help");
  const auto last = fake.push_text(user, user, "/wallet");
  // Recorded calls include the refused ones (the 429, the HTML Telegram could not parse).
  auto text_with = [&](const std::string& part) -> std::string {
    for (const auto& t : texts_to(user)) {
      if (contains(t, part)) return t;
    }
    return "";
  };
  ASSERT_TRUE(wait_until([&] { return !text_with("<b>Wallet</b>").empty(); }, 20s)) << p.err();
  // The menu is the /help table: the same commands in the same order (a failed first
  // setMyCommands is tolerated, and there is no second attempt).
  ASSERT_EQ(fake.count("setMyCommands"), 1u);
  const std::string help = text_with("<b>Commands</b>");
  std::size_t at = 0;
  for (const auto& command : fake.calls("setMyCommands").at(0).params["commands"]) {
    const std::string line = "\n/" + command["command"].get<std::string>();
    const auto found = help.find(line, at);
    ASSERT_NE(found, std::string::npos) << line << " in " << help;
    std::string description;  // as /help shows it: HTML-escaped
    for (char c : command["description"].get<std::string>()) {
      description += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    }
    EXPECT_NE(help.find(description, found), std::string::npos) << description;
    at = found + line.size();
  }
  EXPECT_EQ(static_cast<std::size_t>(std::count(help.begin(), help.end(), '\n')),
            fake.calls("setMyCommands").at(0).params["commands"].size() + 2)
      << "one line per command, plus the title and the closing hint";
  // The poll after the last update confirms it: offset = its id + 1.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto polls = fake.calls("getUpdates");
        return polls.back().params.value("offset", std::int64_t{0}) == last + 1;
      },
      10s));
  for (const auto& poll : fake.calls("getUpdates")) {
    EXPECT_EQ(poll.params["timeout"], 50);
    EXPECT_EQ(poll.params["limit"], 100);
    EXPECT_EQ(poll.params["allowed_updates"], nlohmann::json({"message", "callback_query"}));
  }
  EXPECT_EQ(fake.count("deleteWebhook"), 0u);

  httplib::Client http("127.0.0.1", http_port);
  for (const char* path : {"/metrics", "/healthz"}) {
    auto res = http.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_FALSE(res->body.empty()) << path;
    EXPECT_FALSE(contains(res->body, kToken)) << path;
    EXPECT_FALSE(contains(res->body, "AAHk3Jx9QpL2mZ7vR4tW8yB1nC5dF0gHs6E")) << path;
  }
  p.signal(SIGTERM);
  ASSERT_TRUE(p.wait_exit(10s).has_value());
  // The fixture's TearDown greps stdout, stderr and the log files (debug lines included).
  EXPECT_TRUE(contains(p.out() + p.err(), "re-sending as plain text")) << p.out();
}

TEST_F(KitraderRunE2E, sigterm_finishes_in_flight_work_and_exits_zero_within_10_s) {
  auto& p = start_polling();
  std::vector<std::int64_t> users;
  for (int u = 0; u < 8; ++u) users.push_back(7101 + u);
  for (auto user : users) fake.push_text(user, user, "/start");
  for (int i = 0; i < 5; ++i) {
    for (auto user : users) fake.push_text(user, user, "/open BONK 1");
  }
  auto opened_replies = [&](std::int64_t user) {
    std::size_t n = 0;
    for (const auto& t : texts_to(user)) n += contains(t, "Opened <b>#") ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(wait_until([&] { return opened_replies(users[0]) + opened_replies(users[1]) > 0; }, 10s));
  const auto signalled = std::chrono::steady_clock::now();
  p.signal(SIGTERM);
  ASSERT_TRUE(p.wait_exit(10s).has_value()) << "still running 10 s after SIGTERM";
  const auto took = std::chrono::steady_clock::now() - signalled;
  EXPECT_EQ(p.exit_code(), 0) << p.err();
  EXPECT_LT(took, 10s);
  EXPECT_TRUE(contains(p.out() + p.err(), "SIGTERM: finishing in-flight commands")) << p.out() << p.err();
  std::size_t before = 0;
  for (auto user : users) before += opened_replies(user);
  // Whatever was applied got its reply before the exit: after a restart that finishes the rest,
  // each balance matches that user's "Opened" replies to the lamport, and all 5 are there.
  for (auto user : users) fake.push_text(user, user, "/wallet");
  start_polling();
  auto wallet_of = [&](std::int64_t user) -> std::string {
    auto texts = texts_to(user);
    return !texts.empty() && contains(texts.back(), "<b>Wallet</b>") ? texts.back() : "";
  };
  ASSERT_TRUE(wait_until(
      [&] {
        for (auto user : users) {
          if (wallet_of(user).empty()) return false;
        }
        return true;
      },
      20s));
  for (auto user : users) {
    EXPECT_EQ(opened_replies(user), 5u) << user;
    EXPECT_TRUE(contains(wallet_of(user), "Balance: <b>994.9995 SOL</b>")) << user << ": " << wallet_of(user);
  }
  std::cout << "[ info ] opens replied before SIGTERM: " << before
            << " of 40; SIGTERM to exit: " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
            << " ms\n";
}

}  // namespace
}  // namespace kt::e2e
