#include <gtest/gtest.h>

#include "telegram/html_text.hpp"

namespace kt::telegram {
namespace {

TEST(HtmlText, plain_text_strips_tags_and_decodes_entities) {
  EXPECT_EQ(html_to_plain("<b>BONK</b> &lt;3 &amp; <a href=\"x\">link</a> &#39;q&#x27; &quot;"),
            "BONK <3 & link 'q' \"");
  EXPECT_EQ(html_to_plain("a & b &unknown; c"), "a & b &unknown; c");
}

TEST(HtmlText, utf16_length_counts_astral_characters_twice) {
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("тест"), 4u);
  EXPECT_EQ(utf16_length("🎲"), 2u);
}

TEST(HtmlText, short_text_is_one_piece) {
  EXPECT_EQ(split_html("hello\nworld", 4096), std::vector<std::string>{"hello\nworld"});
}

TEST(HtmlText, long_text_splits_on_line_boundaries) {
  std::string line(99, 'x');  // 100 with the newline
  std::string text;
  for (int i = 0; i < 100; ++i) text += line + "\n";  // 10000 characters
  auto pieces = split_html(text, 4096);
  ASSERT_EQ(pieces.size(), 3u);
  // 40 lines of 100 fit in 4096 with the last newline dropped at the cut.
  EXPECT_EQ(pieces[0].size(), 40u * 100 - 1);
  EXPECT_EQ(pieces[1].size(), 40u * 100 - 1);
  EXPECT_EQ(pieces[2].size(), 20u * 100);
  std::string joined = pieces[0] + "\n" + pieces[1] + "\n" + pieces[2];
  EXPECT_EQ(joined, text);
}

TEST(HtmlText, single_long_line_is_split_hard_without_cutting_entities) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "a&amp;";  // 6 bytes per repetition, 18000 in all
  auto pieces = split_html(text, 4096);
  ASSERT_EQ(pieces.size(), 5u);
  std::string joined;
  for (const auto& p : pieces) {
    EXPECT_LE(utf16_length(p), 4096u);
    joined += p;
    // Every '&' starts a whole entity.
    for (std::size_t pos = p.find('&'); pos != std::string::npos; pos = p.find('&', pos + 1)) {
      EXPECT_EQ(p.compare(pos, 5, "&amp;"), 0) << "cut entity in piece";
    }
  }
  EXPECT_EQ(joined, text);
}

TEST(HtmlText, tags_open_at_a_cut_are_closed_and_reopened) {
  std::string text = "<b>" + std::string(30, 'x') + "\n" + std::string(30, 'y') + "</b>";
  auto pieces = split_html(text, 40);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0], "<b>" + std::string(30, 'x') + "</b>");
  EXPECT_EQ(pieces[1], "<b>" + std::string(30, 'y') + "</b>");
}

TEST(HtmlText, multibyte_characters_are_never_cut) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "ж🎲";  // 2 + 4 bytes, 1 + 2 UTF-16 units
  auto pieces = split_html(text, 10);
  std::string joined;
  for (const auto& p : pieces) {
    EXPECT_LE(utf16_length(p), 10u);
    joined += p;
  }
  EXPECT_EQ(joined, text);
  // 150 units: the first piece is "ж🎲ж🎲ж🎲ж" (10 units), then every piece starts with a 🎲 that
  // did not fit and holds "🎲ж🎲ж🎲ж" (9 units): 1 + ceil(140 / 9) = 17.
  EXPECT_EQ(pieces.size(), 17u);
  EXPECT_EQ(utf16_length(pieces[0]), 10u);
  EXPECT_EQ(utf16_length(pieces[1]), 9u);
}

}  // namespace
}  // namespace kt::telegram
