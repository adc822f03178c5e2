// Repository contract, migration 0002: group chat members and the bot-wide statistics counts.
#include <vector>

#include "storage/contract_helpers.hpp"
#include "storage/contract_suite.hpp"

namespace kt::storage::contract {
namespace {

/// In one write: lock the wallet and append a `kind` entry of `amount` on top of its balance.
Result<std::int64_t> append(Repository& repo, UserId user, LedgerKind kind, std::int64_t amount, TimePoint t) {
  return write_result(repo, [&](Transaction& tx) -> Result<std::int64_t> {
    KT_TRY(auto wallet, tx.lock_wallet(user));
    return tx.append_ledger(entry(user, kind, amount, wallet.balance.value + amount, t));
  });
}

TEST_P(RepositoryContract, group_members_are_recorded_once_per_chat) {
  const User a = add_user(repo(), 1001, 100);
  const User b = add_user(repo(), 1002, 100);
  constexpr std::int64_t kChat = -1'001'234'567'890;  // Telegram supergroup ids are negative
  constexpr std::int64_t kOtherChat = -42;
  auto recorded = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.record_group_member(kChat, b.id, at(1)));
    KT_TRY_VOID(tx.record_group_member(kChat, a.id, at(2)));
    KT_TRY_VOID(tx.record_group_member(kChat, b.id, at(3)));  // again in the same transaction
    return tx.record_group_member(kOtherChat, a.id, at(4));
  });
  ASSERT_TRUE(recorded.ok()) << why(recorded);
  // Again in later transactions, including an older timestamp.
  ASSERT_TRUE(write_result(repo(), [&](Transaction& tx) { return tx.record_group_member(kChat, a.id, at(5)); }).ok());
  ASSERT_TRUE(write_result(repo(), [&](Transaction& tx) { return tx.record_group_member(kChat, a.id, at(0)); }).ok());
  auto members = read_result(repo(), [&](Transaction& tx) -> Result<std::vector<std::vector<UserId>>> {
    KT_TRY(auto chat, tx.group_members(kChat));
    KT_TRY(auto other, tx.group_members(kOtherChat));
    KT_TRY(auto none, tx.group_members(7));
    return std::vector<std::vector<UserId>>{chat, other, none};
  });
  ASSERT_TRUE(members.ok()) << why(members);
  EXPECT_EQ((*members)[0], (std::vector<UserId>{a.id, b.id}));  // by user id
  EXPECT_EQ((*members)[1], (std::vector<UserId>{a.id}));
  EXPECT_TRUE((*members)[2].empty());
}

TEST_P(RepositoryContract, group_member_recorded_in_a_rolled_back_transaction_is_forgotten) {
  const User a = add_user(repo(), 1001, 100);
  auto failed = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.record_group_member(5, a.id, at(1)));
    return rejected("E-TEST", "command failed");
  });
  ASSERT_FALSE(failed.ok());
  auto members = read_result(repo(), [](Transaction& tx) { return tx.group_members(5); });
  ASSERT_TRUE(members.ok()) << why(members);
  EXPECT_TRUE(members->empty());
}

TEST_P(RepositoryContract, bot_wide_counts_are_exact) {
  auto empty = read_result(repo(), [](Transaction& tx) -> Result<std::vector<std::int64_t>> {
    KT_TRY(auto active, tx.count_active_users(at(0)));
    KT_TRY(auto open, tx.count_all_open_positions());
    KT_TRY(auto trades, tx.count_trades_since(at(0)));
    KT_TRY(auto tokens, tx.count_active_tokens());
    return std::vector<std::int64_t>{active, open, trades, tokens};
  });
  ASSERT_TRUE(empty.ok()) << why(empty);
  EXPECT_EQ(*empty, (std::vector<std::int64_t>{0, 0, 0, 0}));

  // Users: last active at 0, 100, 200 and 300.
  const User a = add_user(repo(), 1001, 1'000'000, "a", at(0));
  const User b = add_user(repo(), 1002, 1'000'000, "b", at(0));
  const User c = add_user(repo(), 1003, 1'000'000, "c", at(0));
  const User d = add_user(repo(), 1004, 1'000'000, "d", at(0));
  auto touched = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.touch_user(b.id, "b", at(100)));
    KT_TRY_VOID(tx.touch_user(c.id, "c", at(200)));
    return tx.touch_user(d.id, "d", at(300));
  });
  ASSERT_TRUE(touched.ok()) << why(touched);

  // Positions: 3 open (two users), 1 closed, 1 liquidated.
  auto positions = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.insert_position(sample_position(a.id, bonk(), at(1))));
    KT_TRY_VOID(tx.insert_position(sample_position(a.id, usdc(), at(2))));
    KT_TRY_VOID(tx.insert_position(sample_position(b.id, bonk(), at(3))));
    KT_TRY(Position closed, tx.insert_position(sample_position(c.id, bonk(), at(4))));
    closed.status = PositionStatus::kClosed;
    closed.closed_at = at(5);
    KT_TRY_VOID(tx.update_position(closed));
    Position liquidated = sample_position(d.id, jup(), at(6));
    liquidated.status = PositionStatus::kLiquidated;
    liquidated.closed_at = at(7);
    KT_TRY_VOID(tx.insert_position(liquidated));
    return ok_result();
  });
  ASSERT_TRUE(positions.ok()) << why(positions);

  // Ledger: trades (open/close/liquidation) at 10, 20 (×2), 30, 40; grants and resets do not count.
  ASSERT_TRUE(append(repo(), a.id, LedgerKind::kOpen, -100, at(10)).ok());
  ASSERT_TRUE(append(repo(), b.id, LedgerKind::kClose, 50, at(20)).ok());
  ASSERT_TRUE(append(repo(), c.id, LedgerKind::kOpen, -10, at(20)).ok());
  ASSERT_TRUE(append(repo(), d.id, LedgerKind::kLiquidation, -5, at(30)).ok());
  ASSERT_TRUE(append(repo(), a.id, LedgerKind::kClose, 70, at(40)).ok());
  ASSERT_TRUE(append(repo(), a.id, LedgerKind::kGrant, 1000, at(25)).ok());
  ASSERT_TRUE(append(repo(), b.id, LedgerKind::kReset, 1, at(35)).ok());

  // Tokens: 3 active, 1 deactivated, 1 stored inactive.
  auto tokens = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.upsert_token(TokenRecord{bonk(), "BONK", "Bonk", 5, true, at(1)}));
    KT_TRY_VOID(tx.upsert_token(TokenRecord{usdc(), "USDC", "USD Coin", 6, true, at(1)}));
    KT_TRY_VOID(tx.upsert_token(TokenRecord{jup(), "JUP", "Jupiter", 6, true, at(1)}));
    KT_TRY_VOID(tx.upsert_token(TokenRecord{wsol(), "SOL", "Wrapped SOL", 9, true, at(1)}));
    KT_TRY_VOID(tx.set_token_active(jup(), false));
    return tx.upsert_token(TokenRecord{mint("11111111111111111111111111111111"), "SYS", "System", 0, false, at(1)});
  });
  ASSERT_TRUE(tokens.ok()) << why(tokens);

  auto counts = read_result(repo(), [](Transaction& tx) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> out;
    for (std::int64_t since : {0, 1, 100, 101, 300, 301}) {
      KT_TRY(auto active, tx.count_active_users(at(since)));
      out.push_back(active);
    }
    KT_TRY(auto open, tx.count_all_open_positions());
    out.push_back(open);
    for (std::int64_t since : {0, 20, 21, 40, 41}) {
      KT_TRY(auto trades, tx.count_trades_since(at(since)));
      out.push_back(trades);
    }
    KT_TRY(auto active_tokens, tx.count_active_tokens());
    out.push_back(active_tokens);
    return out;
  });
  ASSERT_TRUE(counts.ok()) << why(counts);
  EXPECT_EQ(*counts, (std::vector<std::int64_t>{4, 3, 3, 2, 1, 0,  // active users since 0, 1, 100, 101, 300, 301
                                                3,                 // open positions
                                                5, 4, 2, 1, 0,     // trades since 0, 20, 21, 40, 41
                                                3}));              // active tokens
}

}  // namespace
}  // namespace kt::storage::contract
