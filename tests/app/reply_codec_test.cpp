// encode_replies writes its JSON by hand (issue 7: it runs for every command). It must write exactly
// what the nlohmann tree it replaced wrote, so stored replies keep one format: compared here byte for
// byte against that reference on fixed and random text, invalid UTF-8 included.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "bot/reply_codec.hpp"

namespace kt::bot {
namespace {

using nlohmann::json;

/// The encoder as it was before (nlohmann tree, keys sorted by std::map, U+FFFD for bad UTF-8).
std::string reference_encode(const std::vector<Reply>& replies) {
  json out = json::array();
  for (const auto& r : replies) {
    json item = {{"chat_id", r.chat_id}, {"html", r.html}};
    if (r.photo_png) item["html"] = r.html + std::string(kPhotoNotKept);
    if (!r.buttons.empty()) {
      json rows = json::array();
      for (const auto& row : r.buttons) {
        json buttons = json::array();
        for (const auto& b : row) buttons.push_back({{"label", b.label}, {"data", b.callback_data}});
        rows.push_back(std::move(buttons));
      }
      item["buttons"] = std::move(rows);
    }
    if (r.edit_message_id) item["edit_message_id"] = *r.edit_message_id;
    out.push_back(std::move(item));
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Reply sample(std::string html) {
  Reply r;
  r.chat_id = -1001234567890;
  r.html = std::move(html);
  return r;
}

TEST(ReplyCodecFormat, writes_what_the_nlohmann_tree_wrote_for_typical_replies) {
  Reply card = sample("🏆 <b>Contest #3 wallet</b>\nOpened <b>#12</b> long BONK &amp; \"q\" \\ / \x7F");
  card.buttons = {{{"Close 25%", "c:12:25"}, {"Close 100%", "c:12:100"}}, {{"↻ Refresh", "r:12"}}, {}};
  card.edit_message_id = 987654321;
  card.callback_answer = "not stored";
  Reply chart = sample("<b>BONK</b> 24h");
  chart.photo_png = std::string("\x89PNG\r\n", 6);
  // sizeof - 1 keeps the embedded NUL and nothing past the literal's end.
  static constexpr char kControls[] = "tab\tnew\nline\rcr\bbs\fff\x01\x1f end\0nul";
  Reply controls = sample(std::string(kControls, sizeof kControls - 1));
  for (const auto& replies : std::vector<std::vector<Reply>>{{}, {card}, {card, chart, controls}, {sample("")}}) {
    const std::string written = encode_replies(replies);
    EXPECT_EQ(written, reference_encode(replies));
    auto back = decode_replies(written);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->size(), replies.size());
  }
}

TEST(ReplyCodecFormat, replaces_invalid_utf8_exactly_as_before) {
  for (const std::string& bad : {std::string("\xC3"), std::string("a\xC3("), std::string("\xE2\x82"),
                                 std::string("\xF0\x9F\x98"), std::string("\xED\xA0\x80 surrogate"),
                                 std::string("\xC0\xAF overlong"), std::string("\xF4\x90\x80\x80 too high"),
                                 std::string("\xFF\xFE"), std::string("ok \xE2\x82\xAC then \x80 stray")}) {
    const std::vector<Reply> replies{sample(bad)};
    EXPECT_EQ(encode_replies(replies), reference_encode(replies))
        << json(bad).dump(-1, ' ', true, json::error_handler_t::replace);
  }
}

TEST(ReplyCodecFormat, random_text_and_buttons_encode_as_the_reference_does) {
  std::mt19937 rng(7);
  // Mostly valid pieces (ASCII, escapes, 2-4 byte characters), with some stray bytes mixed in.
  const std::vector<std::string> pieces{
      "a",     "<b>", "\"", "\\",   "\n",   "\t",           std::string(1, '\0'), "\x1f",
      "é",     "€",   "😀",  "\xC3", "\x80", "\xED\xBF\xBF", "\xF4\x8F\xBF\xBF",   "\xE0\x80",
      "&amp;", " "};
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  auto text = [&] {
    std::string s;
    for (int n = length(rng); n > 0; --n) s += pieces[pick(rng)];
    return s;
  };
  for (int round = 0; round < 2000; ++round) {
    Reply r = sample(text());
    r.chat_id = static_cast<std::int64_t>(rng()) - (std::int64_t{1} << 31);
    if (round % 3 == 0) r.buttons = {{{text(), text()}}, {{text(), text()}, {text(), text()}}};
    if (round % 5 == 0) r.edit_message_id = static_cast<std::int64_t>(rng());
    if (round % 7 == 0) r.photo_png = "png";
    const std::vector<Reply> replies{r, sample(text())};
    ASSERT_EQ(encode_replies(replies), reference_encode(replies)) << "round " << round;
  }
}

TEST(ReplyCodecFormat, a_force_reply_prompt_survives_storage) {
  Reply prompt = sample("How much SOL?");
  prompt.force_reply = "Amount in SOL, e.g. 2";
  const std::string written = encode_replies({prompt, sample("plain")});
  EXPECT_NE(written.find("\"force_reply\":\"Amount in SOL, e.g. 2\",\"html\""), std::string::npos) << written;
  auto back = decode_replies(written);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].force_reply, std::optional<std::string>("Amount in SOL, e.g. 2"));
  EXPECT_FALSE((*back)[1].force_reply.has_value());
  EXPECT_FALSE(decode_replies(R"([{"chat_id":1,"force_reply":7,"html":"x"}])").ok());
}

}  // namespace
}  // namespace kt::bot
