// Repository contract, migration 0002: conditional orders (round trip, locking, pending lists,
// rollback, racing fills), group members and the bot-wide counts.
#include <algorithm>
#include <atomic>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "storage/contract_helpers.hpp"
#include "storage/contract_suite.hpp"

namespace kt::storage::contract {
namespace {

/// A note no backend may mangle: quotes, SQL, non-ASCII.
const std::string kAwkwardNote = "it's \"quoted\" -- ünïcødé 🚀; DROP TABLE orders;";

/// A pending order of `user` on `token` with only the always-present fields set.
Order plain_order(UserId user, const Mint& token, OrderKind kind, TimePoint created) {
  Order o;
  o.user = user;
  o.kind = kind;
  o.status = OrderStatus::kPending;
  o.mint = token;
  o.decimals = 5;
  o.side = Side::kLong;
  o.created_at = created;
  o.updated_at = created;
  return o;
}

/// An order with every field set to something distinguishable, including the optional ones.
/// The prices keep unreduced terms, one of them 100 bits wide, which must come back as stored.
Order full_order(UserId user, PositionId position, PositionId filled, OrderKind kind, int variant) {
  Order o = plain_order(user, bonk(), kind, at(10 + variant));
  o.status = OrderStatus::kFailed;
  o.decimals = static_cast<std::uint8_t>(6 + variant);
  o.position = position;
  o.side = variant % 2 == 0 ? Side::kShort : Side::kLong;
  o.size = Lamports{9'000'000'000'000'000'000 + variant};
  o.trigger = Price::from_terms(huge_num(), 3).value();
  o.trail_bps = 1234u + static_cast<std::uint32_t>(variant);
  o.extreme = Price::from_terms(6, 4).value();
  o.close_percent = 25 + variant;
  o.expires_at = at(1'000'000 + variant);
  o.updated_at = at(20 + variant);
  o.filled_at = at(30 + variant);
  o.filled_position = filled;
  o.note = kAwkwardNote;
  return o;
}

void expect_same_order(const Order& a, const Order& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.mint, b.mint);
  EXPECT_EQ(a.decimals, b.decimals);
  EXPECT_EQ(a.position, b.position);
  EXPECT_EQ(a.side, b.side);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.trigger.has_value(), b.trigger.has_value());
  if (a.trigger && b.trigger) {
    EXPECT_EQ(u128_to_string(a.trigger->num()), u128_to_string(b.trigger->num()));
    EXPECT_EQ(u128_to_string(a.trigger->den()), u128_to_string(b.trigger->den()));
  }
  EXPECT_EQ(a.trail_bps, b.trail_bps);
  EXPECT_EQ(a.extreme.has_value(), b.extreme.has_value());
  if (a.extreme && b.extreme) {
    EXPECT_EQ(u128_to_string(a.extreme->num()), u128_to_string(b.extreme->num()));
    EXPECT_EQ(u128_to_string(a.extreme->den()), u128_to_string(b.extreme->den()));
  }
  EXPECT_EQ(a.close_percent, b.close_percent);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.filled_at, b.filled_at);
  EXPECT_EQ(a.filled_position, b.filled_position);
  EXPECT_EQ(a.note, b.note);
}

std::vector<std::int64_t> ids_of(const std::vector<Order>& orders) {
  std::vector<std::int64_t> ids;
  for (const auto& o : orders) ids.push_back(o.id.value);
  return ids;
}

/// Inserts `order` in its own transaction and returns it with its id (fails the test if it cannot).
Order add_order(Repository& repo, const Order& order) {
  auto stored = write_result(repo, [&](Transaction& tx) { return tx.insert_order(order); });
  EXPECT_TRUE(stored.ok()) << why(stored);
  return stored.ok() ? stored.value() : Order{};
}

PositionId add_position(Repository& repo, UserId user, const Mint& token, TimePoint opened) {
  auto stored =
      write_result(repo, [&](Transaction& tx) { return tx.insert_position(sample_position(user, token, opened)); });
  EXPECT_TRUE(stored.ok()) << why(stored);
  return stored.ok() ? stored->id : PositionId{};
}

// --- round trip -------------------------------------------------------------------------------

TEST_P(RepositoryContract, every_order_field_round_trips_exactly_for_each_kind) {
  const User u = add_user(repo(), 1001, 100);
  const PositionId position = add_position(repo(), u.id, bonk(), at(1));
  const PositionId filled = add_position(repo(), u.id, bonk(), at(2));
  const std::vector<OrderKind> kinds{OrderKind::kLimitBuy, OrderKind::kTakeProfit, OrderKind::kStopLoss,
                                     OrderKind::kTrailingStop};
  std::vector<Order> inserted;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const Order wanted = full_order(u.id, position, filled, kinds[i], static_cast<int>(i));
    const Order stored = add_order(repo(), wanted);
    EXPECT_GT(stored.id.value, 0);
    Order expected = wanted;
    expected.id = stored.id;
    expect_same_order(stored, expected);
    inserted.push_back(expected);
  }
  // A minimal order: every optional field absent.
  Order bare = plain_order(u.id, usdc(), OrderKind::kLimitBuy, at(50));
  bare.id = add_order(repo(), bare).id;
  inserted.push_back(bare);

  for (const Order& expected : inserted) {
    auto locked = write_result(repo(), [&](Transaction& tx) { return tx.lock_order(expected.id); });
    ASSERT_TRUE(locked.ok()) << why(locked);
    expect_same_order(*locked, expected);
    auto read = read_result(repo(), [&](Transaction& tx) { return tx.lock_order(expected.id); });
    ASSERT_TRUE(read.ok()) << why(read);
    expect_same_order(*read, expected);
  }
  auto all = read_result(repo(), [&](Transaction& tx) { return tx.orders_of_user(u.id, false, 10); });
  ASSERT_TRUE(all.ok()) << why(all);
  ASSERT_EQ(all->size(), 5u);
  for (std::size_t i = 0; i < inserted.size(); ++i) expect_same_order((*all)[inserted.size() - 1 - i], inserted[i]);
  auto pending = read_result(repo(), [&](Transaction& tx) { return tx.pending_orders_for_mint(usdc()); });
  ASSERT_TRUE(pending.ok() && pending->size() == 1u) << why(pending);
  expect_same_order(pending->front(), bare);
}

TEST_P(RepositoryContract, lock_and_update_of_a_missing_order_are_not_found) {
  auto locked = write_result(repo(), [](Transaction& tx) { return tx.lock_order(OrderId{424242}); });
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(locked.error().code, "E-NOT-FOUND");
  Order ghost = plain_order(UserId{1}, bonk(), OrderKind::kStopLoss, at(1));
  ghost.id = OrderId{424242};
  auto updated = write_result(repo(), [&](Transaction& tx) { return tx.update_order(ghost); });
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(updated.error().code, "E-NOT-FOUND");
}

TEST_P(RepositoryContract, update_order_stores_status_extreme_fill_and_note_and_keeps_the_rest) {
  const User u = add_user(repo(), 1001, 100);
  const PositionId opened = add_position(repo(), u.id, bonk(), at(1));
  Order trailing = plain_order(u.id, bonk(), OrderKind::kTrailingStop, at(2));
  trailing.trail_bps = 1000;
  trailing.extreme = Price::from_ratio(10, 1).value();
  trailing.size = Lamports{777};
  trailing.close_percent = 50;
  const Order stored = add_order(repo(), trailing);

  Order changed = stored;
  changed.status = OrderStatus::kFilled;
  changed.extreme = Price::from_terms(huge_num(), 7).value();
  changed.filled_at = at(9);
  changed.filled_position = opened;
  changed.note = kAwkwardNote;
  changed.updated_at = at(9);
  // Not part of an update: these must stay as inserted.
  changed.size = Lamports{1};
  changed.trail_bps = 1;
  changed.close_percent = 1;
  changed.trigger = Price::from_ratio(3, 1).value();
  changed.kind = OrderKind::kLimitBuy;
  auto updated = write_result(repo(), [&](Transaction& tx) { return tx.update_order(changed); });
  ASSERT_TRUE(updated.ok()) << why(updated);

  Order expected = stored;
  expected.status = OrderStatus::kFilled;
  expected.extreme = changed.extreme;
  expected.filled_at = at(9);
  expected.filled_position = opened;
  expected.note = kAwkwardNote;
  expected.updated_at = at(9);
  auto read = read_result(repo(), [&](Transaction& tx) { return tx.lock_order(stored.id); });
  ASSERT_TRUE(read.ok()) << why(read);
  expect_same_order(*read, expected);

  // Clearing the optional fields stores NULLs.
  Order cleared = expected;
  cleared.extreme.reset();
  cleared.filled_at.reset();
  cleared.filled_position.reset();
  cleared.note.clear();
  ASSERT_TRUE(write_result(repo(), [&](Transaction& tx) { return tx.update_order(cleared); }).ok());
  auto reread = read_result(repo(), [&](Transaction& tx) { return tx.lock_order(stored.id); });
  ASSERT_TRUE(reread.ok()) << why(reread);
  expect_same_order(*reread, cleared);
}

// --- pending lists ----------------------------------------------------------------------------

TEST_P(RepositoryContract, pending_orders_by_mint_user_and_position_come_in_the_stated_order) {
  const User a = add_user(repo(), 1001, 100);
  const User b = add_user(repo(), 1002, 100);
  const PositionId pa = add_position(repo(), a.id, bonk(), at(1));
  const PositionId pb = add_position(repo(), b.id, bonk(), at(1));
  Order tp = plain_order(a.id, bonk(), OrderKind::kTakeProfit, at(2));
  tp.position = pa;
  const Order a1 = add_order(repo(), tp);                                                      // a, bonk, pa
  const Order b1 = add_order(repo(), plain_order(b.id, bonk(), OrderKind::kLimitBuy, at(3)));  // b, bonk
  const Order a2 = add_order(repo(), plain_order(a.id, usdc(), OrderKind::kLimitBuy, at(4)));  // a, usdc
  Order sl = plain_order(a.id, bonk(), OrderKind::kStopLoss, at(5));
  sl.position = pa;
  const Order a3 = add_order(repo(), sl);  // a, bonk, pa
  Order done = plain_order(a.id, bonk(), OrderKind::kStopLoss, at(6));
  done.position = pa;
  done.status = OrderStatus::kCancelled;
  const Order a4 = add_order(repo(), done);  // a, bonk, pa, not pending
  Order other = plain_order(b.id, bonk(), OrderKind::kStopLoss, at(7));
  other.position = pb;
  const Order b2 = add_order(repo(), other);  // b, bonk, pb

  auto lists = read_result(repo(), [&](Transaction& tx) -> Result<std::vector<std::vector<Order>>> {
    std::vector<std::vector<Order>> out;
    KT_TRY(auto on_bonk, tx.pending_orders_for_mint(bonk()));
    KT_TRY(auto on_usdc, tx.pending_orders_for_mint(usdc()));
    KT_TRY(auto on_wsol, tx.pending_orders_for_mint(wsol()));
    KT_TRY(auto a_all, tx.orders_of_user(a.id, false, 10));
    KT_TRY(auto a_pending, tx.orders_of_user(a.id, true, 10));
    KT_TRY(auto a_two, tx.orders_of_user(a.id, false, 2));
    KT_TRY(auto a_unlimited, tx.orders_of_user(a.id, false, -1));
    KT_TRY(auto a_none, tx.orders_of_user(a.id, false, 0));
    KT_TRY(auto of_pa, tx.pending_orders_for_position(pa));
    KT_TRY(auto of_pb, tx.pending_orders_for_position(pb));
    KT_TRY(auto of_nothing, tx.pending_orders_for_position(PositionId{999'999}));
    for (auto* list : {&on_bonk, &on_usdc, &on_wsol, &a_all, &a_pending, &a_two, &a_unlimited, &a_none, &of_pa, &of_pb,
                       &of_nothing}) {
      out.push_back(std::move(*list));
    }
    return out;
  });
  ASSERT_TRUE(lists.ok()) << why(lists);
  using Ids = std::vector<std::int64_t>;
  const auto& l = *lists;
  EXPECT_EQ(ids_of(l[0]), (Ids{a1.id.value, b1.id.value, a3.id.value, b2.id.value}));  // oldest first
  EXPECT_EQ(ids_of(l[1]), (Ids{a2.id.value}));
  EXPECT_TRUE(l[2].empty());
  EXPECT_EQ(ids_of(l[3]), (Ids{a4.id.value, a3.id.value, a2.id.value, a1.id.value}));  // newest first
  EXPECT_EQ(ids_of(l[4]), (Ids{a3.id.value, a2.id.value, a1.id.value}));
  EXPECT_EQ(ids_of(l[5]), (Ids{a4.id.value, a3.id.value}));
  EXPECT_EQ(ids_of(l[6]), ids_of(l[3]));
  EXPECT_TRUE(l[7].empty());
  EXPECT_EQ(ids_of(l[8]), (Ids{a1.id.value, a3.id.value}));
  EXPECT_EQ(ids_of(l[9]), (Ids{b2.id.value}));
  EXPECT_TRUE(l[10].empty());
}

TEST_P(RepositoryContract, an_order_leaves_every_pending_list_when_its_status_changes) {
  const User u = add_user(repo(), 1001, 100);
  const PositionId p = add_position(repo(), u.id, bonk(), at(1));
  Order sl = plain_order(u.id, bonk(), OrderKind::kStopLoss, at(2));
  sl.position = p;
  const Order stop = add_order(repo(), sl);
  const Order limit = add_order(repo(), plain_order(u.id, usdc(), OrderKind::kLimitBuy, at(3)));
  auto cancelled = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY(Order o, tx.lock_order(stop.id));
    o.status = OrderStatus::kCancelled;
    o.note = "position closed";
    o.updated_at = at(4);
    return tx.update_order(o);
  });
  ASSERT_TRUE(cancelled.ok()) << why(cancelled);
  auto check = read_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY(auto on_bonk, tx.pending_orders_for_mint(bonk()));
    KT_TRY(auto of_p, tx.pending_orders_for_position(p));
    KT_TRY(auto pending, tx.orders_of_user(u.id, true, 10));
    KT_TRY(auto all, tx.orders_of_user(u.id, false, 10));
    KT_TRY(auto mints, tx.mints_with_pending_orders());
    EXPECT_TRUE(on_bonk.empty());
    EXPECT_TRUE(of_p.empty());
    EXPECT_EQ(ids_of(pending), std::vector<std::int64_t>{limit.id.value});
    EXPECT_EQ(ids_of(all), (std::vector<std::int64_t>{limit.id.value, stop.id.value}));
    EXPECT_EQ(all.size() == 2 ? all[1].status : OrderStatus::kPending, OrderStatus::kCancelled);
    EXPECT_EQ(mints, std::vector<Mint>{usdc()});
    return ok_result();
  });
  EXPECT_TRUE(check.ok()) << why(check);
}

TEST_P(RepositoryContract, mints_with_pending_orders_are_distinct) {
  const User a = add_user(repo(), 1001, 100);
  const User b = add_user(repo(), 1002, 100);
  add_order(repo(), plain_order(a.id, bonk(), OrderKind::kLimitBuy, at(1)));
  add_order(repo(), plain_order(b.id, bonk(), OrderKind::kLimitBuy, at(2)));
  add_order(repo(), plain_order(a.id, jup(), OrderKind::kLimitBuy, at(3)));
  add_order(repo(), plain_order(b.id, jup(), OrderKind::kLimitBuy, at(4)));
  Order filled = plain_order(a.id, wsol(), OrderKind::kLimitBuy, at(5));
  filled.status = OrderStatus::kFilled;
  add_order(repo(), filled);
  auto mints = read_result(repo(), [](Transaction& tx) { return tx.mints_with_pending_orders(); });
  ASSERT_TRUE(mints.ok()) << why(mints);
  std::vector<std::string> names;
  for (const auto& m : *mints) names.push_back(m.to_string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{bonk().to_string(), jup().to_string()}));
}

// --- transactions -----------------------------------------------------------------------------

TEST_P(RepositoryContract, rolled_back_update_order_leaves_the_order_pending) {
  const User u = add_user(repo(), 1001, 100);
  const Order limit = add_order(repo(), plain_order(u.id, bonk(), OrderKind::kLimitBuy, at(1)));
  auto failed = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY(Order o, tx.lock_order(limit.id));
    o.status = OrderStatus::kFilled;
    o.filled_at = at(2);
    o.updated_at = at(2);
    KT_TRY_VOID(tx.update_order(o));
    KT_TRY_VOID(tx.insert_order(plain_order(u.id, usdc(), OrderKind::kLimitBuy, at(2))));
    return rejected("E-TEST", "insufficient balance");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "E-TEST");
  auto check = read_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY(Order o, tx.lock_order(limit.id));
    KT_TRY(auto all, tx.orders_of_user(u.id, false, 10));
    KT_TRY(auto pending, tx.pending_orders_for_mint(bonk()));
    expect_same_order(o, limit);
    EXPECT_EQ(ids_of(all), std::vector<std::int64_t>{limit.id.value});
    EXPECT_EQ(ids_of(pending), std::vector<std::int64_t>{limit.id.value});
    return ok_result();
  });
  EXPECT_TRUE(check.ok()) << why(check);
}

TEST_P(RepositoryContract, racing_fills_of_one_pending_order_succeed_exactly_once) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 5;
  const User u = add_user(repo(), 1001, 100);
  for (int round = 0; round < kRounds; ++round) {
    const Order order = add_order(repo(), plain_order(u.id, bonk(), OrderKind::kLimitBuy, at(round)));
    std::atomic<int> fills{0};
    std::atomic<int> saw_filled{0};
    std::atomic<int> errors{0};
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        auto filled = write_result(repo(), [&](Transaction& tx) -> Result<bool> {
          KT_TRY(Order o, tx.lock_order(order.id));
          if (o.status != OrderStatus::kPending) return false;
          o.status = OrderStatus::kFilled;
          o.filled_at = at(100 + t);
          o.updated_at = at(100 + t);
          o.note = "filled by " + std::to_string(t);
          KT_TRY_VOID(tx.update_order(o));
          return true;
        });
        if (!filled.ok())
          ++errors;
        else if (*filled)
          ++fills;
        else
          ++saw_filled;
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(errors.load(), 0) << "round " << round;
    EXPECT_EQ(fills.load(), 1) << "round " << round;
    EXPECT_EQ(saw_filled.load(), kThreads - 1) << "round " << round;
    auto final_state = read_result(repo(), [&](Transaction& tx) { return tx.lock_order(order.id); });
    ASSERT_TRUE(final_state.ok()) << why(final_state);
    EXPECT_EQ(final_state->status, OrderStatus::kFilled);
    EXPECT_EQ(final_state->note.rfind("filled by ", 0), 0u) << final_state->note;
  }
}

}  // namespace
}  // namespace kt::storage::contract
