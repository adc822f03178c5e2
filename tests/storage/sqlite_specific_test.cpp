// Behaviour only the SQLite backend has: WAL, migrations, several processes on one file, busy and
// read-only files, the seed indexes and the query plans that rely on them.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/contract_helpers.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_repository.hpp"
#include "storage/sqlite_test_support.hpp"

namespace kt::storage::sqlite {
namespace {

using contract::add_user;
using contract::at;
using contract::move_money;
using contract::read_result;
using contract::why;
using contract::write_result;

std::unique_ptr<Repository> open_migrated(const std::string& path, SqliteOptions options = {}) {
  auto repo = open_sqlite_repository(path, options);
  EXPECT_TRUE(repo.ok()) << why(repo);
  if (!repo.ok()) return nullptr;
  const auto migrated = (*repo)->migrate();
  EXPECT_TRUE(migrated.ok()) << why(migrated);
  return std::move(repo).value();
}

/// A raw sqlite3 handle on the same file, to look behind the repository's back.
class RawDb {
 public:
  explicit RawDb(const std::string& path) { sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr); }
  ~RawDb() { sqlite3_close_v2(db_); }
  /// Every row of `sql` as text, columns joined by '|'.
  std::vector<std::string> rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* text = sqlite3_column_text(st, i);
        row += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
      out.push_back(row);
    }
    sqlite3_finalize(st);
    return out;
  }
  int exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }

 private:
  sqlite3* db_ = nullptr;
};

TEST(SqliteRepository, opens_a_file_database_in_wal_mode_creating_parent_directories) {
  sqlite_test::TempDbPath path;
  const std::string nested = std::filesystem::path(path.str()).parent_path().string() + "/a/b/kitrader.db";
  auto repo = open_migrated(nested);
  ASSERT_NE(repo, nullptr);
  EXPECT_TRUE(std::filesystem::exists(nested));
  EXPECT_EQ(repo->backend_name(), "sqlite");
  EXPECT_EQ(RawDb(nested).rows("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
}

TEST(SqliteRepository, migrate_twice_is_a_no_op) {
  sqlite_test::TempDbPath path;
  auto repo = open_sqlite_repository(path.str());
  ASSERT_TRUE(repo.ok()) << why(repo);
  auto before = (*repo)->applied_migrations();
  ASSERT_TRUE(before.ok()) << why(before);
  EXPECT_TRUE(before->empty());
  ASSERT_TRUE((*repo)->migrate().ok());
  add_user(**repo, 1001, 100);
  const auto again = (*repo)->migrate();
  ASSERT_TRUE(again.ok()) << why(again);
  auto applied = (*repo)->applied_migrations();
  ASSERT_TRUE(applied.ok()) << why(applied);
  EXPECT_EQ(*applied, (std::vector<int>{1, 2, 3, 4}));
  RawDb raw(path.str());
  EXPECT_EQ(raw.rows("SELECT version, name, applied_at > 1600000000000 FROM schema_migrations"),
            (std::vector<std::string>{"1|initial|1", "2|orders_groups|1", "3|reply_outbox|1", "4|contests|1"}));
  EXPECT_EQ(raw.rows("SELECT COUNT(*) FROM users"), std::vector<std::string>{"1"});
}

TEST(SqliteRepository, concurrent_migrate_from_two_repositories_applies_each_version_once) {
  sqlite_test::TempDbPath path;
  auto first = open_sqlite_repository(path.str());
  auto second = open_sqlite_repository(path.str());
  ASSERT_TRUE(first.ok() && second.ok());
  Result<void> a, b;
  std::thread other([&] { a = (*first)->migrate(); });
  b = (*second)->migrate();
  other.join();
  EXPECT_TRUE(a.ok()) << why(a);
  EXPECT_TRUE(b.ok()) << why(b);
  EXPECT_EQ(RawDb(path.str()).rows("SELECT COUNT(*), MIN(version) FROM schema_migrations"),
            std::vector<std::string>{"4|1"});
}

TEST(SqliteRepository, two_repositories_on_one_file_debit_exactly) {
  sqlite_test::TempDbPath path;
  auto first = open_migrated(path.str());
  auto second = open_migrated(path.str());  // another process would do the same
  ASSERT_TRUE(first && second);
  const User u = add_user(*first, 1001, 1'000'000);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Repository& repo = t % 2 == 0 ? *first : *second;
      for (int i = 0; i < 50; ++i) {
        if (!move_money(repo, u.id, -3, at(i)).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto wallet = read_result(*second, [&](Transaction& tx) { return tx.get_wallet(u.id); });
  ASSERT_TRUE(wallet.ok()) << why(wallet);
  EXPECT_EQ(wallet->balance.value, 1'000'000 - 4 * 50 * 3);
  EXPECT_EQ(RawDb(path.str()).rows("SELECT COUNT(*), SUM(amount_lamports) FROM wallet_ledger"),
            std::vector<std::string>{"200|-600"});
}

TEST(SqliteRepository, busy_database_yields_retryable_error_and_changes_nothing) {
  sqlite_test::TempDbPath path;
  auto holder = open_migrated(path.str());
  auto waiter = open_migrated(path.str(), SqliteOptions{4, std::chrono::milliseconds{20}});
  ASSERT_TRUE(holder && waiter);
  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  std::thread lock_holder([&] {
    auto held = holder->write([&](Transaction& tx) -> Result<void> {
      KT_TRY_VOID(tx.insert_user(NewUser{TelegramUserId{1}, "holder", Role::kBasic, Lamports{5}, at(0)}));
      holding = true;
      while (!release) std::this_thread::yield();
      return ok_result();
    });
    EXPECT_TRUE(held.ok()) << why(held);
  });
  while (!holding) std::this_thread::yield();
  auto blocked = write_result(*waiter, [](Transaction& tx) {
    return tx.insert_user(NewUser{TelegramUserId{2}, "waiter", Role::kBasic, Lamports{5}, at(0)});
  });
  release = true;
  lock_holder.join();
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().kind, ErrorKind::kRetryable);
  EXPECT_EQ(blocked.error().code, "E-STORAGE");
  EXPECT_EQ(blocked.error().message, "storage temporarily unavailable, nothing was changed");
  EXPECT_EQ(RawDb(path.str()).rows("SELECT telegram_id FROM users"), std::vector<std::string>{"1"});
}

TEST(SqliteRepository, read_only_database_file_refuses_writes_with_a_clear_error) {
  sqlite_test::TempDbPath path;
  {
    auto repo = open_migrated(path.str());
    ASSERT_NE(repo, nullptr);
    add_user(*repo, 1001, 100);
  }
  ASSERT_EQ(::chmod(path.str().c_str(), 0444), 0);
  // root ignores file modes; then make sqlite itself open the file read-only.
  const std::string target = ::access(path.str().c_str(), W_OK) == 0 ? "file:" + path.str() + "?mode=ro" : path.str();
  auto repo = open_sqlite_repository(target);
  ASSERT_TRUE(repo.ok()) << why(repo);
  auto refused = write_result(**repo, [](Transaction& tx) {
    return tx.insert_user(NewUser{TelegramUserId{2}, "x", Role::kBasic, Lamports{5}, at(0)});
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "E-STORAGE");
  EXPECT_EQ(refused.error().kind, ErrorKind::kFatal);
  EXPECT_NE(refused.error().message.find("database is read-only"), std::string::npos) << refused.error().message;
  auto count = read_result(**repo, [](Transaction& tx) { return tx.count_users(); });
  EXPECT_EQ(count.value_or(-1), 1) << why(count);
  repo->reset();
  ::chmod(path.str().c_str(), 0644);
  EXPECT_EQ(RawDb(path.str()).rows("SELECT COUNT(*) FROM users"), std::vector<std::string>{"1"});
}

TEST(SqliteRepository, seed_indexes_exist_with_their_exact_names_and_the_balance_check_holds) {
  sqlite_test::TempDbPath path;
  auto repo = open_migrated(path.str());
  ASSERT_NE(repo, nullptr);
  add_user(*repo, 1001, 100);
  RawDb raw(path.str());
  EXPECT_EQ(raw.rows("SELECT tbl_name, sql LIKE '%WHERE status = ''open''' FROM sqlite_master"
                     " WHERE type = 'index' AND name = 'idx_open_positions'"),
            std::vector<std::string>{"positions|1"});
  EXPECT_EQ(raw.rows("SELECT tbl_name, sql LIKE '%WHERE is_active' FROM sqlite_master"
                     " WHERE type = 'index' AND name = 'idx_token_address_status'"),
            std::vector<std::string>{"solana_tokens|1"});
  EXPECT_EQ(raw.exec("UPDATE virtual_wallets SET balance_lamports = -1"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.rows("SELECT balance_lamports FROM virtual_wallets"), std::vector<std::string>{"100"});
}

TEST(SqliteRepository, the_designs_tables_exist_by_name_and_telegram_ids_are_unique) {
  sqlite_test::TempDbPath path;
  auto repo = open_migrated(path.str());
  ASSERT_NE(repo, nullptr);
  add_user(*repo, 1001, 100);
  RawDb raw(path.str());
  // The seed's six tables, then wallet_ledger, orders, processed_updates, schema_migrations and
  // the later group and contest tables.
  EXPECT_EQ(raw.rows("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND "
                     "name NOT LIKE 'sqlite_%' ORDER BY name)"),
            std::vector<std::string>{"contest_entries,contests,group_members,orders,positions,processed_updates,"
                                     "schema_migrations,solana_tokens,token_metrics,token_prices,users,virtual_"
                                     "wallets,wallet_ledger"});
  EXPECT_EQ(raw.exec("INSERT INTO users (telegram_id, role, created_at, last_active_at) VALUES (1001, 'basic', 0, 0)"),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.rows("SELECT COUNT(*) FROM users WHERE telegram_id = 1001"), std::vector<std::string>{"1"});
}

TEST(SqliteRepository, open_positions_queries_use_idx_open_positions) {
  sqlite_test::TempDbPath path;
  auto repo = open_migrated(path.str());
  ASSERT_NE(repo, nullptr);
  RawDb raw(path.str());
  for (const char* query : {sql::kOpenPositions, sql::kCountOpenPositions}) {
    const auto plan = raw.rows(std::string("EXPLAIN QUERY PLAN ") + query);
    ASSERT_FALSE(plan.empty()) << query;
    EXPECT_NE(plan[0].find("USING INDEX idx_open_positions"), std::string::npos) << plan[0];
  }
}

TEST(SqliteRepository, in_memory_repositories_are_private_to_each_repository) {
  auto first = open_migrated(":memory:");
  auto second = open_migrated(":memory:");
  ASSERT_TRUE(first && second);
  add_user(*first, 1001, 100);
  auto counts = std::pair{read_result(*first, [](Transaction& tx) { return tx.count_users(); }),
                          read_result(*second, [](Transaction& tx) { return tx.count_users(); })};
  EXPECT_EQ(counts.first.value_or(-1), 1);
  EXPECT_EQ(counts.second.value_or(-1), 0);
}

TEST(SqliteRepository, writes_inside_read_are_refused) {
  for (const char* target_name : {":memory:", "file"}) {
    const std::string target = target_name;
    sqlite_test::TempDbPath path;
    auto repo = open_migrated(target == "file" ? path.str() : target);
    ASSERT_NE(repo, nullptr);
    auto refused = read_result(*repo, [](Transaction& tx) {
      return tx.insert_user(NewUser{TelegramUserId{2}, "x", Role::kBasic, Lamports{5}, at(0)});
    });
    ASSERT_FALSE(refused.ok()) << target;
    EXPECT_EQ(refused.error().code, "E-STORAGE");
    EXPECT_NE(refused.error().message.find("read-only"), std::string::npos) << refused.error().message;
    add_user(*repo, 3, 1);  // the writer is writable again afterwards
    EXPECT_EQ(read_result(*repo, [](Transaction& tx) { return tx.count_users(); }).value_or(-1), 1) << target;
  }
}

TEST(SqliteConnection, refusing_writes_stops_a_write_without_recompiling_the_cached_statements) {
  static constexpr char kInsert[] = "INSERT INTO t(x) VALUES(?1)";
  static constexpr char kCount[] = "SELECT count(*) FROM t";
  auto opened = Connection::open(":memory:", ConnectionOptions{});
  ASSERT_TRUE(opened.ok()) << why(opened);
  Connection& db = **opened;
  ASSERT_TRUE(db.exec("CREATE TABLE t(x INTEGER)", "creating t").ok());
  const auto insert = [&](std::int64_t x) {
    auto st = db.prepare(kInsert);
    EXPECT_TRUE(st.ok());
    st->bind(1, x);
    auto ran = st->run();
    return std::pair{ran.ok() ? std::string() : ran.error().message, st->times_reprepared()};
  };
  const auto count = [&] {
    auto st = db.prepare(kCount);
    EXPECT_TRUE(st.ok() && st->step().value_or(false));
    return st->column_int64(0);
  };
  EXPECT_EQ(insert(1).first, "");
  db.refuse_writes(true);
  const auto refused = insert(2).first;
  EXPECT_NE(refused.find("database is read-only"), std::string::npos) << refused;
  EXPECT_EQ(count(), 1);
  db.refuse_writes(false);
  EXPECT_EQ(insert(3), std::pair(std::string(), 0));  // still the statement compiled first
  EXPECT_EQ(count(), 2);
  // What the flag replaces: toggling PRAGMA query_only expires every cached statement.
  ASSERT_TRUE(db.exec("PRAGMA query_only = ON", "on").ok());
  ASSERT_TRUE(db.exec("PRAGMA query_only = OFF", "off").ok());
  EXPECT_EQ(insert(4), std::pair(std::string(), 1));
}

TEST(SqliteErrors, maps_result_codes_to_retryable_or_fatal_errors_naming_the_cause) {
  const Error busy = sqlite_error(SQLITE_BUSY, nullptr, "beginning");
  EXPECT_EQ(busy.kind, ErrorKind::kRetryable);
  EXPECT_EQ(busy.code, "E-STORAGE");
  EXPECT_EQ(busy.message, "storage temporarily unavailable, nothing was changed");
  EXPECT_EQ(sqlite_error(SQLITE_LOCKED_SHAREDCACHE, nullptr, "x").kind, ErrorKind::kRetryable);
  const Error full = sqlite_error(SQLITE_FULL, nullptr, "committing");
  EXPECT_EQ(full.kind, ErrorKind::kFatal);
  EXPECT_EQ(full.message, "disk is full (while committing)");
  EXPECT_EQ(sqlite_error(SQLITE_READONLY_DBMOVED, nullptr, "x").message, "database is read-only (while x)");
  EXPECT_EQ(sqlite_error(SQLITE_IOERR_WRITE, nullptr, "x").message, "disk I/O error (while x)");
  EXPECT_EQ(sqlite_error(SQLITE_CONSTRAINT_UNIQUE, nullptr, "x").kind, ErrorKind::kRejected);
}

TEST(SqliteMigrations, orders_by_version_and_refuses_bad_names_and_duplicates) {
  const EmbeddedFile ordered[] = {{"0002_more.sql", "B"}, {"0001_initial.sql", "A"}};
  auto parsed = parse_migrations(ordered);
  ASSERT_TRUE(parsed.ok()) << why(parsed);
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].version, 1);
  EXPECT_EQ((*parsed)[0].name, "initial");
  EXPECT_EQ((*parsed)[1].sql, "B");
  const EmbeddedFile unnamed[] = {{"initial.sql", "A"}};
  EXPECT_FALSE(parse_migrations(unnamed).ok());
  const EmbeddedFile duplicate[] = {{"0001_a.sql", "A"}, {"1_b.sql", "B"}};
  EXPECT_FALSE(parse_migrations(duplicate).ok());
  auto embedded = parse_migrations(migrations());
  ASSERT_TRUE(embedded.ok()) << why(embedded);
  EXPECT_EQ(embedded->front().version, 1);
}

}  // namespace
}  // namespace kt::storage::sqlite
