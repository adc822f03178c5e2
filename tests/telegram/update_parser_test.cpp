// Update parsing on every recorded update in ../shared/fixtures/telegram_*.json.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "telegram/bot_api.hpp"
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

/// Every telegram_*.json in the fixtures directory, by file name: a file added later is covered
/// without touching this test.
std::vector<std::string> telegram_fixture_files() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(KT_FIXTURES_DIR)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("telegram_") && name.ends_with(".json")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(UpdateParser, every_update_of_every_telegram_fixture_file_parses_or_is_ignored_with_a_reason) {
  const auto files = telegram_fixture_files();
  ASSERT_GE(files.size(), 7u) << KT_FIXTURES_DIR;
  std::size_t updates = 0, handled = 0, envelopes = 0;
  std::set<std::int64_t> ids;
  for (const auto& name : files) {
    SCOPED_TRACE(name);
    const json content = fixture(name);
    if (content.is_array()) {
      ASSERT_FALSE(content.empty());
      for (const auto& update : content) {
        // The object itself and its JSON text (the webhook's path) give the same answer.
        auto parsed = parse_update(update, "KiTraderBot");
        auto from_text = parse_update_text(update.dump(), "KiTraderBot");
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        ASSERT_TRUE(from_text.ok()) << from_text.error().message;
        EXPECT_EQ(parsed->update_id, update.at("update_id").get<std::int64_t>());
        EXPECT_EQ(from_text->update_id, parsed->update_id);
        EXPECT_EQ(from_text->incoming.has_value(), parsed->incoming.has_value());
        // Either something for the bot, or ignored with a reason (never both, never neither).
        EXPECT_NE(parsed->incoming.has_value(), !parsed->ignored_because.empty()) << parsed->ignored_because;
        if (parsed->incoming) {
          EXPECT_NE(parsed->incoming->telegram_user_id, 0);
          EXPECT_NE(parsed->incoming->chat_id, 0);
          EXPECT_EQ(parsed->shard_key, parsed->incoming->telegram_user_id);
          ++handled;
        }
        ids.insert(parsed->update_id);
        ++updates;
      }
    } else {
      // A recorded error envelope: decoded to its specific code, not "not a Bot API answer".
      ASSERT_TRUE(content.is_object());
      const long status = content.at("error_code").get<long>();
      auto r = parse_api_response("getUpdates", status, content.dump());
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, "E-TG-" + std::to_string(status)) << r.error().message;
      ++envelopes;
    }
  }
  // At least what the directory held when this was written: 7 updates (2 teloxide messages with
  // text and 2 button presses among them) and 5 error envelopes.
  EXPECT_GE(updates, 7u);
  EXPECT_EQ(ids.size(), updates);
  EXPECT_GE(handled, 4u);
  EXPECT_GE(envelopes, 5u);
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

TEST(UpdateParser, a_reply_to_this_bots_message_carries_its_text_and_other_replies_do_not) {
  auto message = [](const json& replied_from) {
    return json{{"update_id", 5001},
                {"message",
                 {{"message_id", 12},
                  {"from", {{"id", 8}, {"is_bot", false}, {"first_name", "A"}}},
                  {"chat", {{"id", 8}, {"type", "private"}}},
                  {"text", "2.5"},
                  {"reply_to_message",
                   {{"message_id", 11},
                    {"from", replied_from},
                    {"chat", {{"id", 8}, {"type", "private"}}},
                    {"text", "How much SOL? … or send /open So11111111111111111111111111111111111111112 <amount>"}}}}}};
  };
  auto ours = parse_ok(message({{"id", 900}, {"is_bot", true}, {"username", "kitraderbot"}}));
  ASSERT_TRUE(ours.incoming.has_value());
  EXPECT_EQ(ours.incoming->text, "2.5");
  ASSERT_TRUE(ours.incoming->reply_to_bot_text.has_value());
  EXPECT_NE(ours.incoming->reply_to_bot_text->find("/open So111"), std::string::npos);
  // Another bot's message, or a person's, is not a prompt of ours.
  for (const json& other : {json{{"id", 901}, {"is_bot", true}, {"username", "OtherBot"}},
                            json{{"id", 902}, {"is_bot", false}, {"username", "KiTraderBot"}}}) {
    auto p = parse_ok(message(other));
    ASSERT_TRUE(p.incoming.has_value());
    EXPECT_FALSE(p.incoming->reply_to_bot_text.has_value()) << other.dump();
  }
}

}  // namespace
}  // namespace kt::telegram
