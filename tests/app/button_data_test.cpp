// Every inline button the bot can emit, rendered at its longest (the largest position id, a mint
// of 44 base58 characters): its callback_data fits Telegram's 64 bytes and parses back to the
// command it was made for.
#include <gtest/gtest.h>

#include <limits>

#include "bot/commands.hpp"
#include "bot/views.hpp"

namespace kt::bot {
namespace {

constexpr std::int64_t kLargestId = std::numeric_limits<std::int64_t>::max();
// 32 bytes of 0xff: the longest base58 mint.
constexpr const char* kLongestMint = "JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG";

Position open_position() {
  Position p;
  p.id = PositionId{kLargestId};
  p.mint = Mint::parse(kLongestMint).value();
  p.symbol = "LONGEST";
  p.decimals = 9;
  p.qty_raw = 1'000;
  p.initial_qty_raw = 1'000;
  p.cost = Lamports{1'000'000};
  p.initial_cost = p.cost;
  p.entry_price = Price::from_ratio(1'000, 1).value();
  return p;
}

Quote quote_of(const Position& p) {
  Quote q;
  q.mint = p.mint;
  q.price = p.entry_price;
  q.decimals = p.decimals;
  q.source = "demo";
  return q;
}

/// Every button of every reply the views can build, with what each one is for.
std::vector<std::pair<std::string, Button>> every_button() {
  std::vector<std::pair<std::string, Reply>> replies;
  const Position open = open_position();
  Position closed = open;
  closed.status = PositionStatus::kClosed;
  closed.qty_raw = 0;
  closed.realized_pnl = Lamports{5};  // a winner: the "share PnL card" button
  engine::MarkedPosition marked{open, quote_of(open), Lamports{1'000'000}, Lamports{0}, ""};

  replies.emplace_back("opened", render_opened({open, {}, quote_of(open), Lamports{1}}, "LONGEST"));
  replies.emplace_back("partly closed",
                       render_closed({open, {}, quote_of(open), Lamports{1}, Lamports{1}, Lamports{1}}, "LONGEST"));
  replies.emplace_back("closed at a profit",
                       render_closed({closed, {}, quote_of(closed), Lamports{1}, Lamports{5}, Lamports{1}}, "LONGEST"));
  replies.emplace_back("positions", render_positions({marked, marked, marked, marked, marked, marked}));
  replies.emplace_back("position", render_position(marked, TimePoint{}));
  TokenInfo info;
  info.mint = open.mint;
  info.symbol = "LONGEST";
  replies.emplace_back("token card", render_token_card(info, quote_of(open), TimePoint{}, true));
  Reply reset;
  reset.buttons = {{{"Yes, reset my wallet", std::string(kResetConfirmButton)}}};
  replies.emplace_back("reset", reset);

  std::vector<std::pair<std::string, Button>> buttons;
  for (const auto& [what, reply] : replies) {
    EXPECT_FALSE(reply.buttons.empty()) << what;
    for (const auto& row : reply.buttons) {
      for (const auto& button : row) buttons.emplace_back(what + " / " + button.label, button);
    }
  }
  return buttons;
}

TEST(ButtonData, every_button_fits_64_bytes_and_parses_back_at_the_largest_ids) {
  const auto buttons = every_button();
  // Opened 7 (3 closes, 3 exit orders, refresh), partly closed 7, closed at a profit 1, six
  // positions 6, one position 7, token card 5, reset 1.
  EXPECT_EQ(buttons.size(), 34u);
  for (const auto& [what, button] : buttons) {
    SCOPED_TRACE(what);
    EXPECT_LE(button.callback_data.size(), 64u) << button.callback_data;
    EXPECT_FALSE(button.label.empty());
    auto parsed = parse_callback(button.callback_data);
    ASSERT_TRUE(parsed.ok()) << button.callback_data << ": " << parsed.error().message;
    // The id survives the round trip (no truncation of the largest one).
    if (const auto* close = std::get_if<CloseCommand>(&*parsed)) {
      EXPECT_EQ(close->position.value, kLargestId);
    }
    if (const auto* show = std::get_if<PositionCommand>(&*parsed)) {
      EXPECT_EQ(show->position.value, kLargestId);
    }
    if (const auto* exit = std::get_if<ExitOrderCommand>(&*parsed)) {
      EXPECT_EQ(exit->position.value, kLargestId);
    }
    if (const auto* card = std::get_if<CardCommand>(&*parsed)) {
      EXPECT_EQ(card->position.value, kLargestId);
    }
    if (const auto* open = std::get_if<OpenCommand>(&*parsed)) {
      EXPECT_EQ(open->token, kLongestMint);
    }
    if (const auto* ask = std::get_if<AskAmountCommand>(&*parsed)) {
      EXPECT_EQ(ask->token, kLongestMint);
    }
  }
}

TEST(ButtonData, the_position_buttons_are_close_25_50_100_and_refresh) {
  const Reply r = render_position({open_position(), std::nullopt, std::nullopt, std::nullopt, "no price"}, {});
  ASSERT_EQ(r.buttons.size(), 3u);
  ASSERT_EQ(r.buttons[0].size(), 3u);
  EXPECT_EQ(r.buttons[0][0].label, "Close 25%");
  EXPECT_EQ(r.buttons[0][1].label, "Close 50%");
  EXPECT_EQ(r.buttons[0][2].label, "Close 100%");
  for (int i = 0; i < 3; ++i) {
    const auto close = std::get<CloseCommand>(parse_callback(r.buttons[0][i].callback_data).value());
    EXPECT_EQ(close.percent, std::vector<int>({25, 50, 100})[i]);
  }
  const auto refresh = std::get<PositionCommand>(parse_callback(r.buttons[2][0].callback_data).value());
  EXPECT_TRUE(refresh.refresh);
}

TEST(ButtonData, the_token_card_buys_0_1_0_5_1_and_5_sol_or_asks_for_an_amount) {
  TokenInfo info;
  info.mint = Mint::parse(kLongestMint).value();
  const Reply card = render_token_card(info, quote_of(open_position()), TimePoint{}, true);
  std::vector<std::int64_t> sizes;
  int asks = 0;
  for (const auto& row : card.buttons) {
    for (const auto& button : row) {
      const Command c = parse_callback(button.callback_data).value();
      if (const auto* open = std::get_if<OpenCommand>(&c)) sizes.push_back(open->size.value);
      asks += std::holds_alternative<AskAmountCommand>(c) ? 1 : 0;
    }
  }
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{100'000'000, 500'000'000, 1'000'000'000, 5'000'000'000}));
  EXPECT_EQ(asks, 1);
  // Without a price there is nothing to buy at: no buttons.
  EXPECT_TRUE(render_token_card(info, std::nullopt, TimePoint{}, true).buttons.empty());
}

TEST(ButtonData, crafted_ask_amount_data_must_name_a_mint) {
  // The "X SOL" prompt repeats the token inside HTML: a forged button must not inject markup.
  EXPECT_FALSE(parse_callback("x:<a href=\"https://evil\">x</a>").ok());
  EXPECT_FALSE(parse_callback("x:BONK&amp").ok());
  EXPECT_FALSE(parse_callback("x:").ok());
  EXPECT_TRUE(parse_callback(std::string("x:") + kLongestMint).ok());
}

TEST(AmountReply, a_bare_amount_replying_to_the_prompt_becomes_an_open_of_its_token) {
  const std::string prompt =
      "How much SOL? Reply to this message with an amount, e.g. 2, or send /open MINT123 <amount>";
  EXPECT_EQ(open_from_amount_reply("2.5", prompt), std::optional<std::string>("/open MINT123 2.5"));
  EXPECT_EQ(open_from_amount_reply("  0.1\n", prompt), std::optional<std::string>("/open MINT123 0.1"));
  // The amount is not judged here: parse_message refuses a bad one as it would in /open.
  EXPECT_EQ(open_from_amount_reply("abc", prompt), std::optional<std::string>("/open MINT123 abc"));
  EXPECT_EQ(open_from_amount_reply("/wallet", prompt), std::nullopt);       // a command stays a command
  EXPECT_EQ(open_from_amount_reply("2 SOL please", prompt), std::nullopt);  // not a bare amount
  EXPECT_EQ(open_from_amount_reply("   ", prompt), std::nullopt);
  EXPECT_EQ(open_from_amount_reply("2", "Opened #1 long BONK"), std::nullopt);  // not the prompt
  EXPECT_EQ(open_from_amount_reply("2", "How much SOL? send /open "), std::nullopt);
  // Another message of ours that shows a command (the help) is not the prompt.
  EXPECT_EQ(open_from_amount_reply("thanks", "Commands: /open BONK 1 opens a long"), std::nullopt);
}

}  // namespace
}  // namespace kt::bot
