// Table-driven hostile input: every row is refused with a specific code (by the parser, or by the
// Dispatcher once it knows the token), every reply is well-formed Telegram HTML with the input
// escaped, and nothing changes: the wallet keeps 1000 SOL, its ledger stays empty, no position.
#include <gtest/gtest.h>

#include <regex>

#include "app/application.hpp"
#include "bot/commands.hpp"
#include "bot/dispatcher.hpp"
#include "storage/repository.hpp"

namespace kt::bot {
namespace {

constexpr std::int64_t kUser = 4242;
constexpr std::int64_t kAdmin = 900;
const std::string kMint = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";  // demo BONK

struct Hostile {
  std::string name;
  std::string text;
  std::string code;            ///< expected code in the reply
  bool parser_refuses = true;  ///< refused by parse_message itself (else by the dispatcher)
};

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<Hostile> hostile_inputs() {
  const std::string zwsp = "\u200b", rlo = "\u202e", arabic_one = "\u0661", fullwidth_one = "\uff11";
  return {
      {"huge_size", "/open BONK 99999999999999999999999", "E-USAGE"},
      {"size_above_int64_lamports", "/open BONK 9223372036854775807", "E-USAGE"},
      {"negative_size", "/open BONK -1", "E-USAGE"},
      {"zero_size", "/open BONK 0", "E-MIN-SIZE", false},  // a well-formed amount, below the minimum
      {"nan_size", "/open BONK nan", "E-USAGE"},
      {"inf_size", "/open BONK inf", "E-USAGE"},
      {"exponent_size", "/open BONK 1e3", "E-USAGE"},
      {"hex_size", "/open BONK 0x10", "E-USAGE"},
      {"ten_decimals", "/open BONK 0.0000000001", "E-USAGE"},
      {"arabic_indic_digit_size", "/open BONK " + arabic_one, "E-USAGE"},
      {"fullwidth_digit_size", "/open BONK " + fullwidth_one, "E-USAGE"},
      {"comma_decimal", "/open BONK 1,5", "E-USAGE"},
      {"sql_in_size", "/open BONK 1;DROP TABLE users", "E-USAGE"},
      {"sql_in_position_id", "/close 1'--", "E-USAGE"},
      {"negative_position", "/close -1", "E-USAGE"},
      {"huge_position_id", "/close 99999999999999999999", "E-USAGE"},
      {"close_percent_over_100", "/close 1 101%", "E-USAGE"},
      {"close_percent_nan", "/close 1 nan%", "E-USAGE"},
      {"arabic_indic_position", "/close " + arabic_one, "E-USAGE"},
      {"too_many_args", "/open BONK 1 long extra", "E-USAGE"},
      {"html_in_side", "/open BONK 1 <b>long</b>", "E-USAGE"},
      {"limit_nan_price", "/limit BONK 1 nan", "E-USAGE"},
      {"limit_exponent_price", "/limit BONK 1 1e-9", "E-USAGE"},
      {"trail_negative", "/trail 1 -5%", "E-USAGE"},
      {"trail_over_90_percent", "/trail 1 200%", "E-USAGE"},
      {"command_typo", "/opne BONK 1", "E-UNKNOWN-COMMAND"},
      {"nul_inside_the_command", std::string("/open\0BONK 1", 12), "E-USAGE"},
      {"escape_sequence_in_size", "/open BONK 1\x1b[2J", "E-USAGE"},
      // n · 3600 overflowed int64 before the range check (found by fuzz/bot); now refused up front.
      {"expiry_overflowing_int64", "/limit BONK 1 0.00003 1000000001000000002h", "E-USAGE"},
      {"expiry_wrapping_into_range", "/tp 1 +50% 5124095576030432d", "E-USAGE"},
      {"long_argument_4096", "/close " + std::string(4096, '9'), "E-USAGE"},
      {"setrole_bad_role", "/setrole @x <script>", "E-USAGE"},
      // The grammar accepts a token word; the dispatcher refuses what is not a token.
      {"sql_with_spaces", "/price ';DROP TABLE positions;--", "E-USAGE"},
      {"sql_as_token", "/price ';DROP/**/TABLE/**/positions;--", "E-TOKEN", false},
      {"sql_union_as_symbol", "/info x'UNION/**/SELECT/**/telegram_id/**/FROM/**/users--", "E-TOKEN", false},
      {"html_as_token", "/info <script>alert(1)</script>", "E-TOKEN", false},
      {"markdown_as_token", "/price *bold*_[x](http://evil)", "E-TOKEN", false},
      {"long_token_4096", "/price " + std::string(4096, 'A'), "E-TOKEN", false},
      {"zero_width_in_address", "/open " + kMint.substr(0, 10) + zwsp + kMint.substr(10) + " 1", "E-TOKEN", false},
      {"rtl_override_in_address", "/open " + rlo + kMint + " 1", "E-TOKEN", false},
      {"fullwidth_address", "/info " + repeat(fullwidth_one, 44), "E-TOKEN", false},
  };
}

/// Only the tags Telegram's HTML mode allows, and every '&' starting an entity.
bool well_formed_telegram_html(const std::string& html) {
  static const std::regex tag(R"(^</?(b|i|u|s|code|pre|a)( href="[^"<>]*")?>)");
  static const std::regex entity(R"(^&(lt|gt|amp|quot|#\d+);)");
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<' && !std::regex_search(html.substr(i, 200), tag)) return false;
    if (html[i] == '&' && !std::regex_search(html.substr(i, 12), entity)) return false;
  }
  return true;
}

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ops::Config config;
    config.database.url = "sqlite::memory:";
    config.prices.sources = {"demo"};
    config.telegram.admins = {kAdmin};
    auto app = app::Application::build(config, clock_);
    ASSERT_TRUE(app.ok()) << app.error().message;
    app_ = std::move(*app);
    ASSERT_EQ(say(kUser, "/start").size(), 1u);
  }

  std::vector<Reply> say(std::int64_t user, const std::string& text, const std::string& username = "alice") {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = user;
    in.username = username;
    in.text = text;
    in.update_id = ++update_id_;
    return app_->dispatcher().handle(in);
  }

  struct State {
    Lamports balance;
    Lamports ledger_sum;
    std::int64_t open_positions = 0;
    std::int64_t orders = 0;
  };
  State state_of(std::int64_t telegram_id) {
    State s;
    auto r = app_->repository().read([&](storage::Transaction& tx) -> Result<void> {
      KT_TRY(auto user, tx.find_user_by_telegram_id(TelegramUserId{telegram_id}));
      if (!user) return not_found("E-TEST", "no user");
      KT_TRY(Wallet w, tx.get_wallet(user->id));
      s.balance = w.balance;
      KT_TRY(s.ledger_sum, tx.ledger_sum(user->id));
      KT_TRY(s.open_positions, tx.count_open_positions(user->id));
      KT_TRY(auto orders, tx.orders_of_user(user->id, false, -1));
      s.orders = static_cast<std::int64_t>(orders.size());
      return ok_result();
    });
    EXPECT_TRUE(r.ok()) << r.error().message;
    return s;
  }

  ManualClock clock_{from_unix_millis(1'764'000'000'000)};
  std::unique_ptr<app::Application> app_;
  std::int64_t update_id_ = 1000;
};

TEST_F(HostileInput, every_hostile_command_is_refused_with_its_code_and_changes_nothing) {
  for (const auto& h : hostile_inputs()) {
    SCOPED_TRACE(h.name);
    auto parsed = parse_message(h.text);
    ASSERT_TRUE(parsed.has_value()) << "a command is addressed to the bot";
    if (h.parser_refuses) {
      EXPECT_FALSE(parsed->ok()) << "the parser accepted it";
      if (!parsed->ok()) {
        EXPECT_EQ(parsed->error().code, h.code) << parsed->error().message;
        EXPECT_LT(parsed->error().message.size(), 400u) << "the message quotes at most a short piece of the input";
        EXPECT_NE(parsed->error().message.find("e.g. /"), std::string::npos) << "a hint with an example";
      }
    } else {
      EXPECT_TRUE(parsed->ok()) << parsed->error().message;
    }
    const auto replies = say(kUser, h.text);
    EXPECT_EQ(replies.size(), 1u);
    if (replies.empty()) continue;
    EXPECT_NE(replies[0].html.find("(" + h.code + ")"), std::string::npos) << replies[0].html.substr(0, 300);
    EXPECT_TRUE(well_formed_telegram_html(replies[0].html)) << replies[0].html;
    EXPECT_LT(replies[0].html.size(), 4096u) << "fits one Telegram message";
    const State s = state_of(kUser);
    EXPECT_EQ(s.balance, Lamports::from_sol(1000));
    EXPECT_EQ(s.ledger_sum, Lamports{0});
    EXPECT_EQ(s.open_positions, 0);
    EXPECT_EQ(s.orders, 0);
  }
}

TEST_F(HostileInput, html_in_a_username_is_escaped_in_every_reply_that_shows_it) {
  const std::string evil = "<b>x</b>&<a href=\"javascript:1\">";
  for (const auto& r : say(5001, "/start", evil)) EXPECT_TRUE(well_formed_telegram_html(r.html)) << r.html;
  for (const auto& r : say(5001, "/wallet", evil)) EXPECT_TRUE(well_formed_telegram_html(r.html)) << r.html;
  const auto users = say(kAdmin, "/users", "admin");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_TRUE(well_formed_telegram_html(users[0].html)) << users[0].html;
  EXPECT_EQ(users[0].html.find("<a href=\"javascript"), std::string::npos) << users[0].html;
  const auto role = say(kAdmin, "/setrole @" + evil + " premium", "admin");
  ASSERT_EQ(role.size(), 1u);
  EXPECT_TRUE(well_formed_telegram_html(role[0].html)) << role[0].html;
}

TEST_F(HostileInput, html_in_a_stored_token_symbol_is_escaped_in_positions_and_cards) {
  // A token name or symbol is data from a price API: store one hostile position directly.
  const std::string evil_symbol = "<i>PWN</i>&amp<script>";
  auto r = app_->repository().write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(auto user, tx.find_user_by_telegram_id(TelegramUserId{kUser}));
    KT_TRY(Mint mint, Mint::parse(kMint));
    KT_TRY(Price price, Price::from_ratio(3, 2000));
    Position p;
    p.user = user->id;
    p.mint = mint;
    p.symbol = evil_symbol;
    p.decimals = 5;
    p.qty_raw = 1'000'000;
    p.initial_qty_raw = p.qty_raw;
    p.cost = Lamports{1'500};
    p.initial_cost = p.cost;
    p.entry_notional = p.cost;
    p.entry_price = price;
    p.opened_at = clock_.now();
    p.source = "demo";
    KT_TRY(Position stored, tx.insert_position(p));
    (void)stored;
    return ok_result();
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const std::string cmd : {"/positions", "/wallet", "/history"}) {
    for (const auto& reply : say(kUser, cmd)) {
      EXPECT_TRUE(well_formed_telegram_html(reply.html)) << cmd << ": " << reply.html;
      EXPECT_EQ(reply.html.find("<script>"), std::string::npos) << cmd;
    }
  }
}

/// The demo market's prices under an attacker's name and symbol: a token's metadata is whatever
/// its creator wrote, and price APIs pass it on.
class HostileTokenNames final : public engine::QuoteProvider {
 public:
  HostileTokenNames(engine::QuoteProvider& inner, std::string name) : inner_(inner), name_(std::move(name)) {}
  Result<Quote> quote(const Mint& mint, TimePoint now) override { return inner_.quote(mint, now); }
  Result<TokenInfo> token_info(const Mint& mint, TimePoint now) override {
    KT_TRY(TokenInfo info, inner_.token_info(mint, now));
    info.name = name_;
    info.symbol = name_;
    return info;
  }
  std::optional<Mint> resolve_symbol(const std::string& upper_symbol) const override {
    return inner_.resolve_symbol(upper_symbol);
  }

 private:
  engine::QuoteProvider& inner_;
  std::string name_;
};

TEST_F(HostileInput, html_in_a_token_name_is_escaped_in_the_card_positions_wallet_leaderboard_and_contest) {
  const std::string evil = "<b>x</b>&";
  const std::string escaped = "&lt;b&gt;x&lt;/b&gt;&amp;";
  HostileTokenNames names(app_->prices(), evil);
  Dispatcher bot({app_->repository(), app_->accounts(), app_->trading(), app_->portfolio(), app_->orders(),
                  app_->contests(), names, clock_});
  constexpr std::int64_t kGroup = -100'777;
  constexpr std::int64_t kTrader = 5002;  // registered under the hostile name below
  std::int64_t next_update = 50'000;
  std::vector<std::pair<std::string, Reply>> seen;  // what was asked, each reply
  std::size_t naming_the_token = 0;
  auto check = [&](const std::string& what, const std::vector<Reply>& replies) {
    EXPECT_FALSE(replies.empty()) << what;
    for (const auto& r : replies) {
      SCOPED_TRACE(what);
      EXPECT_TRUE(well_formed_telegram_html(r.html)) << r.html;
      EXPECT_EQ(r.html.find(evil), std::string::npos) << r.html;
      EXPECT_EQ(r.html.find("<b>x</b>"), std::string::npos) << r.html;
      naming_the_token += r.html.find(escaped) != std::string::npos ? 1 : 0;
      seen.emplace_back(what, r);
    }
    return replies;
  };
  auto in_chat = [&](std::int64_t user, std::int64_t chat, const std::string& text) {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = chat;
    in.chat_kind = chat < 0 ? ChatKind::kGroup : ChatKind::kPrivate;
    in.username = evil;  // the user's name is attacker-controlled too
    in.text = text;
    in.update_id = ++next_update;
    return check(text, bot.handle(in));
  };
  auto press = [&](std::int64_t user, const std::string& data) {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = user;
    in.username = evil;
    in.callback_data = data;
    in.callback_query_id = "cb" + std::to_string(next_update);
    in.message_id = 77;
    in.update_id = ++next_update;
    return check(data, bot.handle(in));
  };

  in_chat(kTrader, kTrader, "/start");
  // A pasted mint: the card, then its "Buy 1 SOL" button.
  const auto card = in_chat(kTrader, kTrader, kMint);
  ASSERT_EQ(card.size(), 1u);
  EXPECT_NE(card[0].html.find("<b>" + escaped + "</b> (" + escaped + ")"), std::string::npos) << card[0].html;
  ASSERT_EQ(card[0].buttons.size(), 2u);
  press(kTrader, card[0].buttons[0][2].callback_data);  // b:<mint>:1 → position #1
  in_chat(kTrader, kTrader, "/open " + kMint + " 2");   // #2
  for (const auto& cmd :
       std::vector<std::string>{"/positions", "/wallet", "/history", "/price " + kMint, "/info " + kMint,
                                "/ta " + kMint, "/chart " + kMint, "/tp 1 +50%", "/orders"}) {
    in_chat(kTrader, kTrader, cmd);
  }
  press(kTrader, "p:1");
  press(kTrader, "r:1");
  press(kTrader, "c:1:50");
  press(kTrader, "c:1:100");
  press(kTrader, "k:1");  // the PnL card's caption
  in_chat(kTrader, kTrader, "/pnl");
  in_chat(kTrader, kTrader, "/positions closed");

  // In a group: the leaderboard, and a contest from its start to its final ranking.
  in_chat(kTrader, kGroup, "/open " + kMint + " 1");
  in_chat(kTrader, kGroup, "/top");
  ASSERT_EQ(say(kAdmin, "/start", "admin").size(), 1u);
  Incoming start_contest;
  start_contest.telegram_user_id = kAdmin;
  start_contest.chat_id = kGroup;
  start_contest.chat_kind = ChatKind::kGroup;
  start_contest.username = "admin";
  start_contest.text = "/contest start 1";
  start_contest.update_id = ++next_update;
  check("/contest start", bot.handle(start_contest));
  in_chat(kTrader, kGroup, "/contest join");
  in_chat(kTrader, kGroup, "/open " + kMint + " 1");
  in_chat(kTrader, kGroup, "/positions");
  in_chat(kTrader, kGroup, "/contest");
  clock_.advance(std::chrono::hours(25));
  check("final ranking", bot.finish_due_contests());

  // The token's name showed up (escaped) in the card, the trades, the lists and the captions.
  EXPECT_GE(naming_the_token, 15u);
  for (const auto& [what, r] : seen) {
    if (what == "final ranking" || what == "/top") {
      EXPECT_NE(r.html.find("@" + escaped), std::string::npos) << what << ": " << r.html;
    }
  }
}

TEST_F(HostileInput, the_html_checker_itself_rejects_raw_tags_and_bare_ampersands) {
  EXPECT_TRUE(well_formed_telegram_html("<b>ok</b> &lt;x&gt; &amp; <a href=\"https://x\">l</a>"));
  EXPECT_FALSE(well_formed_telegram_html("<script>"));
  EXPECT_FALSE(well_formed_telegram_html("a & b"));
  EXPECT_FALSE(well_formed_telegram_html("<b onclick=\"x\">"));
}

}  // namespace
}  // namespace kt::bot
