// Two real kitrader processes trading for the same user at the same time, on PostgreSQL and on one
// SQLite file: no double spend, no negative balance, conservation to the lamport. Correctness comes
// from the database's locks, not from anything inside one process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "storage/repository.hpp"

namespace kt {
namespace {

struct Child {
  FILE* pipe = nullptr;
  std::string out;
};

Child start(const std::string& db_url, std::int64_t user, const std::string& input_file) {
  const std::string cmd = "env KITRADER_DATABASE_URL='" + db_url +
                          "' KITRADER_TRADING_INITIAL_BALANCE_SOL=60 KITRADER_TRADING_MAX_OPEN_POSITIONS=100 " +
                          std::string(KT_BINARY_DIR) + "/kitrader console --demo --no-tracker --at 1764000000 --as " +
                          std::to_string(user) + " < " + input_file + " 2>&1";
  return Child{::popen(cmd.c_str(), "r"), {}};
}

void finish(Child& c) {
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, c.pipe)) > 0) c.out.append(buf, n);
  EXPECT_EQ(::pclose(c.pipe), 0) << c.out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

void two_processes_never_double_spend(const std::string& db_url) {
  // A user id no earlier run used, so a shared database needs no cleaning.
  const std::int64_t user =
      7'000'000 + (static_cast<std::int64_t>(::getpid()) % 1'000'000) * 10 + (db_url[0] == 'p' ? 1 : 2);
  const auto input = std::filesystem::temp_directory_path() / ("kt_mp_in_" + std::to_string(::getpid()));
  {
    std::ofstream in(input);
    in << "/start\n";
    for (int i = 0; i < 50; ++i) in << "/open BONK 1\n";
  }
  Child a = start(db_url, user, input.string());
  Child b = start(db_url, user, input.string());
  ASSERT_NE(a.pipe, nullptr);
  ASSERT_NE(b.pipe, nullptr);
  finish(a);
  finish(b);
  std::filesystem::remove(input);
  // 60 SOL pays for 59 opens of 1 SOL + 0.0001 SOL network fee (59.0059 SOL), not 60.
  EXPECT_EQ(count(a.out, "Opened #") + count(b.out, "Opened #"), 59u) << a.out << b.out;
  EXPECT_EQ(count(a.out, "(E-BALANCE)") + count(b.out, "(E-BALANCE)"), 41u);

  auto repo = storage::open_repository(db_url, 2);
  ASSERT_TRUE(repo.ok()) << repo.error().message;
  ASSERT_TRUE((*repo)
                  ->read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(const auto u, tx.find_user_by_telegram_id(TelegramUserId{user}));
                    EXPECT_TRUE(u.has_value());
                    if (!u) return {};
                    KT_TRY(const Wallet w, tx.get_wallet(u->id));
                    KT_TRY(const Lamports sum, tx.ledger_sum(u->id));
                    KT_TRY(const std::int64_t open, tx.count_open_positions(u->id));
                    EXPECT_EQ(w.balance.value, 60'000'000'000 - 59LL * 1'000'100'000);
                    EXPECT_EQ(w.balance, w.initial + sum);
                    EXPECT_EQ(open, 59);
                    return {};
                  })
                  .ok());
}

TEST(MultiProcess, two_processes_on_one_postgresql_never_double_spend) {
  const char* dsn = std::getenv("KITRADER_PG_TEST_DSN");
  if (!dsn || !*dsn) GTEST_SKIP() << "KITRADER_PG_TEST_DSN is not set; start a cluster with scripts/pg-test-cluster";
  two_processes_never_double_spend(dsn);
}

TEST(MultiProcess, two_processes_on_one_sqlite_file_never_double_spend) {
  const auto path = std::filesystem::temp_directory_path() / ("kt_mp_" + std::to_string(::getpid()) + ".db");
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + s);
  two_processes_never_double_spend("sqlite://" + path.string());
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + s);
}

}  // namespace
}  // namespace kt
