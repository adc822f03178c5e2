// `kitrader backup`: SQLite online backup, restore by copying the file back, retention, and
// pg_dump/pg_restore when KITRADER_PG_TEST_DSN names a test cluster.
#include "app/backup.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "storage/contract_helpers.hpp"
#include "storage/repository.hpp"

namespace kt::app {
namespace {

namespace fs = std::filesystem;
using storage::contract::add_user;
using storage::contract::bonk;
using storage::contract::move_money;
using storage::contract::read_result;
using storage::contract::sample_position;
using storage::contract::write_result;

const TimePoint kNow = from_unix_millis(1'795'480'200'000);  // 2026-11-24 00:30:00 UTC

struct Backup : ::testing::Test {
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("kt-backup-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
};

/// The versions of migrations/<backend>/*.sql, the way the binary embeds them.
std::vector<int> migration_versions(const std::string& backend) {
  std::vector<int> v;
  for (const auto& e : fs::directory_iterator(std::string(KT_SOURCE_DIR) + "/migrations/" + backend)) {
    if (e.path().extension() == ".sql") v.push_back(std::stoi(e.path().filename().string()));
  }
  std::sort(v.begin(), v.end());
  return v;
}

struct Balances {
  std::int64_t alice = 0, bob = 0;
  std::int64_t alice_open = 0;
  UserId bob_id;
};

/// Two users, an open position and some closes: the money a backup must carry.
Balances trade(storage::Repository& repo) {
  const User alice = add_user(repo, 1001, 1'000'000'000'000, "alice");
  const User bob = add_user(repo, 1002, 1'000'000'000'000, "bob");
  auto opened = write_result(repo, [&](storage::Transaction& tx) -> Result<Position> {
    KT_TRY(auto wallet, tx.lock_wallet(alice.id));
    KT_TRY(auto p, tx.insert_position(sample_position(alice.id, bonk(), storage::contract::at(5))));
    LedgerEntry e = storage::contract::entry(alice.id, LedgerKind::kOpen, -p.cost.value,
                                             wallet.balance.value - p.cost.value, storage::contract::at(5));
    e.position = p.id;
    KT_TRY_VOID(tx.append_ledger(e).ok() ? ok_result() : Result<void>(retryable("E-X", "append")));
    return p;
  });
  EXPECT_TRUE(opened.ok());
  EXPECT_TRUE(move_money(repo, bob.id, -2'500'000'000, storage::contract::at(6)).ok());
  EXPECT_TRUE(move_money(repo, bob.id, 2'750'000'000, storage::contract::at(7)).ok());
  return {1'000'000'000'000 - 1'000'005'000, 1'000'250'000'000, 1, bob.id};
}

void expect_same_money(storage::Repository& repo, const Balances& expected) {
  auto state = read_result(repo, [&](storage::Transaction& tx) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> out;
    for (std::int64_t tg : {1001, 1002}) {
      KT_TRY(auto user, tx.find_user_by_telegram_id(TelegramUserId{tg}));
      if (!user) return not_found("E-NO-USER", "missing user");
      KT_TRY(auto wallet, tx.get_wallet(user->id));
      KT_TRY(auto sum, tx.ledger_sum(user->id));
      // The ledger invariant: balance == initial + Σ ledger.
      EXPECT_EQ(wallet.balance.value, wallet.initial.value + sum.value) << "telegram id " << tg;
      out.push_back(wallet.balance.value);
      KT_TRY(auto open, tx.count_open_positions(user->id));
      out.push_back(open);
    }
    return out;
  });
  ASSERT_TRUE(state.ok()) << storage::contract::why(state);
  EXPECT_EQ(*state, (std::vector<std::int64_t>{expected.alice, expected.alice_open, expected.bob, 0}));
}

TEST(BackupNames, names_carry_the_utc_timestamp) {
  EXPECT_EQ(backup_file_name(kNow, "db"), "kitrader-20261124-003000.db");
  EXPECT_EQ(backup_file_name(kNow + std::chrono::milliseconds(1999), "dump"), "kitrader-20261124-003001.dump");
  ops::Config c;
  EXPECT_EQ(default_backup_dir(c), "data/backups");
  c.database.url = "postgresql://kt@db/kitrader";
  EXPECT_EQ(default_backup_dir(c), "backups");
}

TEST_F(Backup, sqlite_backup_restores_balances_positions_and_the_ledger_invariant) {
  const std::string db_path = (dir / "live" / "kitrader.db").string();
  ops::Config config;
  config.database.url = "sqlite://" + db_path;
  auto repo = storage::open_repository(config.database.url);
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE((*repo)->migrate().ok());
  const Balances expected = trade(**repo);

  // Online: the live repository stays open (WAL) while the backup runs.
  auto outcome = run_backup(config, BackupOptions{(dir / "backups").string(), 7, "pg_dump"}, kNow);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->path, (dir / "backups" / "kitrader-20261124-003000.db").string());
  EXPECT_GT(outcome->bytes, 0u);
  EXPECT_TRUE(outcome->removed.empty());
  EXPECT_FALSE(fs::exists(outcome->path + "-wal"));
  EXPECT_EQ(fs::status(outcome->path).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);

  // A write after the backup must not be in it.
  ASSERT_TRUE(move_money(**repo, expected.bob_id, -1'000, kNow).ok());

  // Restore as docs/operations.md says: copy the file into place (no stale -wal/-shm), open, check.
  const fs::path restored = dir / "restored" / "kitrader.db";
  fs::create_directories(restored.parent_path());
  fs::copy_file(outcome->path, restored);
  auto back = storage::open_repository("sqlite://" + restored.string());
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE((*back)->migrate().ok());
  EXPECT_EQ(*(*back)->applied_migrations(), migration_versions("sqlite"));
  expect_same_money(**back, expected);
}

TEST_F(Backup, backup_of_a_missing_database_is_a_fatal_error) {
  ops::Config config;
  config.database.url = "sqlite://" + (dir / "none.db").string();
  auto outcome = run_backup(config, BackupOptions{(dir / "b").string(), 7, "pg_dump"}, kNow);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "E-BACKUP");
  EXPECT_EQ(outcome.error().kind, ErrorKind::kFatal);
  EXPECT_FALSE(fs::exists(dir / "b" / "kitrader-20261124-003000.db.partial"));
}

TEST_F(Backup, retention_keeps_the_newest_n_and_ignores_other_files) {
  const fs::path b = dir / "b";
  fs::create_directories(b);
  for (const char* name :
       {"kitrader-20261120-010000.db", "kitrader-20261121-010000.db", "kitrader-20261122-010000.dump",
        "kitrader-20261123-010000.db", "kitrader-20261124-010000.db", "notes.txt", "kitrader-latest.db",
        "kitrader-20261119-010000.db.partial"}) {
    std::ofstream(b / name) << "x";
  }
  auto removed = apply_retention(b.string(), 3);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, (std::vector<std::string>{(b / "kitrader-20261120-010000.db").string(),
                                                (b / "kitrader-20261121-010000.db").string()}));
  for (const char* kept :
       {"kitrader-20261122-010000.dump", "kitrader-20261123-010000.db", "kitrader-20261124-010000.db", "notes.txt",
        "kitrader-latest.db", "kitrader-20261119-010000.db.partial"}) {
    EXPECT_TRUE(fs::exists(b / kept)) << kept;
  }
  EXPECT_TRUE(apply_retention(b.string(), 0)->empty());
}

TEST_F(Backup, run_backup_applies_retention_after_each_success) {
  const std::string db_path = (dir / "kitrader.db").string();
  ops::Config config;
  config.database.url = "sqlite://" + db_path;
  {
    auto repo = storage::open_repository(config.database.url);
    ASSERT_TRUE(repo.ok());
    ASSERT_TRUE((*repo)->migrate().ok());
  }
  const BackupOptions options{(dir / "b").string(), 2, "pg_dump"};
  for (int day = 0; day < 4; ++day) {
    auto outcome = run_backup(config, options, kNow + std::chrono::hours(24 * day));
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(outcome->removed.size(), day < 2 ? 0u : 1u);
  }
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir / "b")) left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"kitrader-20261126-003000.db", "kitrader-20261127-003000.db"}));
  // The same second twice is refused rather than overwritten.
  auto again = run_backup(config, options, kNow + std::chrono::hours(72));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kRejected);
}

// --- PostgreSQL (needs scripts/pg-test-cluster; skipped otherwise) --------------------------------

std::string pg_bin(const std::string& tool) {
  const std::string versioned = "/usr/lib/postgresql/15/bin/" + tool;
  return fs::exists(versioned) ? versioned : tool;
}

int run(const std::string& command) { return std::system(command.c_str()); }

/// `dsn` with sessions in `schema` (search_path), the way tests/storage_pg isolates tests.
std::string in_schema(const std::string& dsn, const std::string& schema) {
  return dsn + (dsn.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

// The test role may not create databases, so the restore goes into the test's own schema after
// dropping it: the disaster case (data gone, dump left).
TEST_F(Backup, postgres_dump_restores_after_the_data_is_gone) {
  const char* dsn_env = std::getenv("KITRADER_PG_TEST_DSN");
  if (!dsn_env || !*dsn_env) GTEST_SKIP() << "KITRADER_PG_TEST_DSN not set (scripts/pg-test-cluster start DIR)";
  const std::string dsn = dsn_env;
  const std::string schema = "kt_backup_" + std::to_string(::getpid());
  const std::string psql = pg_bin("psql") + " -X -q -v ON_ERROR_STOP=1 -d '" + dsn + "' ";
  ASSERT_EQ(run(psql + "-c 'DROP SCHEMA IF EXISTS " + schema + " CASCADE' -c 'CREATE SCHEMA " + schema + "'"), 0);

  ops::Config config;
  config.database.url = in_schema(dsn, schema);
  Balances expected;
  {
    auto repo = storage::open_repository(config.database.url, 2);
    ASSERT_TRUE(repo.ok()) << repo.error().message;
    ASSERT_TRUE((*repo)->migrate().ok());
    expected = trade(**repo);
  }
  auto outcome = run_backup(config, BackupOptions{(dir / "b").string(), 7, pg_bin("pg_dump")}, kNow);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(fs::path(outcome->path).filename(), "kitrader-20261124-003000.dump");

  // Everything gone; an empty schema stands in for the empty database a restore starts from.
  ASSERT_EQ(run(psql + "-c 'DROP SCHEMA " + schema + " CASCADE' -c 'CREATE SCHEMA " + schema + "'"), 0);
  ASSERT_EQ(run(pg_bin("pg_restore") + " --no-owner --exit-on-error --schema=" + schema + " -d '" + dsn + "' '" +
                outcome->path + "'"),
            0);
  {
    auto back = storage::open_repository(config.database.url, 2);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*(*back)->applied_migrations(), migration_versions("postgres"));
    expect_same_money(**back, expected);
  }
  run(psql + "-c 'DROP SCHEMA IF EXISTS " + schema + " CASCADE'");
}

TEST_F(Backup, pg_dump_gets_the_password_through_pgpassword_never_on_the_command_line) {
  // A stand-in pg_dump that records its arguments and PGPASSWORD, then writes a dump file.
  const fs::path fake = dir / "fake_pg_dump";
  const fs::path record = dir / "record.txt";
  std::ofstream(fake) << "#!/bin/sh\n"
                         "printf 'args=%s\\n' \"$*\" > '"
                      << record.string()
                      << "'\n"
                         "printf 'pw=%s\\n' \"$PGPASSWORD\" >> '"
                      << record.string()
                      << "'\n"
                         "for a in \"$@\"; do case $a in --file=*) echo dump > \"${a#--file=}\";; esac; done\n";
  fs::permissions(fake, fs::perms::owner_all);
  ops::Config config;
  config.database.url = "postgresql://kt:p%40ss%20w0rd@db.example:5432/kitrader?sslmode=require";
  auto outcome = run_backup(config, BackupOptions{(dir / "b").string(), 7, fake.string()}, kNow);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  std::ifstream in(record);
  std::string args, pw;
  std::getline(in, args);
  std::getline(in, pw);
  EXPECT_EQ(
      args,
      "args=--format=custom --no-password --file=" + (dir / "b").string() +
          "/kitrader-20261124-003000.dump.partial --dbname=postgresql://kt@db.example:5432/kitrader?sslmode=require");
  EXPECT_EQ(pw, "pw=p@ss w0rd");
  EXPECT_EQ(outcome->bytes, 5u);
}

TEST_F(Backup, failing_pg_dump_reports_without_the_password) {
  ops::Config config;
  config.database.url = "postgresql://kt:Sup3rS3cretPw@127.0.0.1:1/kitrader?connect_timeout=2";
  auto outcome = run_backup(config, BackupOptions{(dir / "b").string(), 7, pg_bin("pg_dump")}, kNow);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "E-BACKUP");
  EXPECT_EQ(outcome.error().message.find("Sup3rS3cretPw"), std::string::npos) << outcome.error().message;
  EXPECT_NE(outcome.error().message.find("pg_dump of postgresql://127.0.0.1:1/"), std::string::npos)
      << outcome.error().message;
  EXPECT_FALSE(fs::exists(dir / "b" / "kitrader-20261124-003000.dump"));
}

}  // namespace
}  // namespace kt::app
