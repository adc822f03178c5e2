// Update parsing on every recorded update in ../shared/fixtures/telegram_*.json.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "telegram/update_parser.hpp"

namespace kt::telegram {
namespace {

using nlohmann::json;

json fixture(const std::string& name) {
  std::ifstream in(std::string(KT_FIXTURES_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

ParsedUpdate parse_ok(const json& update, std::string_view bot = "KiTraderBot") {
  auto r = parse_update(update, bot);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ParsedUpdate{};
}

TEST(UpdateParser, teloxide_supergroup_command_becomes_a_group_incoming) {
  auto p = parse_ok(fixture("telegram_updates_teloxide_tests.json").at(0));
  EXPECT_EQ(p.update_id, 439432600);
  ASSERT_TRUE(p.incoming.has_value());
  const auto& in = *p.incoming;
  EXPECT_EQ(in.update_id, 439432600);
  EXPECT_EQ(in.chat_id, -1001293752024);
  EXPECT_EQ(in.chat_kind, bot::ChatKind::kGroup);
  EXPECT_EQ(in.text, "/report");
  EXPECT_EQ(in.telegram_user_id, 5964236329);
  EXPECT_EQ(in.username, "spacewhaleblues");
  EXPECT_EQ(in.first_name, "the Cable Guy");
  EXPECT_EQ(in.message_id, 134546);
  EXPECT_FALSE(in.callback_data.has_value());
  EXPECT_EQ(p.shard_key, 5964236329);
}

TEST(UpdateParser, teloxide_dice_without_text_is_ignored) {
  auto p = parse_ok(fixture("telegram_updates_teloxide_tests.json").at(1));
  EXPECT_EQ(p.update_id, 573255266);
  EXPECT_FALSE(p.incoming.has_value());
  EXPECT_EQ(p.ignored_because, "message without text");
}

TEST(UpdateParser, teloxide_reaction_is_ignored) {
  auto p = parse_ok(fixture("telegram_updates_teloxide_tests.json").at(2));
  EXPECT_EQ(p.update_id, 767844136);
  EXPECT_FALSE(p.incoming.has_value());
  EXPECT_EQ(p.ignored_because, "update kind not handled");
}

TEST(UpdateParser, teloxide_private_text_message) {
  auto p = parse_ok(fixture("telegram_updates_teloxide_tests.json").at(3));
  ASSERT_TRUE(p.incoming.has_value());
  EXPECT_EQ(p.update_id, 892252934);
  EXPECT_EQ(p.incoming->chat_id, 218485655);
  EXPECT_EQ(p.incoming->chat_kind, bot::ChatKind::kPrivate);
  EXPECT_EQ(p.incoming->text, "hello there");
  EXPECT_EQ(p.incoming->username, "WaffleLapkin");
  EXPECT_EQ(p.incoming->message_id, 6557);
}

TEST(UpdateParser, teloxide_unknown_update_kind_is_ignored_not_rejected) {
  auto p = parse_ok(fixture("telegram_updates_teloxide_tests.json").at(4));
  EXPECT_EQ(p.update_id, 1);
  EXPECT_FALSE(p.incoming.has_value());
}

TEST(UpdateParser, every_teloxide_update_parses) {
  auto all = fixture("telegram_updates_teloxide_tests.json");
  ASSERT_EQ(all.size(), 5u);
  int handled = 0;
  for (const auto& u : all) {
    auto r = parse_update(u, "KiTraderBot");
    ASSERT_TRUE(r.ok());
    handled += r->incoming.has_value() ? 1 : 0;
  }
  EXPECT_EQ(handled, 2);
}

TEST(UpdateParser, callback_query_with_username) {
  auto p = parse_ok(fixture("telegram_callback_query_updates.json").at(0));
  EXPECT_EQ(p.update_id, 226394498);
  ASSERT_TRUE(p.incoming.has_value());
  EXPECT_EQ(p.incoming->callback_data, "tasks-settings");
  EXPECT_EQ(p.incoming->callback_query_id, "1115664380233733737");
  EXPECT_EQ(p.callback_query_id, "1115664380233733737");
  EXPECT_EQ(p.incoming->telegram_user_id, 259760855);
  EXPECT_EQ(p.incoming->username, "ShahradElahi");
  EXPECT_EQ(p.incoming->chat_id, 259760855);
  EXPECT_EQ(p.incoming->chat_kind, bot::ChatKind::kPrivate);
  EXPECT_EQ(p.incoming->message_id, 4071);
  EXPECT_EQ(p.incoming->text, "");
}

TEST(UpdateParser, callback_query_from_user_without_username_and_string_chat_instance) {
  auto p = parse_ok(fixture("telegram_callback_query_updates.json").at(1));
  EXPECT_EQ(p.update_id, 484467034);
  ASSERT_TRUE(p.incoming.has_value());
  EXPECT_EQ(p.incoming->callback_data, "wrong");
  EXPECT_EQ(p.incoming->callback_query_id, "3500749308061689919");
  EXPECT_EQ(p.incoming->telegram_user_id, 815081714);
  EXPECT_EQ(p.incoming->username, "");
  EXPECT_EQ(p.incoming->first_name, "Adrian Koh");
  EXPECT_EQ(p.incoming->message_id, 259);
}

json group_command(const std::string& text, const std::string& type = "supergroup") {
  return {{"update_id", 10},
          {"message",
           {{"message_id", 5},
            {"from", {{"id", 42}, {"is_bot", false}, {"first_name", "Ann"}}},
            {"chat", {{"id", -100123}, {"type", type}, {"title", "traders"}}},
            {"text", text},
            {"some_future_field", {{"x", 1}}}}}};
}

TEST(UpdateParser, command_for_another_bot_in_a_group_is_ignored) {
  auto p = parse_ok(group_command("/open@OtherBot BONK 1"));
  EXPECT_FALSE(p.incoming.has_value());
  EXPECT_EQ(p.ignored_because, "command addressed to another bot");
}

TEST(UpdateParser, command_for_us_has_the_suffix_stripped_case_insensitively) {
  auto p = parse_ok(group_command("/open@kitraderbot BONK 1", "group"));
  ASSERT_TRUE(p.incoming.has_value());
  EXPECT_EQ(p.incoming->text, "/open BONK 1");
  EXPECT_EQ(p.incoming->chat_kind, bot::ChatKind::kGroup);
  auto bare = parse_ok(group_command("/balance@KiTraderBot"));
  ASSERT_TRUE(bare.incoming.has_value());
  EXPECT_EQ(bare.incoming->text, "/balance");
}

TEST(UpdateParser, edited_message_is_ignored_so_trades_do_not_rerun) {
  json u = group_command("/open BONK 1");
  u["edited_message"] = u["message"];
  u.erase("message");
  auto p = parse_ok(u);
  EXPECT_FALSE(p.incoming.has_value());
  EXPECT_EQ(p.ignored_because, "edited message");
}

TEST(UpdateParser, photo_caption_is_the_text) {
  json u = group_command("");
  u["message"].erase("text");
  u["message"]["caption"] = "/price BONK";
  auto p = parse_ok(u);
  ASSERT_TRUE(p.incoming.has_value());
  EXPECT_EQ(p.incoming->text, "/price BONK");
}

TEST(UpdateParser, messages_from_bots_and_channels_are_ignored) {
  json from_bot = group_command("/open BONK 1");
  from_bot["message"]["from"]["is_bot"] = true;
  EXPECT_FALSE(parse_ok(from_bot).incoming.has_value());
  EXPECT_FALSE(parse_ok(group_command("/open BONK 1", "channel")).incoming.has_value());
}

TEST(UpdateParser, wrong_field_types_are_tolerated_or_rejected_without_throwing) {
  EXPECT_FALSE(parse_update(json::array(), "b").ok());
  EXPECT_FALSE(parse_update({{"update_id", "12"}}, "b").ok());
  EXPECT_EQ(parse_update({{"update_id", "12"}}, "b").error().code, "E-TG-UPDATE");
  json weird = group_command("/x");
  weird["message"]["chat"]["id"] = "not a number";
  auto p = parse_ok(weird);
  EXPECT_FALSE(p.incoming.has_value());
  EXPECT_FALSE(parse_update_text("{not json", "b").ok());
}

TEST(UpdateParser, ignored_button_press_still_carries_its_id_for_the_answer) {
  json u = {{"update_id", 3},
            {"callback_query", {{"id", "cb1"}, {"from", {{"id", 7}, {"is_bot", false}}}, {"game_short_name", "g"}}}};
  auto p = parse_ok(u);
  EXPECT_FALSE(p.incoming.has_value());
  EXPECT_EQ(p.callback_query_id, "cb1");
}

}  // namespace
}  // namespace kt::telegram
