// PostgreSQL-specific behaviour: migrations, exact types, prepared statements and query plans.
#include <gtest/gtest.h>

#include <barrier>
#include <limits>
#include <thread>

#include <fmt/format.h>

#include "storage/postgres/pg_statements.hpp"
#include "storage/postgres/postgres_repository.hpp"
#include "storage_pg/pg_test_env.hpp"

namespace kt::storage::pgtest {
namespace {

using postgres::PgConnection;

constexpr std::int64_t kT0 = 1'700'000'000'000;
const char* const kBonk = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";

std::string why(const Result<void>& r) { return r.ok() ? "ok" : r.error().code + ": " + r.error().message; }

std::string explain(PgConnection& conn, const std::string& query) {
  auto r = conn.exec("EXPLAIN " + query);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  std::string out;
  if (!r.ok()) return out;
  for (int i = 0; i < r->rows(); ++i) out += std::string(r->text(i, 0)) + "\n";
  return out;
}

/// The generic plan of a prepared statement, i.e. what the repository runs with parameters.
std::string explain_generic(PgConnection& conn, const std::string& name, const std::string& sql,
                            const std::string& args) {
  EXPECT_TRUE(conn.exec(fmt::format("PREPARE {} AS {}", name, sql)).ok());
  EXPECT_TRUE(conn.exec("SET plan_cache_mode = force_generic_plan").ok());
  std::string plan = explain(conn, fmt::format("EXECUTE {}({})", name, args));
  EXPECT_TRUE(conn.exec("RESET plan_cache_mode").ok());
  return plan;
}

TEST(PostgresRepository, reports_backend_name_and_applies_every_migration_once) {
  KT_REQUIRE_PG();
  auto repo = fresh_repository();
  ASSERT_NE(repo, nullptr);
  EXPECT_EQ(repo->backend_name(), "postgresql");
  auto versions = repo->applied_migrations();
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(*versions, (std::vector<int>{1, 2, 3, 4, 5}));
  ASSERT_TRUE(repo->migrate().ok());  // idempotent
  EXPECT_EQ(*repo->applied_migrations(), (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(PostgresRepository, unreachable_server_is_a_retryable_storage_error) {
  auto repo = postgres::open_postgres_repository("postgresql://nobody:x@127.0.0.1:1/none", 2);
  ASSERT_FALSE(repo.ok());
  EXPECT_EQ(repo.error().code, "E-STORAGE");
  EXPECT_TRUE(repo.error().retryable());
}

TEST(PostgresRepository, migrate_from_two_processes_at_once_applies_each_migration_exactly_once) {
  KT_REQUIRE_PG();
  FreshSchema schema = fresh_schema();
  auto a = postgres::open_postgres_repository(schema.url, 1);
  auto b = postgres::open_postgres_repository(schema.url, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  std::barrier start(2);
  Result<void> ra, rb;
  std::thread ta([&] {
    start.arrive_and_wait();
    ra = (*a)->migrate();
  });
  std::thread tb([&] {
    start.arrive_and_wait();
    rb = (*b)->migrate();
  });
  ta.join();
  tb.join();
  EXPECT_TRUE(ra.ok()) << why(ra);
  EXPECT_TRUE(rb.ok()) << why(rb);
  auto admin = admin_connection(schema.url);
  ASSERT_NE(admin, nullptr);
  auto rows = admin->exec("SELECT count(*), min(version), max(version) FROM schema_migrations");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->int64(0, 0), 5);
  EXPECT_EQ(rows->int64(0, 1), 1);
  EXPECT_EQ(rows->int64(0, 2), 5);
  auto tables = admin->exec(
      fmt::format("SELECT count(*) FROM information_schema.tables WHERE table_schema = '{}'", schema.schema));
  ASSERT_TRUE(tables.ok());
  // 8 tables of 0001, orders and group_members of 0002, contests and contest_entries of 0004,
  // schema_migrations.
  EXPECT_EQ(tables->int64(0, 0), 13);
  // By name: the seed's six tables and what the design adds.
  auto names =
      admin->exec(fmt::format("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
                              "WHERE table_schema = '{}'",
                              schema.schema));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(std::string(names->text(0, 0)),
            "contest_entries,contests,group_members,orders,positions,processed_updates,schema_migrations,"
            "solana_tokens,token_metrics,token_prices,users,virtual_wallets,wallet_ledger");
  auto unique_telegram_id = admin->exec(
      fmt::format("SELECT count(*) FROM pg_indexes WHERE schemaname = '{}' AND tablename = 'users' AND indexdef LIKE "
                  "'CREATE UNIQUE INDEX % ON %users USING btree (telegram_id)'",
                  schema.schema));
  ASSERT_TRUE(unique_telegram_id.ok());
  EXPECT_EQ(unique_telegram_id->int64(0, 0), 1);
}

TEST(PostgresRepository, stores_u64_quantities_and_u128_prices_exactly) {
  KT_REQUIRE_PG();
  auto repo = fresh_repository();
  ASSERT_NE(repo, nullptr);
  // Prices keep their terms below 2^100 (domain/price.cpp); 2^99 + 1 over 10^29 is reduced and
  // needs 100 bits: far beyond what a double or a BIGINT could hold.
  const u128 num = (u128{1} << 99) + 1;
  const u128 den = u128{100'000'000'000'000'000ULL} * 1'000'000'000'000ULL;  // 10^29
  Position stored;
  auto done = repo->write([&](Transaction& tx) -> Result<void> {
    KT_TRY(User user, tx.insert_user(NewUser{TelegramUserId{7}, "exact", Role::kBasic, Lamports{10}, {}}));
    Position p;
    p.user = user.id;
    p.mint = Mint::parse(kBonk).value();
    p.qty_raw = std::numeric_limits<std::uint64_t>::max();
    p.initial_qty_raw = p.qty_raw;
    p.entry_price = Price::from_ratio(num, den).value();
    p.cost = Lamports{std::numeric_limits<std::int64_t>::max()};
    p.opened_at = from_unix_millis(kT0);
    KT_TRY(stored, tx.insert_position(p));
    return {};
  });
  ASSERT_TRUE(done.ok()) << why(done);
  auto read = repo->read([&](Transaction& tx) -> Result<void> {
    KT_TRY(Position p, tx.lock_position(stored.id));
    EXPECT_EQ(p.qty_raw, std::numeric_limits<std::uint64_t>::max());
    EXPECT_TRUE(p.entry_price.num() == num);
    EXPECT_TRUE(p.entry_price.den() == den);
    EXPECT_EQ(p.cost.value, std::numeric_limits<std::int64_t>::max());
    return {};
  });
  EXPECT_TRUE(read.ok()) << why(read);  // lock_position in read() reads without FOR UPDATE
  auto locked = repo->write([&](Transaction& tx) -> Result<void> {
    KT_TRY(Position p, tx.lock_position(stored.id));
    EXPECT_EQ(p.qty_raw, std::numeric_limits<std::uint64_t>::max());
    EXPECT_TRUE(p.entry_price.num() == num && p.entry_price.den() == den);
    return {};
  });
  EXPECT_TRUE(locked.ok()) << why(locked);
}

TEST(PostgresRepository, failed_statement_makes_the_whole_write_fail_and_roll_back) {
  KT_REQUIRE_PG();
  auto repo = fresh_repository();
  ASSERT_NE(repo, nullptr);
  auto done = repo->write([&](Transaction& tx) -> Result<void> {
    KT_TRY(User user, tx.insert_user(NewUser{TelegramUserId{1}, "a", Role::kBasic, Lamports{100}, {}}));
    Position p;  // a position of a user that does not exist:
    p.user = UserId{user.id.value + 1000};
    p.mint = Mint::parse(kBonk).value();
    auto inserted = tx.insert_position(p);  // foreign key violation aborts the PG transaction
    EXPECT_FALSE(inserted.ok());
    EXPECT_EQ(inserted.error().kind, ErrorKind::kRejected);
    return {};  // the work "ignores" the error: the backend must still not commit
  });
  EXPECT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, "E-STORAGE");
  auto count = repo->read([&](Transaction& tx) -> Result<void> {
    KT_TRY(std::int64_t n, tx.count_users());
    EXPECT_EQ(n, 0);
    return {};
  });
  EXPECT_TRUE(count.ok()) << why(count);
}

TEST(PostgresRepository, open_positions_query_uses_idx_open_positions) {
  KT_REQUIRE_PG();
  FreshSchema schema;
  auto repo = fresh_repository(2, &schema);
  ASSERT_NE(repo, nullptr);
  auto admin = admin_connection(schema.url);
  ASSERT_NE(admin, nullptr);
  // 1,000 users, 40,000 positions of which 1 in 20 open: a realistic history-heavy table.
  ASSERT_TRUE(
      admin
          ->exec("INSERT INTO users (telegram_id, role, created_at, last_active_at) "
                 "SELECT g, 'basic', 0, 0 FROM generate_series(1, 1000) g; "
                 "INSERT INTO positions (user_id, token_address, symbol, decimals, side, status, qty_raw, "
                 "initial_qty_raw, "
                 "cost_lamports, initial_cost_lamports, entry_notional_lamports, entry_price_num, entry_price_den, "
                 "opened_at, closed_at) "
                 "SELECT (g % 1000) + 1, 'mint' || (g % 97), 'SYM', 6, 'long', "
                 "CASE WHEN g % 20 = 0 THEN 'open' ELSE 'closed' END, 1, 1, 1, 1, 1, 1, 1, g, "
                 "CASE WHEN g % 20 = 0 THEN NULL ELSE g + 1 END FROM generate_series(1, 40000) g; "
                 "ANALYZE users, positions")
          .ok());
  const std::string seed_query = "SELECT * FROM positions WHERE user_id = 42 AND status = 'open'";
  EXPECT_NE(explain(*admin, seed_query).find("idx_open_positions"), std::string::npos) << explain(*admin, seed_query);
  const std::string generic = explain_generic(*admin, "open_q", postgres::sql::kOpenPositions.sql, "42");
  EXPECT_NE(generic.find("idx_open_positions"), std::string::npos) << generic;
  const std::string count = explain_generic(*admin, "count_q", postgres::sql::kCountOpenPositions.sql, "42");
  EXPECT_NE(count.find("idx_open_positions"), std::string::npos) << count;
  // The history query goes to its own partial index, never to idx_open_positions.
  const std::string closed = explain_generic(*admin, "closed_q", postgres::sql::kClosedPositions.sql, "42, 10");
  EXPECT_NE(closed.find("idx_closed_positions"), std::string::npos) << closed;
}

TEST(PostgresRepository, active_token_lookup_uses_idx_token_address_status) {
  KT_REQUIRE_PG();
  FreshSchema schema;
  auto repo = fresh_repository(2, &schema);
  ASSERT_NE(repo, nullptr);
  auto admin = admin_connection(schema.url);
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(
      admin
          ->exec("INSERT INTO solana_tokens (token_address, symbol, name, decimals, is_active, created_at, updated_at) "
                 "SELECT 'mint' || g, 'S' || g, 'N', 6, g % 10 <> 0, 0, 0 FROM generate_series(1, 20000) g; "
                 "ANALYZE solana_tokens")
          .ok());
  const std::string seed_query = "SELECT * FROM solana_tokens WHERE token_address = 'mint77' AND is_active";
  const std::string plan = explain(*admin, seed_query);
  EXPECT_NE(plan.find("idx_token_address_status"), std::string::npos) << plan;
  const std::string generic = explain_generic(
      *admin, "tok_q", "SELECT * FROM solana_tokens WHERE token_address = $1 AND is_active", "'mint77'");
  EXPECT_NE(generic.find("idx_token_address_status"), std::string::npos) << generic;
  // find_token: the active branch on the seed index, the inactive branch on its complement.
  const std::string find = explain_generic(*admin, "find_q", postgres::sql::kFindToken.sql, "'mint77'");
  EXPECT_NE(find.find("idx_token_address_status"), std::string::npos) << find;
  EXPECT_NE(find.find("idx_token_address_inactive"), std::string::npos) << find;
}

TEST(PostgresRepository, pending_orders_for_mint_uses_idx_pending_orders_token) {
  KT_REQUIRE_PG();
  FreshSchema schema;
  auto repo = fresh_repository(2, &schema);
  ASSERT_NE(repo, nullptr);
  auto admin = admin_connection(schema.url);
  ASSERT_NE(admin, nullptr);
  // 500 users, 50,000 orders over 200 mints of which 1 in 25 is still pending: a history-heavy table.
  ASSERT_TRUE(
      admin
          ->exec(
              "INSERT INTO users (telegram_id, role, created_at, last_active_at) "
              "SELECT g, 'basic', 0, 0 FROM generate_series(1, 500) g; "
              "INSERT INTO orders (user_id, kind, status, token_address, decimals, side, size_lamports, created_at, "
              "updated_at) SELECT (g % 500) + 1, 'limit_buy', CASE WHEN g % 25 = 0 THEN 'pending' ELSE 'filled' END, "
              "'mint' || (g % 200), 6, 'long', 1000, g, g FROM generate_series(1, 50000) g; "
              // Only these tables: a bare ANALYZE visits every schema earlier tests left in the
              // database and, on a long-reused cluster, ran out of lock memory.
              "ANALYZE users, orders")
          .ok());
  const std::string generic =
      explain_generic(*admin, "pending_q", postgres::sql::kPendingOrdersForMint.sql, "'mint77'");
  EXPECT_NE(generic.find("idx_pending_orders_token"), std::string::npos) << generic;
  const std::string by_position =
      explain_generic(*admin, "pending_pos_q", postgres::sql::kPendingOrdersForPosition.sql, "42");
  EXPECT_NE(by_position.find("idx_pending_orders_position"), std::string::npos) << by_position;
  const std::string of_user = explain_generic(*admin, "user_q", postgres::sql::kOrdersOfUser.sql, "42, true, 10");
  EXPECT_NE(of_user.find("idx_orders_user"), std::string::npos) << of_user;
}

TEST(PostgresRepository, upsert_keeps_one_row_per_mint_across_activation_changes) {
  KT_REQUIRE_PG();
  FreshSchema schema;
  auto repo = fresh_repository(2, &schema);
  ASSERT_NE(repo, nullptr);
  const Mint bonk = Mint::parse(kBonk).value();
  auto done = repo->write([&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.upsert_token(TokenRecord{bonk, "BONK", "Bonk", 5, true, from_unix_millis(kT0)}));
    KT_TRY_VOID(tx.set_token_active(bonk, false));
    KT_TRY_VOID(tx.upsert_token(TokenRecord{bonk, "BONK2", "Bonk", 5, true, from_unix_millis(kT0 + 1)}));
    KT_TRY(std::optional<TokenRecord> t, tx.find_token(bonk));
    EXPECT_TRUE(t.has_value());
    if (t) {
      EXPECT_EQ(t->symbol, "BONK2");
      EXPECT_TRUE(t->is_active);
      EXPECT_EQ(to_unix_millis(t->updated_at), kT0 + 1);
    }
    return {};
  });
  ASSERT_TRUE(done.ok()) << why(done);
  auto admin = admin_connection(schema.url);
  ASSERT_NE(admin, nullptr);
  auto rows = admin->exec(fmt::format("SELECT count(*) FROM solana_tokens WHERE token_address = '{}'", kBonk));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->int64(0, 0), 1);
}

TEST(PostgresRepository, text_with_a_nul_byte_is_rejected_not_truncated) {
  KT_REQUIRE_PG();
  auto repo = fresh_repository();
  ASSERT_NE(repo, nullptr);
  auto done = repo->write([&](Transaction& tx) -> Result<void> {
    auto user = tx.insert_user(NewUser{TelegramUserId{5}, std::string("ab\0cd", 5), Role::kBasic, Lamports{1}, {}});
    EXPECT_FALSE(user.ok());
    if (!user.ok()) {
      EXPECT_EQ(user.error().code, "E-STORAGE");
      EXPECT_EQ(user.error().kind, ErrorKind::kRejected);
    }
    return {};
  });
  EXPECT_TRUE(done.ok()) << why(done);
}

}  // namespace
}  // namespace kt::storage::pgtest
