// The Bot API misbehaving while pacing is ON (as in production): 429 storms with retry_after,
// 5xx answers and slow answers. Every command still gets its one reply (nothing lost, nothing
// twice), a private chat never gets two sends less than a second apart, and over all chats the
// sends stay inside the 30/s token bucket (≤ 30 + 30·t in any window of t seconds).
#include <algorithm>

#include "e2e/e2e_fixture.hpp"
#include "faults/ledger_check.hpp"

namespace kt::e2e {
namespace {

using kt::testing::Fault;

class BotApiFault : public KitraderRunE2E {};

TEST_F(BotApiFault, storms_of_429_5xx_and_slow_answers_lose_no_reply_and_respect_pacing) {
  constexpr int kUsers = 45;  // more than the global bucket's 30 at once
  const auto t0 = std::chrono::steady_clock::now();
  start({{"KITRADER_TELEGRAM_PACING_ENABLED", "true"}});
  ASSERT_TRUE(fake.wait_for("getUpdates", 1, 10s));
  std::vector<std::int64_t> users;
  for (int u = 0; u < kUsers; ++u) users.push_back(6001 + u);
  fake.inject("sendMessage", Fault::too_many_requests(1), 6);  // a storm: the first six sends
  fake.inject("sendMessage", Fault::server_error(), 4);
  fake.inject("sendMessage", Fault::slow(400ms), 4);
  std::set<std::int64_t> served;
  for (auto user : users) served.insert(fake.push_text(user, user, "/start"));
  for (auto user : users) served.insert(fake.push_text(user, user, "/wallet"));
  // Two replies per user: /start's welcome and the wallet.
  ASSERT_TRUE(wait_until(
      [&] {
        for (auto user : users) {
          auto texts = texts_to(user);  // a faulted attempt and its retry carry the same text
          if (std::set<std::string>(texts.begin(), texts.end()).size() < 2) return false;
        }
        return true;
      },
      40s))
      << "a reply was lost";

  const auto calls = fake.calls("sendMessage");
  // Faulted attempts are retried: count deliveries as the last attempt per (chat, text).
  std::map<std::int64_t, std::vector<std::chrono::steady_clock::time_point>> per_chat;
  std::vector<std::chrono::steady_clock::time_point> all;
  for (const auto& c : calls) {
    if (c.at < t0) continue;
    per_chat[c.params.value("chat_id", std::int64_t{0})].push_back(c.at);
    all.push_back(c.at);
  }
  std::size_t min_gap_ms = 1'000'000;
  for (const auto& [chat, times] : per_chat) {
    for (std::size_t i = 1; i < times.size(); ++i) {
      const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(times[i] - times[i - 1]).count();
      min_gap_ms = std::min<std::size_t>(min_gap_ms, static_cast<std::size_t>(gap));
      EXPECT_GE(gap, 950) << "chat " << chat << ": two sends " << gap << " ms apart";
    }
  }
  std::sort(all.begin(), all.end());
  double worst_excess = -1e9;
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = i; j < all.size(); ++j) {
      const double t = std::chrono::duration<double>(all[j] - all[i]).count();
      const double allowed = 30.0 + 30.0 * t + 1.0;  // bucket of 30, +1 for the first token's rounding
      worst_excess = std::max(worst_excess, static_cast<double>(j - i + 1) - allowed);
    }
  }
  EXPECT_LE(worst_excess, 0.0) << "more sends than the 30/s bucket allows";
  // Exactly two deliveries per user: no duplicate after a 5xx or a slow answer.
  for (auto user : users) {
    auto texts = texts_to(user);
    std::set<std::string> distinct(texts.begin(), texts.end());
    EXPECT_EQ(distinct.size(), 2u) << user;
  }
  const double span = std::chrono::duration<double>(all.back() - all.front()).count();
  std::cout << "[ info ] " << all.size() << " send attempts to " << per_chat.size() << " chats over " << span
            << " s; smallest per-chat gap " << min_gap_ms << " ms\n";
  processes.back()->signal(SIGTERM);
  processes.back()->wait_exit(10s);
  faults::DatabaseView db(dir.path() / "kitrader.db");
  EXPECT_EQ(db.processed_updates(), served);
  for (const auto& w : db.wallets()) EXPECT_EQ(w.balance, w.initial + w.ledger_sum) << w.telegram_id;
}

}  // namespace
}  // namespace kt::e2e
