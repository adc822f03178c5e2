// The bot layer end to end in-process: real SQLite (in memory), the demo market, a frozen clock.
#include "bot/dispatcher.hpp"

#include <gtest/gtest.h>

#include "app/application.hpp"
#include "bot/commands.hpp"
#include "bot/html.hpp"

namespace kt::bot {
namespace {

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ops::Config config;
    config.database.url = "sqlite::memory:";
    config.prices.sources = {"demo"};
    config.telegram.admins = {900};
    auto app = app::Application::build(config, clock_);
    ASSERT_TRUE(app.ok()) << app.error().message;
    app_ = std::move(*app);
  }
  std::vector<Reply> say(std::int64_t user, const std::string& text,
                         std::optional<std::int64_t> update_id = std::nullopt, const std::string& username = "alice") {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = user;
    in.username = username;
    in.text = text;
    in.update_id = update_id;
    return app_->dispatcher().handle(in);
  }
  std::vector<Reply> press(std::int64_t user, const std::string& data, std::int64_t message_id = 55) {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = user;
    in.callback_data = data;
    in.callback_query_id = "cb";
    in.message_id = message_id;
    return app_->dispatcher().handle(in);
  }
  std::string text(const std::vector<Reply>& replies) {
    std::string out;
    for (const auto& r : replies) out += html_to_plain(r.html) + "\n";
    return out;
  }

  ManualClock clock_{from_unix_millis(1'764'000'000'000)};
  std::unique_ptr<app::Application> app_;
};

TEST_F(DispatcherTest, a_redelivered_update_gets_no_second_reply_and_no_second_trade) {
  say(1, "/start", 100);
  EXPECT_NE(text(say(1, "/open BONK 1", 101)).find("Opened #1"), std::string::npos);
  EXPECT_TRUE(say(1, "/open BONK 1", 101).empty());
  EXPECT_TRUE(say(1, "/start", 100).empty());
  say(1, "/wallet", 102);
  EXPECT_TRUE(say(1, "/wallet", 102).empty());
  EXPECT_NE(text(say(1, "/wallet")).find("Balance: 998.9999 SOL"), std::string::npos);
}

TEST_F(DispatcherTest, buttons_close_only_your_own_positions) {
  say(1, "/start");
  say(2, "/start");
  const auto opened = say(1, "/open BONK 1");
  ASSERT_EQ(opened.size(), 1u);
  ASSERT_FALSE(opened.front().buttons.empty());
  const std::string close_all = opened.front().buttons[0][2].callback_data;
  EXPECT_EQ(close_all, "c:1:100");
  const auto theft = press(2, close_all);
  ASSERT_EQ(theft.size(), 1u);
  EXPECT_NE(text(theft).find("Position #1 not found"), std::string::npos);
  EXPECT_TRUE(theft.front().callback_answer.has_value());
  const auto closed = press(1, "c:1:50");
  EXPECT_NE(text(closed).find("Partly closed #1"), std::string::npos) << text(closed);
  EXPECT_EQ(closed.front().callback_answer, "Closed 50% of #1");
}

TEST_F(DispatcherTest, crafted_buttons_on_another_users_position_change_and_show_nothing) {
  say(1, "/start");
  say(2, "/start");
  ASSERT_NE(text(say(1, "/open BONK 1")).find("Opened #1"), std::string::npos);
  const std::string wallet_before = text(say(1, "/wallet"));
  // Every button kind that names a position, pressed by user 2 on user 1's #1.
  for (const std::string data :
       {"c:1:25", "c:1:100", "r:1", "p:1", "o:1:tp:5000", "o:1:sl:-2000", "o:1:tr:1000", "k:1"}) {
    SCOPED_TRACE(data);
    const auto replies = press(2, data);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(text(replies).find("Position #1 not found"), std::string::npos) << text(replies);
    EXPECT_TRUE(replies.front().callback_answer.has_value()) << "the press is answered";
    EXPECT_FALSE(replies.front().edit_message_id.has_value()) << "nobody's message is rewritten";
    EXPECT_TRUE(replies.front().buttons.empty());
  }
  EXPECT_EQ(text(say(1, "/wallet")), wallet_before);
  EXPECT_NE(text(say(1, "/positions")).find("#1 long BONK"), std::string::npos);
  EXPECT_NE(text(say(1, "/orders")).find("No pending orders"), std::string::npos);
}

TEST_F(DispatcherTest, the_token_card_shows_prices_in_sol_and_usd_market_data_source_age_and_flags) {
  say(1, "/start");
  const std::string card = text(say(1, "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"));
  for (const char* part : {"Bonk (BONK)", "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", "Price: 0.", " SOL ($",
                           "source demo, 0 s ago (SIMULATED)", "Market cap: $", "Liquidity: $",
                           "24 h: ", "⚠️ Metadata is mutable"}) {  // BONK's safety flag in the demo market
    EXPECT_NE(card.find(part), std::string::npos) << part << " in\n" << card;
  }
}

TEST_F(DispatcherTest, the_x_sol_button_asks_for_the_amount_and_the_answer_opens) {
  say(1, "/start");
  const auto card = say(1, "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
  ASSERT_EQ(card.front().buttons.size(), 2u);
  const Button ask = card.front().buttons[1][1];
  EXPECT_EQ(ask.label, "Buy X SOL");
  const auto prompt = press(1, ask.callback_data);
  ASSERT_EQ(prompt.size(), 1u);
  const std::string asked = text(prompt);
  EXPECT_NE(asked.find("How much SOL? Reply to this message with an amount, e.g. 2, or send /open "
                       "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263 <amount>"),
            std::string::npos)
      << asked;
  EXPECT_TRUE(prompt.front().callback_answer.has_value());
  // The client opens a reply to the prompt (Telegram's ForceReply)...
  EXPECT_EQ(prompt.front().force_reply, std::optional<std::string>("Amount in SOL, e.g. 2"));
  EXPECT_TRUE(prompt.front().buttons.empty());
  // ...and the bare amount sent as that reply opens, as "/open <mint> 2.5" would. Telegram gives the
  // replied-to message as plain text: what `asked` holds.
  const auto reply_to_prompt = [&](const std::string& amount) {
    Incoming in;
    in.telegram_user_id = 1;
    in.chat_id = 1;
    in.text = amount;
    in.reply_to_bot_text = asked;
    return text(app_->dispatcher().handle(in));
  };
  EXPECT_NE(reply_to_prompt(" 2.5 ").find("Opened #1 long BONK"), std::string::npos);
  // A bad amount gets the same refusal as in /open, and opens nothing.
  const std::string bad = reply_to_prompt("-3");
  EXPECT_EQ(bad.find("Opened"), std::string::npos) << bad;
  EXPECT_NE(bad.find("E-USAGE"), std::string::npos) << bad;
  // A bare number that replies to nothing is no command.
  EXPECT_NE(text(say(1, "2.5")).find("E-USAGE"), std::string::npos);
  EXPECT_NE(text(say(1, "/open DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263 2.5")).find("Opened #2 long BONK"),
            std::string::npos);
  // A forged "X SOL" button with markup instead of a mint is refused, not echoed.
  const auto forged = press(1, "x:<a href=\"https://evil\">x</a>");
  ASSERT_EQ(forged.size(), 1u);
  EXPECT_EQ(forged.front().html.find("<a href"), std::string::npos) << forged.front().html;
  EXPECT_NE(forged.front().html.find("E-BUTTON"), std::string::npos) << forged.front().html;
}

TEST_F(DispatcherTest, refresh_edits_the_message_in_place) {
  say(1, "/start");
  say(1, "/open BONK 1");
  const auto refreshed = press(1, "r:1", 77);
  ASSERT_EQ(refreshed.size(), 1u);
  EXPECT_EQ(refreshed.front().edit_message_id, 77);
  EXPECT_EQ(refreshed.front().callback_answer, "Refreshed");
}

TEST_F(DispatcherTest, every_callback_is_answered_even_a_forged_one) {
  const auto forged = press(1, "zz:garbage");
  ASSERT_EQ(forged.size(), 1u);
  EXPECT_TRUE(forged.front().callback_answer.has_value());
  EXPECT_FALSE(press(1, std::string(65, 'c')).front().callback_answer->empty());
}

TEST_F(DispatcherTest, a_pasted_mint_or_link_shows_the_token_card_with_buy_buttons) {
  say(1, "/start");
  const auto card = say(1, "https://pump.fun/coin/DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
  ASSERT_EQ(card.size(), 1u);
  EXPECT_NE(text(card).find("BONK"), std::string::npos);
  ASSERT_EQ(card.front().buttons.size(), 2u);
  EXPECT_EQ(card.front().buttons[0][0].callback_data, "b:DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263:0.1");
  for (const auto& row : card.front().buttons)
    for (const auto& b : row) EXPECT_LE(b.callback_data.size(), 64u);
  EXPECT_NE(text(press(1, card.front().buttons[0][0].callback_data)).find("Opened #1 long BONK"), std::string::npos);
}

TEST_F(DispatcherTest, only_admins_change_roles_and_names_are_escaped) {
  say(1, "/start", std::nullopt, "<b>mallory</b>");
  say(900, "/start", std::nullopt, "root");
  EXPECT_NE(text(say(1, "/setrole 900 basic")).find("Not allowed"), std::string::npos);
  EXPECT_NE(text(say(900, "/setrole 1 premium")).find("now premium"), std::string::npos);
  const auto users = say(900, "/users");
  EXPECT_NE(users.front().html.find("@&lt;b&gt;mallory&lt;/b&gt;"), std::string::npos) << users.front().html;
  EXPECT_EQ(users.front().html.find("<b>mallory"), std::string::npos);
  // premium: 1000 SOL limit, so 150 SOL is allowed now.
  EXPECT_NE(text(say(1, "/open BONK 150")).find("Opened #1"), std::string::npos);
}

TEST_F(DispatcherTest, plain_text_in_groups_is_ignored) {
  Incoming in;
  in.telegram_user_id = 1;
  in.chat_id = -100;
  in.chat_kind = ChatKind::kGroup;
  in.text = "hello everyone";
  EXPECT_TRUE(app_->dispatcher().handle(in).empty());
}

TEST_F(DispatcherTest, commands_before_start_say_how_to_begin) {
  EXPECT_NE(text(say(5, "/wallet")).find("Send /start first"), std::string::npos);
}

}  // namespace
}  // namespace kt::bot

namespace kt::bot {
namespace {

bool is_png(const std::optional<std::string>& bytes) {
  return bytes && bytes->size() > 10'000 && bytes->compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) == 0;
}

TEST_F(DispatcherTest, pnl_daily_ta_and_charts_answer_with_numbers_and_pictures) {
  say(1, "/start");
  say(1, "/open BONK 1");
  say(1, "/close 1");
  const std::string pnl = text(say(1, "/pnl"));
  EXPECT_NE(pnl.find("Realized: -0.015088154 SOL"), std::string::npos) << pnl;
  EXPECT_NE(pnl.find("Trades: 1 · wins 0 · losses 1"), std::string::npos) << pnl;
  EXPECT_NE(text(say(1, "/daily 2")).find("-0.015088154"), std::string::npos);
  EXPECT_NE(text(say(1, "/ta BONK")).find("RSI14"), std::string::npos);
  EXPECT_TRUE(is_png(say(1, "/chart BONK 6h").front().photo_png));
  EXPECT_TRUE(is_png(say(1, "/pnl chart").front().photo_png));
  const std::string bad_range = text(say(1, "/chart BONK 2y"));
  EXPECT_NE(bad_range.find("The range is 1h, 6h, 24h or 7d. Usage: /chart"), std::string::npos) << bad_range;
}

TEST_F(DispatcherTest, reset_needs_the_confirmation_button) {
  say(1, "/start");
  say(1, "/open BONK 5");
  const auto ask = say(1, "/reset");
  ASSERT_EQ(ask.front().buttons.size(), 1u);
  EXPECT_NE(text(say(1, "/wallet")).find("Balance: 994.9999 SOL"), std::string::npos) << "nothing changed yet";
  EXPECT_NE(text(press(1, ask.front().buttons[0][0].callback_data)).find("Wallet reset. Balance: 1000 SOL"),
            std::string::npos);
  EXPECT_NE(text(say(1, "/positions")).find("No open positions"), std::string::npos);
}

TEST_F(DispatcherTest, admins_grant_and_see_statistics) {
  say(900, "/start", std::nullopt, "root");
  say(1, "/start");
  EXPECT_NE(text(say(1, "/grant 1 5")).find("Not allowed"), std::string::npos);
  EXPECT_NE(text(say(900, "/grant @alice 5")).find("Their balance: 1005 SOL"), std::string::npos);
  const std::string stats = text(say(900, "/stats"));
  EXPECT_NE(stats.find("Users: 2"), std::string::npos) << stats;
  EXPECT_NE(stats.find("demo ok"), std::string::npos) << stats;
}

TEST_F(DispatcherTest, top_ranks_the_members_of_a_group_by_roi) {
  auto group = [&](std::int64_t user, const std::string& text_in, const std::string& name) {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = -500;
    in.chat_kind = ChatKind::kGroup;
    in.username = name;
    in.text = text_in;
    return app_->dispatcher().handle(in);
  };
  group(1, "/start", "alice");
  group(2, "/start", "bob");
  group(1, "/open BONK 10", "alice");  // alice is down by the fees, bob is flat
  const std::string top = text(group(2, "/top", "bob"));
  EXPECT_LT(top.find("@bob"), top.find("@alice")) << top;
  EXPECT_NE(text(say(1, "/top")).find("group chat"), std::string::npos);
}

TEST(UserFacingStorageError, hides_the_sql_and_never_claims_nothing_changed_after_a_lost_commit) {
  const Error lost = user_facing(
      retryable("E-STORAGE", "storage connection lost during commit; the change may or may not have been applied"));
  EXPECT_EQ(lost.code, "E-STORAGE");
  EXPECT_NE(lost.message.find("may or may not have been applied"), std::string::npos) << lost.message;
  EXPECT_EQ(lost.message.find("nothing was changed"), std::string::npos) << lost.message;
  const Error down = user_facing(retryable("E-STORAGE", "connection refused while INSERT INTO processed_updates"));
  EXPECT_NE(down.message.find("temporarily unavailable; nothing was changed"), std::string::npos) << down.message;
  EXPECT_EQ(down.message.find("INSERT"), std::string::npos) << down.message;
}

TEST(UserFacingPriceError, names_the_token_but_not_the_failing_sources_or_hosts) {
  const Error failed = user_facing(retryable(
      "E-PRICE-UNAVAILABLE",
      "no price for C7CT…hcYy right now: pumpfun (E-RPC-UNAVAILABLE: every RPC attempt failed; last error: HTTP 500 "
      "from http://10.1.2.3:8899); jupiter (E-HTTP: HTTP 503)",
      std::chrono::milliseconds(1500)));
  EXPECT_EQ(failed.code, "E-PRICE-UNAVAILABLE");
  EXPECT_TRUE(failed.retryable());
  EXPECT_EQ(failed.retry_after, std::chrono::milliseconds(1500));
  EXPECT_EQ(failed.message.find("no price for C7CT…hcYy right now: the price sources are not answering; nothing was "
                                "changed"),
            0u)
      << failed.message;
  for (const char* detail : {"10.1.2.3", "pumpfun", "jupiter", "HTTP 500", "E-RPC"}) {
    EXPECT_EQ(failed.message.find(detail), std::string::npos) << detail << " in: " << failed.message;
  }
  // Other shapes are shown as they are (no price configured at all: nothing internal to hide).
  const Error none = user_facing(retryable("E-PRICE-UNAVAILABLE", "no price sources are configured"));
  EXPECT_EQ(none.message, "no price sources are configured");
}

}  // namespace
}  // namespace kt::bot
