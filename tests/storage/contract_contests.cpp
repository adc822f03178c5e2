// Repository contract, migration 0004: group contests, their entries and contest accounts.
#include <vector>

#include "storage/contract_helpers.hpp"
#include "storage/contract_suite.hpp"

namespace kt::storage::contract {
namespace {

constexpr std::int64_t kChat = -1'001'234'567'890;

ContestRecord contest(UserId by, TimePoint started, TimePoint ends) {
  ContestRecord c;
  c.chat_id = kChat;
  c.started_by = by;
  c.starting_balance = Lamports{100'000'000'000};
  c.started_at = started;
  c.ends_at = ends;
  return c;
}

TEST_P(RepositoryContract, contests_round_trip_and_the_latest_of_a_chat_is_found) {
  const User a = add_user(repo(), 1001, 100);
  auto none = read_result(repo(), [](Transaction& tx) { return tx.latest_contest(kChat); });
  ASSERT_TRUE(none.ok()) << why(none);
  EXPECT_FALSE(none->has_value());
  auto first = write_result(repo(), [&](Transaction& tx) { return tx.insert_contest(contest(a.id, at(0), at(1000))); });
  ASSERT_TRUE(first.ok()) << why(first);
  EXPECT_GT(first->id, 0);
  // End the first one (stored with both optional times), then start a second in the same chat.
  ContestRecord ended = *first;
  ended.status = "ended";
  ended.ended_at = at(500);
  ended.announced_at = at(600);
  ASSERT_TRUE(write_result(repo(), [&](Transaction& tx) { return tx.update_contest(ended); }).ok());
  auto second =
      write_result(repo(), [&](Transaction& tx) { return tx.insert_contest(contest(a.id, at(700), at(9000))); });
  ASSERT_TRUE(second.ok()) << why(second);
  EXPECT_GT(second->id, first->id);

  auto read = read_result(repo(), [&](Transaction& tx) -> Result<std::vector<std::optional<ContestRecord>>> {
    KT_TRY(auto latest, tx.latest_contest(kChat));
    KT_TRY(auto old, tx.find_contest(first->id, false));
    KT_TRY(auto missing, tx.find_contest(second->id + 100, false));
    KT_TRY(auto other_chat, tx.latest_contest(42));
    return std::vector<std::optional<ContestRecord>>{latest, old, missing, other_chat};
  });
  ASSERT_TRUE(read.ok()) << why(read);
  ASSERT_TRUE((*read)[0].has_value());
  EXPECT_EQ((*read)[0]->id, second->id);
  EXPECT_EQ((*read)[0]->status, "running");
  EXPECT_FALSE((*read)[0]->ended_at.has_value());
  EXPECT_FALSE((*read)[0]->announced_at.has_value());
  EXPECT_EQ((*read)[0]->ends_at, at(9000));
  EXPECT_EQ((*read)[0]->started_by, a.id);
  EXPECT_EQ((*read)[0]->starting_balance, Lamports{100'000'000'000});
  ASSERT_TRUE((*read)[1].has_value());
  EXPECT_EQ((*read)[1]->status, "ended");
  EXPECT_EQ((*read)[1]->ended_at, at(500));
  EXPECT_EQ((*read)[1]->announced_at, at(600));
  EXPECT_FALSE((*read)[2].has_value());
  EXPECT_FALSE((*read)[3].has_value());

  ContestRecord ghost = *second;
  ghost.id += 100;
  auto missing = write_result(repo(), [&](Transaction& tx) { return tx.update_contest(ghost); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_P(RepositoryContract, a_chat_has_at_most_one_running_contest) {
  const User a = add_user(repo(), 1001, 100);
  ASSERT_TRUE(
      write_result(repo(), [&](Transaction& tx) { return tx.insert_contest(contest(a.id, at(0), at(10))); }).ok());
  auto second = write_result(repo(), [&](Transaction& tx) { return tx.insert_contest(contest(a.id, at(1), at(10))); });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "E-STORAGE");
  ContestRecord elsewhere = contest(a.id, at(1), at(10));
  elsewhere.chat_id = kChat + 1;
  EXPECT_TRUE(write_result(repo(), [&](Transaction& tx) { return tx.insert_contest(elsewhere); }).ok());
}

TEST_P(RepositoryContract, contests_to_finish_are_the_overdue_running_and_the_unannounced_ended) {
  const User a = add_user(repo(), 1001, 100);
  auto ids = write_result(repo(), [&](Transaction& tx) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> out;
    for (int i = 0; i < 4; ++i) {
      ContestRecord c = contest(a.id, at(0), at(100 + i * 100));
      c.chat_id = kChat - i;
      if (i == 2) {
        c.status = "ended";  // stopped early, not yet announced
        c.ended_at = at(50);
      }
      if (i == 3) {
        c.status = "ended";  // done
        c.ended_at = at(60);
        c.announced_at = at(70);
      }
      KT_TRY(const ContestRecord stored, tx.insert_contest(c));
      out.push_back(stored.id);
    }
    return out;
  });
  ASSERT_TRUE(ids.ok()) << why(ids);
  auto due = [&](std::int64_t t) {
    std::vector<std::int64_t> out;
    auto r = read_result(repo(), [&](Transaction& tx) { return tx.contests_to_finish(at(t)); });
    EXPECT_TRUE(r.ok()) << why(r);
    if (r.ok()) {
      for (const auto& c : *r) out.push_back(c.id);
    }
    return out;
  };
  // ends_at: 100, 200 (running), 300 (ended early), 400 (announced).
  EXPECT_EQ(due(99), (std::vector<std::int64_t>{(*ids)[2]}));
  EXPECT_EQ(due(100), (std::vector<std::int64_t>{(*ids)[0], (*ids)[2]}));
  EXPECT_EQ(due(10'000), (std::vector<std::int64_t>{(*ids)[0], (*ids)[1], (*ids)[2]}));
}

TEST_P(RepositoryContract, contest_entries_link_a_user_to_a_contest_account) {
  const User a = add_user(repo(), 1001, 100);
  const User b = add_user(repo(), 1002, 100);
  // Contest accounts: users rows with a negative telegram id, not counted or listed as users.
  const User a_account = add_user(repo(), -4'294'967'297, 50);
  const User b_account = add_user(repo(), -4'294'967'298, 50);
  auto c = write_result(repo(), [&](Transaction& tx) { return tx.insert_contest(contest(a.id, at(0), at(1000))); });
  ASSERT_TRUE(c.ok()) << why(c);
  auto entered = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.insert_contest_entry({c->id, b.id, b_account.id, at(5)}));
    return tx.insert_contest_entry({c->id, a.id, a_account.id, at(5)});
  });
  ASSERT_TRUE(entered.ok()) << why(entered);
  auto twice = write_result(repo(), [&](Transaction& tx) {
    return tx.insert_contest_entry({c->id, a.id, b_account.id, at(6)});
  });
  EXPECT_FALSE(twice.ok());

  struct Seen {
    std::vector<ContestEntryRecord> all;
    std::optional<ContestEntryRecord> of_a, of_account, of_personal;
    std::int64_t users = 0;
    std::vector<User> listed;
  };
  auto seen = read_result(repo(), [&](Transaction& tx) -> Result<Seen> {
    Seen s;
    KT_TRY(s.all, tx.contest_entries(c->id));
    KT_TRY(s.of_a, tx.contest_entry(c->id, a.id));
    KT_TRY(s.of_account, tx.contest_entry_of_account(b_account.id));
    KT_TRY(s.of_personal, tx.contest_entry_of_account(a.id));
    KT_TRY(s.users, tx.count_users());
    KT_TRY(s.listed, tx.list_users(0, 10));
    return s;
  });
  ASSERT_TRUE(seen.ok()) << why(seen);
  ASSERT_EQ(seen->all.size(), 2u);  // same joined_at: by user id
  EXPECT_EQ(seen->all[0].user, a.id);
  EXPECT_EQ(seen->all[0].account, a_account.id);
  EXPECT_EQ(seen->all[0].joined_at, at(5));
  EXPECT_EQ(seen->all[1].user, b.id);
  ASSERT_TRUE(seen->of_a.has_value());
  EXPECT_EQ(seen->of_a->account, a_account.id);
  ASSERT_TRUE(seen->of_account.has_value());
  EXPECT_EQ(seen->of_account->user, b.id);
  EXPECT_EQ(seen->of_account->contest_id, c->id);
  EXPECT_FALSE(seen->of_personal.has_value());
  EXPECT_EQ(seen->users, 2);
  ASSERT_EQ(seen->listed.size(), 2u);
  EXPECT_EQ(seen->listed[0].id, a.id);
  EXPECT_EQ(seen->listed[1].id, b.id);
}

TEST_P(RepositoryContract, announcement_keys_are_negative_and_do_not_move_the_poller) {
  auto claimed = write_result(repo(), [&](Transaction& tx) -> Result<bool> {
    KT_TRY(const bool fresh, tx.claim_update(-3, std::nullopt, at(0)));
    KT_TRY_VOID(tx.store_reply(-3, "[]"));
    return fresh;
  });
  ASSERT_TRUE(claimed.ok()) << why(claimed);
  EXPECT_TRUE(*claimed);
  auto last = read_result(repo(), [](Transaction& tx) { return tx.last_update_id(); });
  ASSERT_TRUE(last.ok()) << why(last);
  EXPECT_FALSE(last->has_value());
  ASSERT_TRUE(write_result(repo(), [&](Transaction& tx) { return tx.claim_update(77, std::nullopt, at(1)); }).ok());
  last = read_result(repo(), [](Transaction& tx) { return tx.last_update_id(); });
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, std::optional<std::int64_t>(77));
  auto again = write_result(repo(), [&](Transaction& tx) { return tx.claim_update(-3, std::nullopt, at(2)); });
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto unsent = read_result(repo(), [](Transaction& tx) { return tx.unsent_replies(10); });
  ASSERT_TRUE(unsent.ok());
  ASSERT_EQ(unsent->size(), 1u);
  EXPECT_EQ((*unsent)[0].first, -3);
}

}  // namespace
}  // namespace kt::storage::contract
