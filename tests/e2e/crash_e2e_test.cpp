// kill -9 of `kitrader run` in the middle of a burst: after a restart every update is applied
// exactly once (no loss, no double), checked by exact balances, and every applied command's reply
// arrives (re-sent after the restart if the kill came first).
#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "e2e/e2e_fixture.hpp"

namespace kt::e2e {
namespace {

using kt::testing::Fault;

std::size_t count_containing(const std::vector<std::string>& texts, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& t : texts) n += contains(t, needle) ? 1 : 0;
  return n;
}

TEST_F(KitraderRunE2E, kill_9_under_a_burst_then_restart_applies_every_update_exactly_once) {
  constexpr int kUsers = 10;
  constexpr int kOpensEach = 5;
  auto& first = start_polling();
  std::vector<std::int64_t> users;
  for (int u = 0; u < kUsers; ++u) users.push_back(8001 + u);
  for (auto user : users) fake.push_text(user, user, "/start");
  for (int i = 0; i < kOpensEach; ++i) {
    for (auto user : users) fake.push_text(user, user, "/open BONK 1");
  }
  auto all_texts = [&] {
    std::vector<std::string> out;
    for (const auto& c : fake.calls("sendMessage")) out.push_back(c.params.value("text", ""));
    return out;
  };
  ASSERT_TRUE(wait_until([&] { return count_containing(all_texts(), "Opened <b>#") > 0; }, 15s)) << first.err();
  first.signal(SIGKILL);
  ASSERT_TRUE(first.wait_exit(5s).has_value());
  const std::size_t opened_before_kill = count_containing(all_texts(), "Opened <b>#");
  const std::size_t sent_before_kill = all_texts().size();
  EXPECT_LT(opened_before_kill, static_cast<std::size_t>(kUsers * kOpensEach)) << "the kill came after the burst";

  // A poll the killed bot sent just before the kill can still reach the fake after it: wait until
  // the count has settled, so that the call at polls_before is the restarted bot's first.
  auto polls_before = fake.count("getUpdates");
  for (auto settled_since = std::chrono::steady_clock::now();
       std::chrono::steady_clock::now() - settled_since < 300ms;) {
    std::this_thread::sleep_for(20ms);
    if (const auto n = fake.count("getUpdates"); n != polls_before) {
      polls_before = n;
      settled_since = std::chrono::steady_clock::now();
    }
  }
  start_polling();
  ASSERT_GT(fake.count("getUpdates"), polls_before) << "the restarted bot never polled";
  EXPECT_EQ(fake.calls("getUpdates").at(polls_before).params["offset"], 0) << "a restart takes back all unconfirmed";
  for (auto user : users) fake.push_text(user, user, "/wallet");
  auto wallet_of = [&](std::int64_t user) -> std::string {
    for (const auto& t : texts_to(user)) {
      if (contains(t, "<b>Wallet</b>")) return t;
    }
    return "";
  };
  ASSERT_TRUE(wait_until(
      [&] {
        for (auto user : users) {
          if (wallet_of(user).empty()) return false;
        }
        return true;
      },
      30s));
  // No update lost, none applied twice: every user holds exactly 5 positions, 1.0001 SOL each.
  for (auto user : users) {
    const std::string wallet = wallet_of(user);
    EXPECT_TRUE(contains(wallet, "Balance: <b>994.9995 SOL</b>")) << user << ": " << wallet;
    EXPECT_TRUE(contains(wallet, "Open positions: 5")) << user << ": " << wallet;
  }
  // No reply lost (issue 7): every applied open got its "Opened" reply, the ones committed but not
  // delivered at the kill re-sent after the restart. A reply is sent at least once, not exactly
  // once: one that Telegram accepted just before the kill, before its delivery was recorded, is
  // sent again. A chat has at most one call in flight at a time (and each sender thread one), so
  // at most one reply per user repeats, and only replies first sent before the kill.
  std::map<std::string, std::size_t> copies;
  std::map<std::string, std::size_t> copies_before_kill;
  const auto texts = all_texts();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& t = texts[i];
    auto at = t.find("Opened <b>#");
    if (at == std::string::npos) continue;
    const std::string key = t.substr(0, t.find("</b>", at));  // "✅ Opened <b>#N" is unique per position
    ++copies[key];
    if (i < sent_before_kill) ++copies_before_kill[key];
  }
  // A kill between an open's commit and storing its reply leaves only the fact that it was
  // applied: that update gets a note instead of its "Opened" text.
  // Only the opens' notes: a /start killed the same way gets one too.
  std::size_t notes = 0;
  for (const auto& t : texts) {
    notes +=
        contains(t, "<code>/open") && contains(t, "was applied, but the bot restarted before it could answer") ? 1 : 0;
  }
  EXPECT_EQ(copies.size() + notes, static_cast<std::size_t>(kUsers * kOpensEach)) << "an applied open got no reply";
  std::size_t repeated = 0;
  for (const auto& [key, n] : copies) {
    EXPECT_LE(n, 2u) << key;
    if (n > 1) {
      ++repeated;
      EXPECT_EQ(copies_before_kill[key], 1u) << "repeated, but its first copy was not sent before the kill: " << key;
    }
  }
  // Each repeat is of a reply first sent before the kill (checked above). Not bounded per user:
  // a sender marks a reply delivered after Telegram accepted it, and meanwhile another sender may
  // already carry the same chat's next reply, so a chat can have two accepted-but-unmarked replies.
  EXPECT_LE(repeated, opened_before_kill);
  std::cout << "[ info ] opens replied before kill -9: " << opened_before_kill
            << "; replies after restart: " << copies.size() - opened_before_kill + repeated
            << " (of which repeats of a reply accepted just before the kill: " << repeated
            << "); notes for replies never stored: " << notes
            << "; applied opens without any reply: " << kUsers * kOpensEach - copies.size() - notes << "\n";
  RecordProperty("replies_lost_by_kill", static_cast<int>(kUsers * kOpensEach - copies.size() - notes));
  RecordProperty("notes_instead_of_replies", static_cast<int>(notes));
  RecordProperty("replies_repeated_after_kill", static_cast<int>(repeated));
}

// Issue 7: the effect and the update id commit together, the reply is sent afterwards. A kill in
// between leaves the effect (once, correct); the reply, stored with the update id
// (processed_updates.reply) until Telegram accepted it, is re-sent after the restart.
TEST_F(KitraderRunE2E, reply_committed_before_a_kill_is_sent_after_restart) {
  auto& first = start_polling();
  const std::int64_t user = 8101;
  fake.push_text(user, user, "/start");
  ASSERT_TRUE(wait_texts(user, 1));
  fake.inject("sendMessage", Fault::server_error(), -1);  // Telegram unreachable for a moment
  fake.push_text(user, user, "/open BONK 1");
  ASSERT_TRUE(wait_texts(user, 2));  // the reply was attempted: the trade is committed
  first.signal(SIGKILL);
  ASSERT_TRUE(first.wait_exit(5s).has_value());
  fake.clear_faults();
  const auto restarted_at = std::chrono::steady_clock::now();
  start_polling();
  fake.push_text(user, user, "/wallet");
  ASSERT_TRUE(wait_until([&] { return contains(texts_to(user).back(), "<b>Wallet</b>"); }, 10s));
  std::size_t delivered_opened = 0;
  for (const auto& c : messages_to(user)) {
    if (c.at >= restarted_at && contains(c.params.value("text", ""), "Opened <b>#1</b>")) ++delivered_opened;
  }
  EXPECT_TRUE(contains(texts_to(user).back(), "Balance: <b>998.9999 SOL</b>"));
  EXPECT_EQ(delivered_opened, 1u) << "the committed trade's reply never reached the user";
}

}  // namespace
}  // namespace kt::e2e
