#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "app/console.hpp"
#include "bot/commands.hpp"
#include "bot/html.hpp"

namespace kt {
namespace {

TEST(ConsoleRender, strips_markup_and_lists_buttons) {
  bot::Reply r;
  r.html = "<b>#1</b> &lt;ok&gt; &amp; done";
  r.buttons = {{{"Close 25%", "c:1:25"}, {"Close 100%", "c:1:100"}}};
  int pictures = 0;
  EXPECT_EQ(app::render_plain(r, {}, &pictures), "#1 <ok> & done\n[Close 25%] [Close 100%]");
}

TEST(ConsoleRender, writes_pictures_to_a_file_and_prints_the_path) {
  bot::Reply r;
  r.html = "chart";
  r.photo_png = std::string("\x89PNG\r\n\x1a\n", 8);
  const auto dir = std::filesystem::temp_directory_path() / ("kt_pictures_" + std::to_string(::getpid()));
  int pictures = 0;
  const std::string out = app::render_plain(r, dir, &pictures);
  EXPECT_NE(out.find((dir / "picture-1.png").string()), std::string::npos) << out;
  EXPECT_EQ(std::filesystem::file_size(dir / "picture-1.png"), 8u);
  std::filesystem::remove_all(dir);
}

TEST(CommandGrammar, parses_typed_commands_and_rejects_hostile_input_with_a_hint) {
  auto open = bot::parse_message("/open $bonk 0.5 short");
  ASSERT_TRUE(open && open->ok());
  const auto& cmd = std::get<bot::OpenCommand>(open->value());
  EXPECT_EQ(cmd.size.value, 500'000'000);
  EXPECT_EQ(cmd.side, Side::kShort);
  EXPECT_EQ(std::get<bot::CloseCommand>(bot::parse_message("/close #12 50%")->value()).percent, 50);
  for (const char* bad : {"/open BONK", "/open BONK 1 sideways", "/open BONK NaN", "/open BONK inf", "/open BONK 1e9",
                          "/close 0", "/close 1 101", "/close abc", "/close 1 0", "/open BONK 99999999999999999999",
                          "/positions maybe", "/setrole x king", "/trail 1 200%", "/trail 1 0.05%"}) {
    auto r = bot::parse_message(bad);
    ASSERT_TRUE(r.has_value()) << bad;
    ASSERT_FALSE(r->ok()) << bad;
    EXPECT_EQ(r->error().code, "E-USAGE") << bad;
    EXPECT_NE(r->error().message.find("Usage: /"), std::string::npos) << bad;
  }
  EXPECT_FALSE(bot::parse_message("just chatting").has_value());
  EXPECT_EQ(bot::parse_message("/frobnicate")->error().code, "E-UNKNOWN-COMMAND");
  EXPECT_EQ(bot::parse_message("/frobnicate")->error().message,
            "Unknown command /frobnicate. Send /help for the list.");
  EXPECT_EQ(bot::parse_message("/opne BONK 1")->error().message,
            "Unknown command /opne. Did you mean /open? e.g. /open BONK 0.5. Send /help for the list.");
  EXPECT_EQ(bot::parse_message("/postions")->error().message,
            "Unknown command /postions. Did you mean /positions? e.g. /positions. Send /help for the list.");
  EXPECT_EQ(bot::parse_message(std::string("/open BONK ") + std::string(4096, '9'))->error().code, "E-USAGE");
}

TEST(CommandGrammar, button_data_round_trips_and_fits_in_64_bytes) {
  const std::string buy = bot::encode_buy_button("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", "0.5");
  EXPECT_LE(buy.size(), 64u);
  EXPECT_EQ(std::get<bot::OpenCommand>(bot::parse_callback(buy).value()).size.value, 500'000'000);
  EXPECT_EQ(std::get<bot::CloseCommand>(bot::parse_callback("c:7:25").value()).percent, 25);
  EXPECT_TRUE(std::get<bot::PositionCommand>(bot::parse_callback("r:7").value()).refresh);
  EXPECT_FALSE(bot::parse_callback("c:7:250").ok());
  EXPECT_FALSE(bot::parse_callback("c:-7:25").ok());
}

}  // namespace
}  // namespace kt
