// Repository contract, data half: users, wallets and ledger, positions, tokens and prices
// (see contract_suite.hpp for the conventions they assert; contract_transactions.cpp has the rest).
#include "storage/contract_suite.hpp"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "storage/contract_helpers.hpp"

namespace kt::storage::contract {
namespace {

// --- users ------------------------------------------------------------------------------------

TEST_P(RepositoryContract, inserts_user_with_wallet_at_initial_balance) {
  auto user = write_result(repo(), [](Transaction& tx) {
    return tx.insert_user(NewUser{TelegramUserId{1001}, "Alice", Role::kPremium, Lamports{5'000'000'000}, at(7)});
  });
  ASSERT_TRUE(user.ok()) << why(user);
  EXPECT_GT(user->id.value, 0);
  EXPECT_EQ(user->telegram_id.value, 1001);
  EXPECT_EQ(user->username, "Alice");
  EXPECT_EQ(user->role, Role::kPremium);
  EXPECT_EQ(user->created_at, at(7));
  EXPECT_EQ(user->last_active_at, at(7));
  auto wallet = read_result(repo(), [&](Transaction& tx) { return tx.get_wallet(user->id); });
  ASSERT_TRUE(wallet.ok()) << why(wallet);
  EXPECT_EQ(wallet->user, user->id);
  EXPECT_EQ(wallet->balance.value, 5'000'000'000);
  EXPECT_EQ(wallet->initial.value, 5'000'000'000);
  EXPECT_EQ(wallet->updated_at, at(7));
  auto found = read_result(repo(), [&](Transaction& tx) { return tx.find_user(user->id); });
  ASSERT_TRUE(found.ok() && found->has_value()) << why(found);
  EXPECT_EQ((*found)->username, "Alice");
  EXPECT_EQ((*found)->role, Role::kPremium);
  EXPECT_EQ((*found)->created_at, at(7));
  auto count = read_result(repo(), [](Transaction& tx) { return tx.count_users(); });
  EXPECT_EQ(count.value_or(-1), 1);
}

TEST_P(RepositoryContract, refuses_duplicate_telegram_id_with_an_error) {
  add_user(repo(), 1001, 100, "alice");
  auto again = write_result(repo(), [](Transaction& tx) {
    return tx.insert_user(NewUser{TelegramUserId{1001}, "mallory", Role::kBasic, Lamports{100}, at(1)});
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(again.error().code, "E-STORAGE");
  const User other = add_user(repo(), 1002, 100, "bob");  // the connection still works
  EXPECT_GT(other.id.value, 0);
  auto count = read_result(repo(), [](Transaction& tx) { return tx.count_users(); });
  EXPECT_EQ(count.value_or(-1), 2);
}

TEST_P(RepositoryContract, finds_users_by_telegram_id_and_username_case_insensitively) {
  const User alice = add_user(repo(), 1001, 100, "Alice");
  const User bob = add_user(repo(), 1002, 100, "bob");
  auto check = read_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY(auto by_lower, tx.find_user_by_username("alice"));
    KT_TRY(auto by_upper, tx.find_user_by_username("BOB"));
    KT_TRY(auto nobody, tx.find_user_by_username("carol"));
    KT_TRY(auto by_telegram, tx.find_user_by_telegram_id(TelegramUserId{1002}));
    KT_TRY(auto unknown_telegram, tx.find_user_by_telegram_id(TelegramUserId{5}));
    KT_TRY(auto unknown_id, tx.find_user(UserId{999'999}));
    EXPECT_EQ(by_lower ? by_lower->id : UserId{}, alice.id);
    EXPECT_EQ(by_upper ? by_upper->id : UserId{}, bob.id);
    EXPECT_EQ(by_telegram ? by_telegram->username : "", "bob");
    EXPECT_FALSE(nobody.has_value());
    EXPECT_FALSE(unknown_telegram.has_value());
    EXPECT_FALSE(unknown_id.has_value());
    return ok_result();
  });
  EXPECT_TRUE(check.ok()) << why(check);
}

TEST_P(RepositoryContract, set_role_and_touch_user_change_the_stored_user) {
  const User alice = add_user(repo(), 1001, 100, "alice", at(0));
  auto changed = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.set_role(alice.id, Role::kAdmin));
    return tx.touch_user(alice.id, "alice_new", at(5000));
  });
  ASSERT_TRUE(changed.ok()) << why(changed);
  auto found = read_result(repo(), [&](Transaction& tx) { return tx.find_user(alice.id); });
  ASSERT_TRUE(found.ok() && found->has_value()) << why(found);
  EXPECT_EQ((*found)->role, Role::kAdmin);
  EXPECT_EQ((*found)->username, "alice_new");
  EXPECT_EQ((*found)->last_active_at, at(5000));
  EXPECT_EQ((*found)->created_at, at(0));
  auto missing_role = write_result(repo(), [](Transaction& tx) { return tx.set_role(UserId{424242}, Role::kAdmin); });
  ASSERT_FALSE(missing_role.ok());
  EXPECT_EQ(missing_role.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing_role.error().code, "E-NOT-FOUND");
  auto missing_touch = write_result(repo(), [](Transaction& tx) { return tx.touch_user(UserId{424242}, "x", at(1)); });
  ASSERT_FALSE(missing_touch.ok());
  EXPECT_EQ(missing_touch.error().kind, ErrorKind::kNotFound);
}

TEST_P(RepositoryContract, lists_users_by_id_after_a_cursor_with_limit_and_counts_them) {
  std::vector<UserId> ids;
  for (std::int64_t tg = 1; tg <= 5; ++tg) ids.push_back(add_user(repo(), tg, 100).id);
  auto first = read_result(repo(), [](Transaction& tx) { return tx.list_users(0, 3); });
  ASSERT_TRUE(first.ok()) << why(first);
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].id, ids[0]);
  EXPECT_EQ((*first)[1].telegram_id.value, 2);
  EXPECT_EQ((*first)[2].id, ids[2]);
  auto rest = read_result(repo(), [&](Transaction& tx) { return tx.list_users(ids[2].value, 10); });
  ASSERT_TRUE(rest.ok()) << why(rest);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].telegram_id.value, 4);
  EXPECT_EQ((*rest)[1].telegram_id.value, 5);
  auto none = read_result(repo(), [&](Transaction& tx) { return tx.list_users(ids[4].value, 10); });
  EXPECT_TRUE(none.ok() && none->empty());
  auto count = read_result(repo(), [](Transaction& tx) { return tx.count_users(); });
  EXPECT_EQ(count.value_or(-1), 5);
}

// --- wallets and ledger -----------------------------------------------------------------------

TEST_P(RepositoryContract, wallet_of_unknown_user_is_not_found) {
  auto locked = write_result(repo(), [](Transaction& tx) { return tx.lock_wallet(UserId{777}); });
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(locked.error().code, "E-NOT-FOUND");
  auto read = read_result(repo(), [](Transaction& tx) { return tx.get_wallet(UserId{777}); });
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().kind, ErrorKind::kNotFound);
}

TEST_P(RepositoryContract, append_ledger_sets_balance_and_stores_every_field) {
  const User u = add_user(repo(), 1001, 10'000'000'000);
  LedgerEntry open = entry(u.id, LedgerKind::kOpen, -1'000'005'000, 8'999'995'000, at(1000));
  open.position = PositionId{42};
  open.mint = bonk();
  open.qty_raw = 18'446'744'073'709'551'615ULL;
  open.price = huge_price();
  open.fee = Lamports{5000};
  open.pnl = Lamports{-3};
  open.update_id = 77;
  open.note = "open #42";
  auto id = write_result(repo(), [&](Transaction& tx) { return tx.append_ledger(open); });
  ASSERT_TRUE(id.ok()) << why(id);
  auto grant_id = write_result(repo(), [&](Transaction& tx) {
    return tx.append_ledger(entry(u.id, LedgerKind::kGrant, 5, 9'000'000'000, at(2000)));
  });
  ASSERT_FALSE(grant_id.ok());  // 8'999'995'000 + 5 != 9'000'000'000
  grant_id = write_result(repo(), [&](Transaction& tx) {
    return tx.append_ledger(entry(u.id, LedgerKind::kGrant, 5'000, 9'000'000'000, at(2000)));
  });
  ASSERT_TRUE(grant_id.ok()) << why(grant_id);
  EXPECT_GT(*grant_id, *id);
  auto wallet = read_result(repo(), [&](Transaction& tx) { return tx.get_wallet(u.id); });
  ASSERT_TRUE(wallet.ok()) << why(wallet);
  EXPECT_EQ(wallet->balance.value, 9'000'000'000);
  EXPECT_EQ(wallet->initial.value, 10'000'000'000);
  EXPECT_EQ(wallet->updated_at, at(2000));
  auto entries = read_result(repo(), [&](Transaction& tx) { return tx.ledger(u.id, 10, std::nullopt); });
  ASSERT_TRUE(entries.ok()) << why(entries);
  ASSERT_EQ(entries->size(), 2u);
  const LedgerEntry& grant = (*entries)[0];
  EXPECT_EQ(grant.kind, LedgerKind::kGrant);
  EXPECT_FALSE(grant.position || grant.mint || grant.price || grant.update_id);
  EXPECT_EQ(grant.qty_raw, 0u);
  EXPECT_EQ(grant.note, "");
  const LedgerEntry& got = (*entries)[1];
  EXPECT_EQ(got.id, *id);
  EXPECT_EQ(got.user, u.id);
  EXPECT_EQ(got.kind, LedgerKind::kOpen);
  EXPECT_EQ(got.amount.value, -1'000'005'000);
  EXPECT_EQ(got.balance_after.value, 8'999'995'000);
  EXPECT_EQ(got.position, PositionId{42});
  EXPECT_EQ(got.mint, bonk());
  EXPECT_EQ(got.qty_raw, 18'446'744'073'709'551'615ULL);
  ASSERT_TRUE(got.price.has_value());
  EXPECT_EQ(u128_to_string(got.price->num()), "1267650600228229401496703205375");
  EXPECT_TRUE(*got.price == huge_price());
  EXPECT_EQ(got.fee.value, 5000);
  EXPECT_EQ(got.pnl.value, -3);
  EXPECT_EQ(got.update_id, 77);
  EXPECT_EQ(got.note, "open #42");
  EXPECT_EQ(got.created_at, at(1000));
}

TEST_P(RepositoryContract, append_ledger_refuses_negative_balance_and_entries_that_do_not_add_up) {
  const User u = add_user(repo(), 1001, 100);
  auto negative = write_result(
      repo(), [&](Transaction& tx) { return tx.append_ledger(entry(u.id, LedgerKind::kOpen, -101, -1, at(1))); });
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(negative.error().code, "E-STORAGE");
  auto wrong_sum = write_result(
      repo(), [&](Transaction& tx) { return tx.append_ledger(entry(u.id, LedgerKind::kOpen, -10, 95, at(1))); });
  ASSERT_FALSE(wrong_sum.ok());
  EXPECT_EQ(wrong_sum.error().kind, ErrorKind::kRejected);
  EXPECT_EQ(wrong_sum.error().code, "E-STORAGE");
  auto no_wallet = write_result(repo(), [&](Transaction& tx) {
    return tx.append_ledger(entry(UserId{987654}, LedgerKind::kGrant, 10, 10, at(1)));
  });
  ASSERT_FALSE(no_wallet.ok());
  EXPECT_EQ(no_wallet.error().kind, ErrorKind::kNotFound);
  auto state = read_result(repo(), [&](Transaction& tx) -> Result<std::pair<Wallet, std::size_t>> {
    KT_TRY(auto wallet, tx.get_wallet(u.id));
    KT_TRY(auto entries, tx.ledger(u.id, 10, std::nullopt));
    return std::pair{wallet, entries.size()};
  });
  ASSERT_TRUE(state.ok()) << why(state);
  EXPECT_EQ(state->first.balance.value, 100);
  EXPECT_EQ(state->second, 0u);
}

TEST_P(RepositoryContract, ledger_is_newest_first_with_limit_and_since) {
  const User u = add_user(repo(), 1001, 1000);
  const User other = add_user(repo(), 1002, 1000);
  for (std::int64_t t : {100, 200, 300, 300, 400}) ASSERT_TRUE(move_money(repo(), u.id, -1, at(t)).ok());
  ASSERT_TRUE(move_money(repo(), other.id, 50, at(250)).ok());
  auto balances = [&](std::optional<TimePoint> since, int limit) {
    std::vector<std::int64_t> out;
    auto entries = read_result(repo(), [&](Transaction& tx) { return tx.ledger(u.id, limit, since); });
    EXPECT_TRUE(entries.ok()) << why(entries);
    if (entries.ok()) {
      for (const auto& e : *entries) out.push_back(e.balance_after.value);
    }
    return out;
  };
  EXPECT_EQ(balances(std::nullopt, 10), (std::vector<std::int64_t>{995, 996, 997, 998, 999}));
  EXPECT_EQ(balances(std::nullopt, 2), (std::vector<std::int64_t>{995, 996}));
  EXPECT_EQ(balances(at(300), 10), (std::vector<std::int64_t>{995, 996, 997}));
  EXPECT_EQ(balances(at(401), 10), (std::vector<std::int64_t>{}));
}

TEST_P(RepositoryContract, balance_equals_initial_plus_ledger_sum_after_many_entries) {
  const User u = add_user(repo(), 1001, 1'000'000);
  for (std::int64_t i = 0; i < 200; ++i) {
    const std::int64_t amount = i % 3 == 0 ? i * 1000 : -i * 10;
    auto appended = move_money(repo(), u.id, amount, at(i));
    ASSERT_TRUE(appended.ok()) << why(appended);
  }
  auto state = read_result(repo(), [&](Transaction& tx) -> Result<std::tuple<Wallet, Lamports, std::size_t>> {
    KT_TRY(auto wallet, tx.get_wallet(u.id));
    KT_TRY(auto sum, tx.ledger_sum(u.id));
    KT_TRY(auto entries, tx.ledger(u.id, 1000, std::nullopt));
    return std::tuple{wallet, sum, entries.size()};
  });
  ASSERT_TRUE(state.ok()) << why(state);
  const auto& [wallet, sum, count] = *state;
  EXPECT_EQ(sum.value, 6'500'330);
  EXPECT_EQ(wallet.balance.value, 7'500'330);
  EXPECT_EQ(wallet.balance.value, wallet.initial.value + sum.value);
  EXPECT_EQ(count, 200u);
}

// --- positions --------------------------------------------------------------------------------

TEST_P(RepositoryContract, insert_position_assigns_id_and_round_trips_u64_and_u128_exactly) {
  const User u = add_user(repo(), 1001, 100);
  Position p = sample_position(u.id, bonk(), at(10));
  p.side = Side::kShort;
  p.qty_raw = 18'446'744'073'709'551'615ULL;         // 2^64 - 1
  p.initial_qty_raw = 9'223'372'036'854'775'809ULL;  // 2^63 + 1
  p.entry_price = huge_price();
  p.realized_pnl = Lamports{-12'345};
  p.simulated = true;
  auto first = write_result(repo(), [&](Transaction& tx) { return tx.insert_position(p); });
  auto second =
      write_result(repo(), [&](Transaction& tx) { return tx.insert_position(sample_position(u.id, usdc(), at(11))); });
  ASSERT_TRUE(first.ok() && second.ok()) << why(first) << why(second);
  EXPECT_GT(first->id.value, 0);
  EXPECT_GT(second->id.value, first->id.value);
  auto stored = read_result(repo(), [&](Transaction& tx) { return tx.lock_position(first->id); });
  ASSERT_TRUE(stored.ok()) << why(stored);
  p.id = first->id;
  expect_same_position(*stored, p);
  EXPECT_EQ(stored->qty_raw, 18'446'744'073'709'551'615ULL);
  EXPECT_EQ(u128_to_string(stored->entry_price.num()), "1267650600228229401496703205375");
  EXPECT_EQ(u128_to_string(stored->entry_price.den()), "633825300114114700748351602688");
}

TEST_P(RepositoryContract, update_position_stores_close_fields_and_keeps_the_rest) {
  const User u = add_user(repo(), 1001, 100);
  auto opened =
      write_result(repo(), [&](Transaction& tx) { return tx.insert_position(sample_position(u.id, bonk(), at(10))); });
  ASSERT_TRUE(opened.ok()) << why(opened);
  Position closed = *opened;
  closed.qty_raw = 0;
  closed.cost = Lamports{0};
  closed.entry_notional = Lamports{0};
  closed.realized_pnl = Lamports{250'000};
  closed.status = PositionStatus::kClosed;
  closed.closed_at = at(2000);
  closed.exit_price = Price::from_ratio(3, 7).value();
  auto updated = write_result(repo(), [&](Transaction& tx) { return tx.update_position(closed); });
  ASSERT_TRUE(updated.ok()) << why(updated);
  auto stored = read_result(repo(), [&](Transaction& tx) { return tx.lock_position(opened->id); });
  ASSERT_TRUE(stored.ok()) << why(stored);
  expect_same_position(*stored, closed);
  EXPECT_EQ(stored->initial_qty_raw, 123'456'789u);
  EXPECT_EQ(stored->initial_cost.value, 1'000'005'000);
  Position ghost = closed;
  ghost.id = PositionId{999'999};
  auto missing = write_result(repo(), [&](Transaction& tx) { return tx.update_position(ghost); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_P(RepositoryContract, lock_position_of_missing_id_is_not_found) {
  auto missing = write_result(repo(), [](Transaction& tx) { return tx.lock_position(PositionId{31337}); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().code, "E-NOT-FOUND");
}

TEST_P(RepositoryContract, lists_open_and_closed_positions_and_counts_open_ones) {
  const User a = add_user(repo(), 1001, 100);
  const User b = add_user(repo(), 1002, 100);
  std::vector<Position> mine;
  for (std::int64_t t : {10, 20, 30}) {
    auto p =
        write_result(repo(), [&](Transaction& tx) { return tx.insert_position(sample_position(a.id, bonk(), at(t))); });
    ASSERT_TRUE(p.ok()) << why(p);
    mine.push_back(*p);
  }
  ASSERT_TRUE(write_result(repo(), [&](Transaction& tx) {
                return tx.insert_position(sample_position(b.id, usdc(), at(40)));
              }).ok());
  mine[0].status = PositionStatus::kClosed;
  mine[0].closed_at = at(100);
  mine[2].status = PositionStatus::kLiquidated;
  mine[2].closed_at = at(50);
  auto closed = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.update_position(mine[0]));
    return tx.update_position(mine[2]);
  });
  ASSERT_TRUE(closed.ok()) << why(closed);
  auto check = read_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY(auto open, tx.open_positions(a.id));
    KT_TRY(auto open_count, tx.count_open_positions(a.id));
    KT_TRY(auto other_count, tx.count_open_positions(b.id));
    KT_TRY(auto history, tx.closed_positions(a.id, 10));
    KT_TRY(auto last, tx.closed_positions(a.id, 1));
    EXPECT_EQ(open.size(), 1u);
    if (!open.empty()) {
      EXPECT_EQ(open[0].id, mine[1].id);
    }
    EXPECT_EQ(open_count, 1);
    EXPECT_EQ(other_count, 1);
    EXPECT_EQ(history.size(), 2u);
    if (history.size() == 2) {
      EXPECT_EQ(history[0].id, mine[0].id);  // closed at 100, most recent first
      EXPECT_EQ(history[1].id, mine[2].id);
      EXPECT_EQ(history[1].status, PositionStatus::kLiquidated);
    }
    EXPECT_EQ(last.size(), 1u);
    return ok_result();
  });
  EXPECT_TRUE(check.ok()) << why(check);
}

TEST_P(RepositoryContract, mints_with_open_positions_are_distinct) {
  const User a = add_user(repo(), 1001, 100);
  const User b = add_user(repo(), 1002, 100);
  auto setup = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.insert_position(sample_position(a.id, bonk(), at(1))));
    KT_TRY_VOID(tx.insert_position(sample_position(a.id, bonk(), at(2))));
    KT_TRY_VOID(tx.insert_position(sample_position(b.id, usdc(), at(3))));
    Position done = sample_position(a.id, wsol(), at(4));
    done.status = PositionStatus::kClosed;
    done.closed_at = at(5);
    KT_TRY_VOID(tx.insert_position(done));
    return ok_result();
  });
  ASSERT_TRUE(setup.ok()) << why(setup);
  auto mints = read_result(repo(), [](Transaction& tx) { return tx.mints_with_open_positions(); });
  ASSERT_TRUE(mints.ok()) << why(mints);
  std::vector<std::string> names;
  for (const auto& m : *mints) names.push_back(m.to_string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{bonk().to_string(), usdc().to_string()}));
}

// --- tokens and prices ------------------------------------------------------------------------

TEST_P(RepositoryContract, upsert_token_twice_updates_the_row) {
  auto done = write_result(repo(), [](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.upsert_token(TokenRecord{bonk(), "BONK", "Bonk", 5, true, at(1)}));
    return tx.upsert_token(TokenRecord{bonk(), "Bonk", "Bonk Inu", 6, true, at(2)});
  });
  ASSERT_TRUE(done.ok()) << why(done);
  auto found = read_result(repo(), [](Transaction& tx) { return tx.find_token(bonk()); });
  ASSERT_TRUE(found.ok() && found->has_value()) << why(found);
  EXPECT_EQ((*found)->mint, bonk());
  EXPECT_EQ((*found)->symbol, "Bonk");
  EXPECT_EQ((*found)->name, "Bonk Inu");
  EXPECT_EQ((*found)->decimals, 6);
  EXPECT_TRUE((*found)->is_active);
  EXPECT_EQ((*found)->updated_at, at(2));
  auto absent = read_result(repo(), [](Transaction& tx) { return tx.find_token(usdc()); });
  EXPECT_TRUE(absent.ok() && !absent->has_value());
}

TEST_P(RepositoryContract, finds_only_active_tokens_by_symbol_case_insensitively) {
  auto setup = write_result(repo(), [](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.upsert_token(TokenRecord{bonk(), "BONK", "Bonk", 5, true, at(1)}));
    KT_TRY_VOID(tx.upsert_token(TokenRecord{usdc(), "USDC", "USD Coin", 6, true, at(1)}));
    return tx.upsert_token(TokenRecord{jup(), "bonk", "copycat", 9, false, at(1)});
  });
  ASSERT_TRUE(setup.ok()) << why(setup);
  auto symbols = [&](const std::string& symbol) {
    std::vector<std::string> out;
    auto found = read_result(repo(), [&](Transaction& tx) { return tx.find_tokens_by_symbol(symbol); });
    EXPECT_TRUE(found.ok()) << why(found);
    if (found.ok()) {
      for (const auto& t : *found) out.push_back(t.mint.to_string());
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(symbols("bonk"), (std::vector<std::string>{bonk().to_string()}));
  ASSERT_TRUE(write_result(repo(), [](Transaction& tx) { return tx.set_token_active(jup(), true); }).ok());
  auto both = std::vector<std::string>{bonk().to_string(), jup().to_string()};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(symbols("BoNk"), both);
  ASSERT_TRUE(write_result(repo(), [](Transaction& tx) { return tx.set_token_active(bonk(), false); }).ok());
  EXPECT_EQ(symbols("BONK"), (std::vector<std::string>{jup().to_string()}));
  auto hidden = read_result(repo(), [](Transaction& tx) { return tx.find_token(bonk()); });
  ASSERT_TRUE(hidden.ok() && hidden->has_value());
  EXPECT_FALSE((*hidden)->is_active);
  auto unknown = write_result(repo(), [](Transaction& tx) { return tx.set_token_active(wsol(), true); });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
}

TEST_P(RepositoryContract, latest_price_is_the_newest_observation_of_that_mint) {
  auto none = read_result(repo(), [](Transaction& tx) { return tx.latest_price(bonk()); });
  ASSERT_TRUE(none.ok() && !none->has_value()) << why(none);
  const Price p1 = Price::from_ratio(1, 3).value();
  const Price p2 = Price::from_ratio(2, 3).value();
  const Price p3 = huge_price();
  auto setup = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.insert_price(PriceRecord{bonk(), p1, 5, std::nullopt, "pumpfun", at(100)}));
    KT_TRY_VOID(tx.insert_price(PriceRecord{bonk(), p3, 5, 0.25, "dexscreener", at(300)}));
    KT_TRY_VOID(tx.insert_price(PriceRecord{bonk(), p2, 5, std::nullopt, "jupiter", at(200)}));
    return tx.insert_price(PriceRecord{usdc(), p1, 6, 1.0, "jupiter", at(900)});
  });
  ASSERT_TRUE(setup.ok()) << why(setup);
  auto latest = read_result(repo(), [](Transaction& tx) { return tx.latest_price(bonk()); });
  ASSERT_TRUE(latest.ok() && latest->has_value()) << why(latest);
  const PriceRecord& got = **latest;
  EXPECT_EQ(got.mint, bonk());
  EXPECT_TRUE(got.price == p3);
  EXPECT_EQ(got.decimals, 5);
  EXPECT_EQ(got.usd_per_token, 0.25);
  EXPECT_EQ(got.source, "dexscreener");
  EXPECT_EQ(got.observed_at, at(300));
}

TEST_P(RepositoryContract, price_history_returns_the_inclusive_range_oldest_first) {
  auto setup = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    for (std::int64_t t : {400, 100, 300, 200}) {
      KT_TRY_VOID(tx.insert_price(
          PriceRecord{bonk(), Price::from_ratio(static_cast<u128>(t), 7).value(), 5, std::nullopt, "demo", at(t)}));
    }
    return ok_result();
  });
  ASSERT_TRUE(setup.ok()) << why(setup);
  auto history = read_result(repo(), [](Transaction& tx) { return tx.price_history(bonk(), at(150), at(300)); });
  ASSERT_TRUE(history.ok()) << why(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].observed_at, at(200));
  EXPECT_TRUE((*history)[0].price == Price::from_ratio(200, 7).value());
  EXPECT_EQ((*history)[1].observed_at, at(300));
  EXPECT_FALSE((*history)[1].usd_per_token.has_value());
  auto other = read_result(repo(), [](Transaction& tx) { return tx.price_history(usdc(), at(0), at(1000)); });
  EXPECT_TRUE(other.ok() && other->empty());
}

}  // namespace
}  // namespace kt::storage::contract
