// Repository contract, transactional half: exactly-once claims, rollback, concurrency and the
// conservation property. Compiled together with contract_suite.cpp into each backend's binary.
#include <rapidcheck.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/contract_helpers.hpp"
#include "storage/contract_suite.hpp"

namespace kt::storage::contract {
namespace {

// --- exactly-once -----------------------------------------------------------------------------

TEST_P(RepositoryContract, claim_update_is_true_once_then_false) {
  const User u = add_user(repo(), 1001, 100);
  auto first = write_result(repo(), [&](Transaction& tx) -> Result<std::pair<bool, bool>> {
    KT_TRY(const bool claimed, tx.claim_update(500, u.id, at(1)));
    KT_TRY(const bool again_same_tx, tx.claim_update(500, u.id, at(1)));
    return std::pair{claimed, again_same_tx};
  });
  ASSERT_TRUE(first.ok()) << why(first);
  EXPECT_TRUE(first->first);
  EXPECT_FALSE(first->second);
  auto redelivered = write_result(repo(), [](Transaction& tx) { return tx.claim_update(500, std::nullopt, at(2)); });
  ASSERT_TRUE(redelivered.ok()) << why(redelivered);
  EXPECT_FALSE(*redelivered);
}

TEST_P(RepositoryContract, rolled_back_claim_can_be_claimed_again) {
  auto failed = repo().write([](Transaction& tx) -> Result<void> {
    KT_TRY(const bool claimed, tx.claim_update(600, std::nullopt, at(1)));
    EXPECT_TRUE(claimed);
    return retryable("E-TEST", "price source down");
  });
  ASSERT_FALSE(failed.ok());
  auto retried = write_result(repo(), [](Transaction& tx) { return tx.claim_update(600, std::nullopt, at(2)); });
  ASSERT_TRUE(retried.ok()) << why(retried);
  EXPECT_TRUE(*retried);
}

TEST_P(RepositoryContract, claim_update_and_lock_wallet_returns_the_wallet_once_then_nullopt) {
  const User u = add_user(repo(), 1001, 700);
  auto first = write_result(repo(), [&](Transaction& tx) { return tx.claim_update_and_lock_wallet(510, u.id, at(1)); });
  ASSERT_TRUE(first.ok()) << why(first);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->user, u.id);
  EXPECT_EQ((*first)->balance.value, 700);
  auto again = write_result(repo(), [&](Transaction& tx) { return tx.claim_update_and_lock_wallet(510, u.id, at(2)); });
  ASSERT_TRUE(again.ok()) << why(again);
  EXPECT_FALSE(again->has_value());
  auto plain = write_result(repo(), [&](Transaction& tx) { return tx.claim_update(510, u.id, at(3)); });
  ASSERT_TRUE(plain.ok()) << why(plain);
  EXPECT_FALSE(*plain);
}

TEST_P(RepositoryContract, claim_update_and_lock_wallet_without_a_wallet_is_not_found_and_claims_nothing) {
  auto missing = write_result(
      repo(), [&](Transaction& tx) { return tx.claim_update_and_lock_wallet(520, UserId{987654}, at(1)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  auto retried = write_result(repo(), [](Transaction& tx) { return tx.claim_update(520, std::nullopt, at(2)); });
  ASSERT_TRUE(retried.ok()) << why(retried);
  EXPECT_TRUE(*retried);
}

// The error of a write that returns nothing may surface at the next call (PostgreSQL sends it
// with the next statement); either way the transaction fails and changes nothing.
TEST_P(RepositoryContract, update_position_of_a_missing_position_fails_the_transaction_before_later_writes) {
  const User u = add_user(repo(), 1001, 1'000);
  Position ghost = sample_position(u.id, bonk(), at(1));
  ghost.id = PositionId{999'999};
  auto r = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY(const bool claimed, tx.claim_update(530, u.id, at(1)));
    EXPECT_TRUE(claimed);
    KT_TRY(Wallet w, tx.lock_wallet(u.id));
    KT_TRY_VOID(tx.update_position(ghost));
    KT_TRY_VOID(tx.append_ledger(entry(u.id, LedgerKind::kClose, 10, w.balance.value + 10, at(1))));
    return {};
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
  auto wallet = read_result(repo(), [&](Transaction& tx) { return tx.get_wallet(u.id); });
  ASSERT_TRUE(wallet.ok()) << why(wallet);
  EXPECT_EQ(wallet->balance.value, 1'000);
  auto sum = read_result(repo(), [&](Transaction& tx) { return tx.ledger_sum(u.id); });
  ASSERT_TRUE(sum.ok()) << why(sum);
  EXPECT_EQ(sum->value, 0);
  auto retried = write_result(repo(), [](Transaction& tx) { return tx.claim_update(530, std::nullopt, at(2)); });
  ASSERT_TRUE(retried.ok()) << why(retried);
  EXPECT_TRUE(*retried);
}

// A trade as the engine writes it: claim, lock, the position, the ledger entry without its id.
// PostgreSQL sends append_ledger_deferred (and update_position) in the COMMIT's round trip, so a
// refusal of the deferred part must still stop the commit: the whole trade, claim included, is
// rolled back and the error is append_ledger's.
Result<void> open_trade_with_deferred_ledger(Transaction& tx, UserId user, std::int64_t update_id, std::int64_t amount,
                                             std::int64_t balance_delta) {
  KT_TRY(std::optional<Wallet> w, tx.claim_update_and_lock_wallet(update_id, user, at(1)));
  if (!w) return rejected("E-DUP", "duplicate update");
  KT_TRY(const Position p, tx.insert_position(sample_position(user, bonk(), at(1))));
  LedgerEntry e = entry(user, LedgerKind::kOpen, amount, w->balance.value + balance_delta, at(1));
  e.position = p.id;
  return tx.append_ledger_deferred(e);
}

void expect_untouched(Repository& repo, UserId user, std::int64_t balance, std::int64_t update_id) {
  auto state = read_result(repo, [&](Transaction& tx) -> Result<void> {
    KT_TRY(const Wallet w, tx.get_wallet(user));
    KT_TRY(const Lamports sum, tx.ledger_sum(user));
    KT_TRY(const std::int64_t open, tx.count_open_positions(user));
    EXPECT_EQ(w.balance.value, balance);
    EXPECT_EQ(sum.value, 0);
    EXPECT_EQ(open, 0);
    return {};
  });
  ASSERT_TRUE(state.ok()) << why(state);
  auto retried = write_result(repo, [&](Transaction& tx) { return tx.claim_update(update_id, std::nullopt, at(2)); });
  ASSERT_TRUE(retried.ok()) << why(retried);
  EXPECT_TRUE(*retried) << "the claim of the failed trade was committed";
}

TEST_P(RepositoryContract, deferred_ledger_entry_commits_with_the_trade) {
  const User u = add_user(repo(), 1001, 1'000);
  ASSERT_TRUE(
      repo().write([&](Transaction& tx) { return open_trade_with_deferred_ledger(tx, u.id, 540, -300, -300); }).ok());
  auto state = read_result(repo(), [&](Transaction& tx) -> Result<std::pair<Wallet, std::vector<LedgerEntry>>> {
    KT_TRY(Wallet w, tx.get_wallet(u.id));
    KT_TRY(auto entries, tx.ledger(u.id, 10, std::nullopt));
    return std::pair{w, entries};
  });
  ASSERT_TRUE(state.ok()) << why(state);
  EXPECT_EQ(state->first.balance.value, 700);
  ASSERT_EQ(state->second.size(), 1u);
  EXPECT_EQ(state->second[0].amount.value, -300);
  EXPECT_EQ(state->second[0].balance_after.value, 700);
  EXPECT_TRUE(state->second[0].position.has_value());
}

TEST_P(RepositoryContract, deferred_ledger_entry_is_applied_before_the_next_statement_of_the_transaction) {
  const User u = add_user(repo(), 1001, 1'000);
  auto seen = write_result(repo(), [&](Transaction& tx) -> Result<std::pair<Wallet, Lamports>> {
    KT_TRY(const Wallet w, tx.lock_wallet(u.id));
    KT_TRY_VOID(tx.append_ledger_deferred(entry(u.id, LedgerKind::kGrant, 250, w.balance.value + 250, at(1))));
    KT_TRY(Wallet after, tx.get_wallet(u.id));
    KT_TRY(Lamports sum, tx.ledger_sum(u.id));
    return std::pair{after, sum};
  });
  ASSERT_TRUE(seen.ok()) << why(seen);
  EXPECT_EQ(seen->first.balance.value, 1'250);
  EXPECT_EQ(seen->second.value, 250);
}

TEST_P(RepositoryContract, deferred_ledger_entry_that_does_not_add_up_fails_the_commit_and_writes_nothing) {
  const User u = add_user(repo(), 1001, 1'000);
  // amount -300 but balance_after = balance - 200: refused, like append_ledger.
  auto r = repo().write([&](Transaction& tx) { return open_trade_with_deferred_ledger(tx, u.id, 550, -300, -200); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(r.error().code, "E-STORAGE");
  EXPECT_NE(r.error().message.find("does not add up"), std::string::npos) << r.error().message;
  expect_untouched(repo(), u.id, 1'000, 550);
}

TEST_P(RepositoryContract, deferred_ledger_entry_of_a_user_without_wallet_fails_the_commit_and_writes_nothing) {
  const User u = add_user(repo(), 1001, 1'000);
  auto r = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.claim_update_and_lock_wallet(560, u.id, at(1)));
    KT_TRY_VOID(tx.insert_position(sample_position(u.id, bonk(), at(1))));
    return tx.append_ledger_deferred(entry(UserId{987654}, LedgerKind::kGrant, 10, 10, at(1)));
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(r.error().code, "E-NOT-FOUND");
  expect_untouched(repo(), u.id, 1'000, 560);
}

TEST_P(RepositoryContract, deferred_ledger_entry_with_a_negative_balance_is_refused_at_once) {
  const User u = add_user(repo(), 1001, 100);
  auto r = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY(const Wallet w, tx.lock_wallet(u.id));
    Result<void> refused = tx.append_ledger_deferred(entry(u.id, LedgerKind::kOpen, -101, -1, at(1)));
    EXPECT_FALSE(refused.ok());
    (void)w;
    return refused;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(r.error().code, "E-STORAGE");
  expect_untouched(repo(), u.id, 100, 0);
}

TEST_P(RepositoryContract, missing_position_and_ledger_entry_sent_with_the_commit_write_nothing) {
  const User u = add_user(repo(), 1001, 1'000);
  Position ghost = sample_position(u.id, bonk(), at(1));
  ghost.id = PositionId{999'999};
  auto r = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY(std::optional<Wallet> w, tx.claim_update_and_lock_wallet(570, u.id, at(1)));
    KT_TRY_VOID(tx.update_position(ghost));
    return tx.append_ledger_deferred(entry(u.id, LedgerKind::kClose, 10, (*w).balance.value + 10, at(1)));
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(r.error().message.find("999999"), std::string::npos) << r.error().message;
  expect_untouched(repo(), u.id, 1'000, 570);
}

TEST_P(RepositoryContract, last_update_id_is_the_highest_claimed) {
  auto empty = read_result(repo(), [](Transaction& tx) { return tx.last_update_id(); });
  ASSERT_TRUE(empty.ok()) << why(empty);
  EXPECT_FALSE(empty->has_value());
  const User u = add_user(repo(), 1001, 100);
  for (std::int64_t id : {10, 30, 20}) {
    ASSERT_TRUE(write_result(repo(), [&](Transaction& tx) { return tx.claim_update(id, u.id, at(id)); }).ok());
  }
  auto last = read_result(repo(), [](Transaction& tx) { return tx.last_update_id(); });
  ASSERT_TRUE(last.ok()) << why(last);
  EXPECT_EQ(*last, std::optional<std::int64_t>{30});
}

// --- rollback ---------------------------------------------------------------------------------

TEST_P(RepositoryContract, rolls_back_everything_when_work_fails) {
  const User existing = add_user(repo(), 1, 1000);
  auto failed = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY(const User fresh, tx.insert_user(NewUser{TelegramUserId{2}, "ghost", Role::kBasic, Lamports{500}, at(1)}));
    KT_TRY_VOID(tx.append_ledger(entry(fresh.id, LedgerKind::kOpen, -100, 400, at(1))));
    KT_TRY_VOID(tx.append_ledger(entry(existing.id, LedgerKind::kOpen, -300, 700, at(1))));
    KT_TRY_VOID(tx.claim_update(900, existing.id, at(1)));
    KT_TRY_VOID(tx.insert_position(sample_position(existing.id, bonk(), at(1))));
    KT_TRY_VOID(tx.upsert_token(TokenRecord{bonk(), "BONK", "Bonk", 5, true, at(1)}));
    KT_TRY_VOID(tx.insert_price(PriceRecord{bonk(), huge_price(), 5, std::nullopt, "demo", at(1)}));
    KT_TRY_VOID(tx.set_role(existing.id, Role::kAdmin));
    return rejected("E-TEST", "position limit reached");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(failed.error().code, "E-TEST");
  EXPECT_EQ(failed.error().message, "position limit reached");
  auto check = read_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY(auto users, tx.count_users());
    KT_TRY(auto ghost, tx.find_user_by_telegram_id(TelegramUserId{2}));
    KT_TRY(auto wallet, tx.get_wallet(existing.id));
    KT_TRY(auto entries, tx.ledger(existing.id, 10, std::nullopt));
    KT_TRY(auto last, tx.last_update_id());
    KT_TRY(auto mints, tx.mints_with_open_positions());
    KT_TRY(auto open, tx.count_open_positions(existing.id));
    KT_TRY(auto token, tx.find_token(bonk()));
    KT_TRY(auto price, tx.latest_price(bonk()));
    KT_TRY(auto user, tx.find_user(existing.id));
    EXPECT_EQ(users, 1);
    EXPECT_FALSE(ghost.has_value());
    EXPECT_EQ(wallet.balance.value, 1000);
    EXPECT_TRUE(entries.empty());
    EXPECT_FALSE(last.has_value());
    EXPECT_TRUE(mints.empty());
    EXPECT_EQ(open, 0);
    EXPECT_FALSE(token.has_value());
    EXPECT_FALSE(price.has_value());
    EXPECT_EQ(user ? user->role : Role::kAdmin, Role::kBasic);
    return ok_result();
  });
  EXPECT_TRUE(check.ok()) << why(check);
  auto reclaimed = write_result(repo(), [](Transaction& tx) { return tx.claim_update(900, std::nullopt, at(2)); });
  EXPECT_TRUE(reclaimed.ok() && *reclaimed);
}

TEST_P(RepositoryContract, rolls_back_everything_when_work_throws) {
  EXPECT_THROW((void)repo().write([](Transaction& tx) -> Result<void> {
    auto user = tx.insert_user(NewUser{TelegramUserId{3}, "thrower", Role::kBasic, Lamports{1}, at(1)});
    EXPECT_TRUE(user.ok());
    throw std::logic_error("bug in the caller");
  }),
               std::logic_error);
  auto count = read_result(repo(), [](Transaction& tx) { return tx.count_users(); });
  EXPECT_EQ(count.value_or(-1), 0);
  const User later = add_user(repo(), 3, 1);  // the repository is still usable
  EXPECT_GT(later.id.value, 0);
}

// --- concurrency ------------------------------------------------------------------------------

TEST_P(RepositoryContract, concurrent_debits_of_one_user_are_exact) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 50;
  const User u = add_user(repo(), 1001, 1'000'000);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        if (!move_money(repo(), u.id, -1, at(t * 1000 + i)).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto state = read_result(repo(), [&](Transaction& tx) -> Result<std::tuple<Wallet, Lamports, std::size_t>> {
    KT_TRY(auto wallet, tx.get_wallet(u.id));
    KT_TRY(auto sum, tx.ledger_sum(u.id));
    KT_TRY(auto entries, tx.ledger(u.id, 1000, std::nullopt));
    return std::tuple{wallet, sum, entries.size()};
  });
  ASSERT_TRUE(state.ok()) << why(state);
  EXPECT_EQ(std::get<0>(*state).balance.value, 999'600);
  EXPECT_EQ(std::get<1>(*state).value, -400);
  EXPECT_EQ(std::get<2>(*state), 400u);
}

TEST_P(RepositoryContract, reads_during_concurrent_writes_see_balances_that_add_up) {
  const User u = add_user(repo(), 1001, 1'000'000);
  std::atomic<int> failures{0};
  std::atomic<int> inconsistent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!move_money(repo(), u.id, -(t + 1), at(i)).ok()) ++failures;
      }
    });
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto consistent = read_result(repo(), [&](Transaction& tx) -> Result<bool> {
          KT_TRY(auto wallet, tx.get_wallet(u.id));
          KT_TRY(auto sum, tx.ledger_sum(u.id));
          return wallet.balance.value == wallet.initial.value + sum.value;
        });
        if (!consistent.ok())
          ++failures;
        else if (!*consistent)
          ++inconsistent;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(inconsistent.load(), 0);
  auto wallet = read_result(repo(), [&](Transaction& tx) { return tx.get_wallet(u.id); });
  EXPECT_EQ(wallet.ok() ? wallet->balance.value : -1, 1'000'000 - 50 * 1 - 50 * 2);
}

// --- property ---------------------------------------------------------------------------------

TEST_P(RepositoryContract, random_debits_and_credits_conserve_the_balance) {
  std::int64_t next_telegram_id = 1;
  const bool passed = rc::check("balance == initial + Σ ledger, never negative", [&] {
    auto amounts = *rc::gen::container<std::vector<std::int64_t>>(rc::gen::inRange<std::int64_t>(-5000, 5001));
    if (amounts.size() > 40) amounts.resize(40);
    const std::int64_t initial = 10'000;
    const User u = add_user(repo(), next_telegram_id++, initial);
    std::int64_t model = initial;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
      const std::int64_t amount = amounts[i];
      auto appended = move_money(repo(), u.id, amount, at(static_cast<std::int64_t>(i)));
      if (model + amount < 0) {
        RC_ASSERT(!appended.ok());
        RC_ASSERT(appended.error().kind == ErrorKind::kRejected);
      } else {
        RC_ASSERT(appended.ok());
        model += amount;
      }
    }
    auto state = read_result(repo(), [&](Transaction& tx) -> Result<std::pair<Wallet, Lamports>> {
      KT_TRY(auto wallet, tx.get_wallet(u.id));
      KT_TRY(auto sum, tx.ledger_sum(u.id));
      return std::pair{wallet, sum};
    });
    RC_ASSERT(state.ok());
    RC_ASSERT(state->first.balance.value == model);
    RC_ASSERT(state->first.balance.value == initial + state->second.value);
  });
  EXPECT_TRUE(passed);
}

}  // namespace
}  // namespace kt::storage::contract
