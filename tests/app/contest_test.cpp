// Group contests through the Dispatcher: real SQLite, prices replayed from a CSV (so every number
// below is computed by hand), a ManualClock that ends the contest, and a fake "is admin" port.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "app/application.hpp"
#include "bot/dispatcher.hpp"
#include "bot/html.hpp"
#include "fresh_test_dir.hpp"

namespace kt::bot {
namespace {

constexpr std::int64_t kGroup = -100'500;
constexpr std::int64_t kStartSeconds = 1'764'000'000;
// BONK has 5 decimals: 0.0000002 SOL per token is 1/500 lamport per raw unit, so 10 SOL buys exactly
// 5e12 raw units; at the end price 0.00000022 (+10 %) they are worth exactly 11 SOL.
constexpr const char* kBonk = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";

class FakeChatAdmins final : public ChatAdmins {
 public:
  Result<bool> is_chat_admin(std::int64_t chat_id, std::int64_t user) override {
    ++asked;
    if (failing) return retryable("E-TG-5XX", "telegram getChatMember: 502");
    return admins.count({chat_id, user}) > 0;
  }
  std::set<std::pair<std::int64_t, std::int64_t>> admins;
  bool failing = false;
  int asked = 0;
};

class ContestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = kt::testing::fresh_test_dir("kt-contest");
    std::ofstream csv(dir_ / "prices.csv");
    csv << "unix_time,mint,price_sol\n"
        << kStartSeconds << "," << kBonk << ",0.0000002\n"
        << kStartSeconds + 86'400 << "," << kBonk << ",0.00000022\n";
    csv.close();
    config_.database.url = "sqlite://" + (dir_ / "kt.db").string();
    config_.prices.sources = {"replay"};
    config_.prices.replay_file = (dir_ / "prices.csv").string();
    config_.telegram.admins = {900};
    config_.trading.fee_ppm = 0;
    config_.trading.slippage_bps = 0;
    config_.trading.network_fee = Lamports{100'000'000};  // 0.1 SOL
    app_ = build();
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<app::Application> build() {
    auto app = app::Application::build(config_, clock_);
    EXPECT_TRUE(app.ok()) << app.error().message;
    (*app)->dispatcher().set_chat_admins(&admins_);
    return std::move(*app);
  }
  std::vector<Reply> in_chat(std::int64_t chat, std::int64_t user, const std::string& name, const std::string& text,
                             std::optional<std::int64_t> update_id = std::nullopt) {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = chat;
    in.chat_kind = chat < 0 ? ChatKind::kGroup : ChatKind::kPrivate;
    in.username = name;
    in.text = text;
    in.update_id = update_id;
    return app_->dispatcher().handle(in);
  }
  std::string group(std::int64_t user, const std::string& name, const std::string& text) {
    return plain(in_chat(kGroup, user, name, text));
  }
  std::string dm(std::int64_t user, const std::string& name, const std::string& text) {
    return plain(in_chat(user, user, name, text));
  }
  static std::string plain(const std::vector<Reply>& replies) {
    std::string out;
    for (const auto& r : replies) out += html_to_plain(r.html) + "\n";
    return out;
  }
  static bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
  void start_players() {
    for (auto [id, name] : std::vector<std::pair<std::int64_t, std::string>>{
             {1, "alice"}, {2, "bob"}, {3, "carol"}, {4, "dave<b>"}, {5, "eve"}}) {
      dm(id, name, "/start");
    }
    admins_.admins.insert({kGroup, 5});  // eve runs the group
  }

  std::filesystem::path dir_;
  ops::Config config_;
  ManualClock clock_{from_unix_millis(kStartSeconds * 1000)};
  FakeChatAdmins admins_;
  std::unique_ptr<app::Application> app_;
};

TEST_F(ContestTest, only_group_admins_and_bot_admins_start_or_stop_and_only_in_groups) {
  start_players();
  dm(900, "root", "/start");
  EXPECT_TRUE(has(dm(5, "eve", "/contest start 7"), "E-CONTEST-GROUP-ONLY"));
  EXPECT_TRUE(has(group(1, "alice", "/contest start 7"), "E-CONTEST-NOT-ADMIN"));
  admins_.failing = true;
  EXPECT_TRUE(has(group(5, "eve", "/contest start 7"), "E-CONTEST-ADMIN-CHECK"));
  admins_.failing = false;
  EXPECT_TRUE(has(group(5, "eve", "/contest start 0"), "E-CONTEST-DAYS"));
  EXPECT_TRUE(has(group(5, "eve", "/contest start 91"), "E-CONTEST-DAYS"));
  EXPECT_TRUE(has(group(5, "eve", "/contest start seven"), "E-CONTEST-DAYS"));
  EXPECT_TRUE(has(group(5, "eve", "/contest start 7 0.5"), "E-CONTEST-BALANCE"));
  EXPECT_TRUE(has(group(5, "eve", "/contest"), "No contest in this group yet"));
  const std::string started = group(5, "eve", "/contest start 7 100");
  EXPECT_TRUE(has(started, "Contest #1 started")) << started;
  EXPECT_TRUE(has(started, "100 SOL each")) << started;
  EXPECT_TRUE(has(group(5, "eve", "/contest start 3"), "E-CONTEST-RUNNING"));
  EXPECT_TRUE(has(group(1, "alice", "/contest stop"), "E-CONTEST-NOT-ADMIN"));
  // The bot's own admin (telegram.admins) needs no group rights.
  const int asked = admins_.asked;
  EXPECT_TRUE(has(group(900, "root", "/contest stop"), "Contest #1 stopped"));
  EXPECT_EQ(admins_.asked, asked);
  EXPECT_TRUE(has(group(900, "root", "/contest stop"), "E-CONTEST-NONE"));
}

TEST_F(ContestTest, trades_in_the_group_use_the_contest_wallet_and_in_private_the_personal_one) {
  start_players();
  group(5, "eve", "/contest start 7 100");
  const std::string refused = group(1, "alice", "/open " + std::string(kBonk) + " 10");
  EXPECT_TRUE(has(refused, "E-CONTEST-NOT-ENTERED")) << refused;
  EXPECT_TRUE(has(group(1, "alice", "/contest join"), "fresh contest wallet of 100 SOL"));
  EXPECT_TRUE(has(group(1, "alice", "/contest join"), "E-CONTEST-JOINED"));
  const std::string opened = group(1, "alice", "/open " + std::string(kBonk) + " 10");
  EXPECT_TRUE(has(opened, "Contest #1 wallet")) << opened;
  EXPECT_TRUE(has(opened, "Balance 89.9 SOL")) << opened;
  // The personal wallet (1000 SOL by default) is untouched and trades on its own in private.
  const std::string personal = dm(1, "alice", "/wallet");
  EXPECT_FALSE(has(personal, "Contest")) << personal;
  EXPECT_TRUE(has(personal, "Balance: 1,000 SOL") || has(personal, "Balance: 1000 SOL")) << personal;
  EXPECT_TRUE(has(dm(1, "alice", "/positions"), "No open positions")) << dm(1, "alice", "/positions");
  const std::string in_group = group(1, "alice", "/positions");
  EXPECT_TRUE(has(in_group, "Contest #1 wallet")) << in_group;
  EXPECT_TRUE(has(in_group, "#1")) << in_group;
  // A contest wallet cannot be reset, nor its position closed from someone else.
  EXPECT_TRUE(has(group(1, "alice", "/reset"), "E-CONTEST-RESET"));
  EXPECT_TRUE(has(dm(2, "bob", "/close 1"), "E-NO-POSITION"));
  // Closing the contest position works from private chat too, and still says which wallet.
  const std::string closed = dm(1, "alice", "/close 1");
  EXPECT_TRUE(has(closed, "Contest #1 wallet")) << closed;
  // Contest accounts are not users of their own: five people are counted, not six.
  std::int64_t users = 0;
  ASSERT_TRUE(app_->repository()
                  .read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(users, tx.count_users());
                    return {};
                  })
                  .ok());
  EXPECT_EQ(users, 5);
}

TEST_F(ContestTest, the_end_posts_one_final_ranking_by_roi_and_freezes_the_contest_wallets) {
  start_players();
  group(5, "eve", "/contest start 1 100");
  for (auto [id, name] :
       std::vector<std::pair<std::int64_t, std::string>>{{1, "alice"}, {2, "bob"}, {3, "carol"}, {4, "dave<b>"}}) {
    group(id, name, "/contest join");
  }
  const std::string bonk(kBonk);
  group(1, "alice", "/open " + bonk + " 10");    // position #1
  group(3, "carol", "/open " + bonk + " 10");    // #2
  group(3, "carol", "/open " + bonk + " 10");    // #3
  group(4, "dave<b>", "/open " + bonk + " 10");  // #4
  group(4, "dave<b>", "/close 4");
  EXPECT_TRUE(app_->dispatcher().finish_due_contests().empty());

  clock_.advance(std::chrono::hours(24));  // the contest's end; the price is now +10 %
  // Between the end and the check that announces it, the contest wallets are already frozen.
  EXPECT_TRUE(has(group(1, "alice", "/open " + bonk + " 1"), "E-CONTEST-ENDED"));
  const auto rankings = app_->dispatcher().finish_due_contests();
  ASSERT_EQ(rankings.size(), 1u);
  EXPECT_EQ(rankings[0].chat_id, kGroup);
  ASSERT_TRUE(rankings[0].update_id.has_value());
  // carol: 79.8 + 2 × (11 − 0.1) = 101.6; alice: 89.9 + 10.9 = 100.8; bob 100; dave: 89.9 + 9.9 = 99.8.
  const std::string html = rankings[0].html;
  EXPECT_TRUE(has(html, "dave&lt;b&gt;")) << html;
  const std::string text = html_to_plain(html);
  EXPECT_TRUE(has(text, "final ranking")) << text;
  EXPECT_TRUE(has(text, "1. @carol +1.60% (101.6 SOL)")) << text;
  EXPECT_TRUE(has(text, "2. @alice +0.80% (100.8 SOL)")) << text;
  EXPECT_TRUE(has(text, "3. @bob 0.00% (100 SOL)")) << text;
  EXPECT_TRUE(has(text, "4. @dave<b> -0.20% (99.8 SOL)")) << text;
  EXPECT_TRUE(has(text, "valued at the last price")) << text;
  EXPECT_TRUE(app_->dispatcher().finish_due_contests().empty());

  // Frozen but kept: the contest position cannot be closed, the group trades personal wallets again.
  EXPECT_TRUE(has(group(1, "alice", "/close 1"), "E-CONTEST-ENDED"));
  EXPECT_TRUE(has(dm(1, "alice", "/close 1"), "E-CONTEST-ENDED"));
  const std::string personal = group(2, "bob", "/open " + bonk + " 1");
  EXPECT_TRUE(has(personal, "Opened")) << personal;
  EXPECT_FALSE(has(personal, "Contest")) << personal;
  EXPECT_TRUE(has(group(2, "bob", "/contest"), "ended")) << group(2, "bob", "/contest");
  EXPECT_TRUE(has(group(2, "bob", "/contest join"), "E-CONTEST-NONE"));
}

TEST_F(ContestTest, a_contest_that_ended_while_the_bot_was_down_is_announced_once_by_one_of_two_processes) {
  start_players();
  group(5, "eve", "/contest start 1 100");
  group(1, "alice", "/contest join");
  app_.reset();  // the bot goes down before the end
  clock_.advance(std::chrono::hours(30));
  auto first = build();
  auto second = build();
  const auto a = first->dispatcher().finish_due_contests();
  const auto b = second->dispatcher().finish_due_contests();
  EXPECT_EQ(a.size() + b.size(), 1u);
  // Not yet delivered when both stop (a crash before the send): the next start re-sends it once.
  first.reset();
  second.reset();
  auto third = build();
  EXPECT_TRUE(third->dispatcher().finish_due_contests().empty());
  auto resent = third->dispatcher().undelivered_replies(10);
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].chat_id, kGroup);
  EXPECT_TRUE(has(html_to_plain(resent[0].html), "1. @alice 0.00% (100 SOL)")) << resent[0].html;
  third->dispatcher().reply_delivered(*resent[0].update_id);
  third.reset();
  auto fourth = build();
  EXPECT_TRUE(fourth->dispatcher().undelivered_replies(10).empty());
  EXPECT_TRUE(fourth->dispatcher().finish_due_contests().empty());
}

TEST_F(ContestTest, a_stopped_contest_is_announced_at_the_next_check_and_orders_of_its_wallets_are_cancelled) {
  start_players();
  int woken = 0;
  app_->dispatcher().set_contest_stopped_listener([&] { ++woken; });
  group(5, "eve", "/contest start 7 100");
  group(1, "alice", "/contest join");
  const std::string placed = group(1, "alice", "/limit " + std::string(kBonk) + " 5 0.0000001");
  EXPECT_TRUE(has(placed, "Contest #1 wallet")) << placed;
  EXPECT_TRUE(has(group(5, "eve", "/contest stop"), "stopped"));
  EXPECT_EQ(woken, 1);
  EXPECT_TRUE(has(group(1, "alice", "/open " + std::string(kBonk) + " 1"), "Opened"));  // personal again
  const auto rankings = app_->dispatcher().finish_due_contests();
  ASSERT_EQ(rankings.size(), 1u);
  EXPECT_TRUE(has(html_to_plain(rankings[0].html), "1. @alice 0.00% (100 SOL)")) << rankings[0].html;
  std::vector<Order> pending;
  ASSERT_TRUE(app_->repository()
                  .read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(const auto entry, tx.contest_entry(1, UserId{1}));
                    if (!entry) return not_found("E-TEST", "alice is not entered");
                    KT_TRY(pending, tx.orders_of_user(entry->account, true, -1));
                    return {};
                  })
                  .ok());
  EXPECT_TRUE(pending.empty());
}

TEST_F(ContestTest, a_contest_trade_reply_lost_in_a_crash_is_re_sent_with_its_contest_wallet_label) {
  start_players();
  group(5, "eve", "/contest start 7 100");
  group(1, "alice", "/contest join");
  // The reply is stored inside the trade's transaction: it must be the one sent, label included.
  const auto opened = in_chat(kGroup, 1, "alice", "/open " + std::string(kBonk) + " 10", 301);
  ASSERT_EQ(opened.size(), 1u);
  ASSERT_TRUE(has(plain(opened), "Contest #1 wallet")) << plain(opened);
  EXPECT_EQ(opened[0].update_id, std::optional<std::int64_t>(301));
  const auto closed = in_chat(kGroup, 1, "alice", "/close 1", 302);
  ASSERT_TRUE(has(plain(closed), "Contest #1 wallet")) << plain(closed);
  app_.reset();  // crash before either was delivered
  app_ = build();
  const auto resent = app_->dispatcher().undelivered_replies(10);
  ASSERT_EQ(resent.size(), 2u);
  EXPECT_EQ(resent[0].chat_id, kGroup);
  EXPECT_EQ(resent[0].html, opened[0].html);
  EXPECT_EQ(resent[0].buttons.size(), opened[0].buttons.size());
  EXPECT_EQ(resent[1].html, closed[0].html);
  EXPECT_TRUE(in_chat(kGroup, 1, "alice", "/open " + std::string(kBonk) + " 10", 301).empty()) << "queued at start";
}

}  // namespace
}  // namespace kt::bot
