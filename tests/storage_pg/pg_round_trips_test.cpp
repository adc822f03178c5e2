// Round trips per trade transaction on PostgreSQL: what the write path promises (see
// pg_transaction.hpp and bench/storage_pg). Counted by the connection, so the test is exact.
#include <gtest/gtest.h>

#include "storage/contract_helpers.hpp"
#include "storage/postgres/pg_statements.hpp"
#include "storage/postgres/pg_transaction.hpp"
#include "storage_pg/pg_test_env.hpp"

namespace kt::storage::pgtest {
namespace {

using contract::at;
using postgres::PgConnection;
using postgres::PgTransaction;

Position sample_position(UserId user) {
  Position p;
  p.user = user;
  p.mint = Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263").value();
  p.symbol = "BONK";
  p.decimals = 5;
  p.qty_raw = p.initial_qty_raw = 1'000;
  p.cost = p.initial_cost = Lamports{500};
  p.entry_notional = Lamports{490};
  p.entry_price = Price::from_ratio(490, 1'000).value();
  p.opened_at = at(1);
  p.source = "test";
  return p;
}

LedgerEntry ledger_entry(UserId user, LedgerKind kind, std::int64_t amount, std::int64_t balance_after,
                         PositionId position) {
  LedgerEntry e = contract::entry(user, kind, amount, balance_after, at(1));
  e.position = position;
  return e;
}

struct Trade {
  std::int64_t open_round_trips = 0;
  std::int64_t close_round_trips = 0;
};

/// The engine's open and close of a position, each in its own transaction, on `conn`.
Trade open_and_close(PgConnection& conn, UserId user, std::int64_t update_id) {
  Trade out;
  PositionId id;
  std::int64_t before = conn.round_trips();
  {
    PgTransaction tx(conn, postgres::sql::kBeginWrite, false);
    auto w = tx.claim_update_and_lock_wallet(update_id, user, at(1));
    EXPECT_TRUE(w.ok() && w->has_value());
    if (!w.ok() || !w->has_value()) return out;
    EXPECT_TRUE(tx.count_open_positions(user).ok());
    auto p = tx.insert_position(sample_position(user));
    EXPECT_TRUE(p.ok());
    if (!p.ok()) return out;
    id = p->id;
    EXPECT_TRUE(
        tx.append_ledger_deferred(ledger_entry(user, LedgerKind::kOpen, -500, (*w)->balance.value - 500, id)).ok());
    EXPECT_TRUE(tx.commit().ok());
  }
  out.open_round_trips = conn.round_trips() - before;
  before = conn.round_trips();
  {
    PgTransaction tx(conn, postgres::sql::kBeginWrite, false);
    auto w = tx.claim_update_and_lock_wallet(update_id + 1, user, at(2));
    EXPECT_TRUE(w.ok() && w->has_value());
    if (!w.ok() || !w->has_value()) return out;
    auto p = tx.lock_position(id);
    EXPECT_TRUE(p.ok());
    if (!p.ok()) return out;
    p->status = PositionStatus::kClosed;
    p->qty_raw = 0;
    p->closed_at = at(2);
    EXPECT_TRUE(tx.update_position(*p).ok());
    EXPECT_TRUE(
        tx.append_ledger_deferred(ledger_entry(user, LedgerKind::kClose, 480, (*w)->balance.value + 480, id)).ok());
    EXPECT_TRUE(tx.commit().ok());
  }
  out.close_round_trips = conn.round_trips() - before;
  return out;
}

// An open: BEGIN + claim + lock | count | insert position | ledger + COMMIT. A close: BEGIN +
// claim + lock | lock position | update position + ledger + COMMIT. Statements are prepared in
// the pipeline that first uses them, so the first trade costs no extra round trip either.
TEST(PostgresRoundTrips, an_open_takes_four_round_trips_and_a_close_three) {
  KT_REQUIRE_PG();
  FreshSchema schema;
  auto repo = fresh_repository(1, &schema);
  ASSERT_NE(repo, nullptr);
  std::optional<User> user;
  ASSERT_TRUE(repo->write([&](Transaction& tx) -> Result<void> {
                    KT_TRY(user, tx.insert_user(NewUser{TelegramUserId{7}, "", Role::kBasic, Lamports{10'000}, at(0)}));
                    return {};
                  })
                  .ok());
  auto conn = PgConnection::connect(postgres::PgConnectOptions{schema.url});
  ASSERT_TRUE(conn.ok());
  for (std::int64_t update_id : {100, 200}) {  // the first trade prepares every statement
    const Trade trade = open_and_close(**conn, user->id, update_id);
    EXPECT_EQ(trade.open_round_trips, 4) << "update " << update_id;
    EXPECT_EQ(trade.close_round_trips, 3) << "update " << update_id;
  }
  auto wallet = repo->read([&](Transaction& tx) -> Result<void> {
    KT_TRY(const Wallet w, tx.get_wallet(user->id));
    KT_TRY(const Lamports sum, tx.ledger_sum(user->id));
    EXPECT_EQ(w.balance.value, 10'000 - 2 * 20);
    EXPECT_EQ(sum.value, -2 * 20);
    return {};
  });
  EXPECT_TRUE(wallet.ok());
}

}  // namespace
}  // namespace kt::storage::pgtest
