// The Bot API misbehaving while pacing is ON (as in production): 429 storms with retry_after,
// 5xx answers and slow answers. Every command still gets its one reply (nothing lost, nothing
// twice), a private chat never gets two sends less than a second apart, and over all chats the
// sends stay inside the 30/s token bucket (≤ 30 + 30·t in any window of t seconds). Then getUpdates
// itself answering 429, 5xx and slowly under load.
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
      // Bucket of 30, +1 for the first token's rounding. Times are the fake's receive times: on a
      // loaded machine a send the pacer released on time can arrive up to ~0.2 s late and bunch
      // with the next ones, so allow that much jitter (6 messages; an unpaced burst is far more).
      const double allowed = 30.0 + 30.0 * (t + 0.2) + 1.0;
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

// getUpdates itself failing under load: a 429 with retry_after, then a 502, then a slow answer,
// while users keep sending. The poller waits as told (≥ retry_after, then its back-off) and, once
// Telegram answers again, takes every update once: none lost, none applied or answered twice.
TEST_F(BotApiFault, get_updates_answering_429_5xx_and_slowly_under_load_loses_and_repeats_nothing) {
  constexpr int kUsers = 20;
  start_polling();
  std::vector<std::int64_t> users;
  for (int u = 0; u < kUsers; ++u) users.push_back(6101 + u);
  std::set<std::int64_t> served;
  std::map<std::int64_t, std::size_t> sent, opens;
  for (auto user : users) {
    served.insert(fake.push_text(user, user, "/start"));
    ++sent[user];
  }
  ASSERT_TRUE(wait_until([&] { return fake.count("sendMessage") >= users.size(); }, 20s));

  const auto injected_at = std::chrono::steady_clock::now();
  fake.inject("getUpdates", Fault::too_many_requests(3), 1);  // longer than the poller's own 1 s back-off
  fake.inject("getUpdates", Fault::server_error(), 1);
  fake.inject("getUpdates", Fault::slow(600ms), 1);
  // A steady stream while Telegram misbehaves: one command every 10 ms for about 3 s.
  for (int i = 0; i < 300; ++i) {
    const auto user = users[static_cast<std::size_t>(i) % users.size()];
    const bool open = i % 3 != 2;
    served.insert(fake.push_text(user, user, open ? "/open BONK 0.1" : "/wallet"));
    ++sent[user];
    opens[user] += open ? 1 : 0;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(wait_until(
      [&] {
        for (auto user : users) {
          if (texts_to(user).size() < sent[user]) return false;
        }
        return true;
      },
      40s))
      << "a reply was lost";

  // The waits: the poller asked again no sooner than retry_after (3 s) after the 429 and than its
  // back-off (2 s after a second failure in a row) after the 502.
  std::vector<std::chrono::steady_clock::time_point> polls;
  for (const auto& c : fake.calls("getUpdates")) {
    if (c.at >= injected_at) polls.push_back(c.at);
  }
  std::vector<long> gaps_ms;
  for (std::size_t i = 1; i < polls.size(); ++i) {
    gaps_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(polls[i] - polls[i - 1]).count());
  }
  std::sort(gaps_ms.rbegin(), gaps_ms.rend());
  ASSERT_GE(gaps_ms.size(), 3u);
  EXPECT_GE(gaps_ms[0], 2950) << "retry_after of the 429 not honoured";
  EXPECT_GE(gaps_ms[1], 1950) << "no back-off after the 502 following the 429";
  std::cout << "[ info ] " << served.size() << " updates during the getUpdates faults; longest poll gaps " << gaps_ms[0]
            << " ms and " << gaps_ms[1] << " ms\n";
  // Exactly one reply per command (nothing doubled by a retried poll).
  for (auto user : users) EXPECT_EQ(texts_to(user).size(), sent[user]) << "user " << user;
  processes.back()->signal(SIGTERM);
  processes.back()->wait_exit(10s);
  faults::DatabaseView db(dir.path() / "kitrader.db");
  EXPECT_EQ(db.processed_updates(), served);
  for (const auto& [update, entries] : db.ledger_entries_per_update()) EXPECT_EQ(entries, 1) << update;
  for (const auto& w : db.wallets()) {
    EXPECT_EQ(w.balance, w.initial + w.ledger_sum) << w.telegram_id;
    EXPECT_EQ(w.positions, static_cast<std::int64_t>(opens[w.telegram_id])) << w.telegram_id;
  }
}

}  // namespace
}  // namespace kt::e2e
