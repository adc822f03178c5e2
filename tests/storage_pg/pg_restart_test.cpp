// Server restart under load: calls during the outage fail with the retryable E-STORAGE error (no
// crash, no hang), calls after it succeed, and no half-written transaction exists. Restarts the
// shared test cluster, so this suite runs serially (RUN_SERIAL) in its own executable.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "storage_pg/pg_test_env.hpp"

namespace kt::storage::pgtest {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::int64_t kInitial = 1'000'000'000;
// statement_timeout (5 s) + client grace (2 s) + connect_timeout (3 s) bounds any call.
constexpr auto kMaxCall = std::chrono::seconds(10);

std::string why(const Result<void>& r) { return r.ok() ? "ok" : r.error().code + ": " + r.error().message; }

Result<void> debit_one(Repository& repo, UserId user) {
  return repo.write([&](Transaction& tx) -> Result<void> {
    KT_TRY(Wallet w, tx.lock_wallet(user));
    LedgerEntry e;
    e.user = user;
    e.kind = LedgerKind::kOpen;
    e.amount = Lamports{-1};
    e.balance_after = Lamports{w.balance.value - 1};
    e.created_at = from_unix_millis(1);
    KT_TRY(std::int64_t id, tx.append_ledger(e));
    (void)id;
    return {};
  });
}

bool wait_for(const std::function<bool()>& condition, std::chrono::seconds limit) {
  const auto until = SteadyClock::now() + limit;
  while (!condition()) {
    if (SteadyClock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(PostgresRestart, writes_during_a_server_restart_fail_retryably_and_resume_without_half_transactions) {
  KT_REQUIRE_PG();
  const auto dir = test_cluster_dir();
  if (!dir) GTEST_SKIP() << "KITRADER_PG_TEST_DIR is not set; the restart test needs the cluster directory";
  auto repo = fresh_repository(4);
  ASSERT_NE(repo, nullptr);
  User user;
  auto added = repo->write([&](Transaction& tx) -> Result<void> {
    KT_TRY(user, tx.insert_user(NewUser{TelegramUserId{1}, "", Role::kBasic, Lamports{kInitial}, {}}));
    return {};
  });
  ASSERT_TRUE(added.ok()) << why(added);

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, clean_failures{0}, ambiguous{0};
  std::mutex mu;
  std::vector<std::string> unexpected;
  SteadyClock::duration longest{};
  std::thread writer([&] {
    while (!stop.load()) {
      const auto start = SteadyClock::now();
      Result<void> r = debit_one(*repo, user.id);
      const auto took = SteadyClock::now() - start;
      std::lock_guard lock(mu);
      longest = std::max(longest, took);
      if (r.ok()) {
        ok.fetch_add(1);
      } else if (r.error().code == "E-STORAGE" && r.error().retryable()) {
        // A lost COMMIT cannot know its outcome; everything else must say nothing changed.
        if (r.error().message.find("may or may not") != std::string::npos)
          ambiguous.fetch_add(1);
        else if (r.error().message.find("nothing was changed") != std::string::npos)
          clean_failures.fetch_add(1);
        else
          unexpected.push_back(why(r));
      } else {
        unexpected.push_back(why(r));
      }
    }
  });

  ASSERT_TRUE(wait_for([&] { return ok.load() >= 20; }, std::chrono::seconds(10)));
  const std::string command = fmt::format("{}/scripts/pg-test-cluster restart {}", KT_SOURCE_DIR, *dir);
  const int rc = std::system(command.c_str());
  const int ok_at_restart = ok.load();
  const bool resumed = wait_for([&] { return ok.load() >= ok_at_restart + 20; }, std::chrono::seconds(20));
  stop.store(true);
  writer.join();
  ASSERT_EQ(rc, 0) << command;
  EXPECT_TRUE(resumed) << "no successful write after the restart";

  {
    std::lock_guard lock(mu);
    std::cout << fmt::format("[restart] ok={} failed_clean={} lost_commit={} longest_call={}ms\n", ok.load(),
                             clean_failures.load(), ambiguous.load(),
                             std::chrono::duration_cast<std::chrono::milliseconds>(longest).count());
    EXPECT_TRUE(unexpected.empty()) << unexpected.front();
    EXPECT_LT(longest, kMaxCall);
  }
  EXPECT_GE(clean_failures.load() + ambiguous.load(), 1) << "the outage was not observed";

  auto check = repo->read([&](Transaction& tx) -> Result<void> {
    KT_TRY(Wallet w, tx.get_wallet(user.id));
    KT_TRY(Lamports sum, tx.ledger_sum(user.id));
    KT_TRY(auto entries, tx.ledger(user.id, -1, std::nullopt));
    const std::int64_t spent = kInitial - w.balance.value;
    EXPECT_EQ(w.balance.value, w.initial.value + sum.value);      // conservation
    EXPECT_EQ(static_cast<std::int64_t>(entries.size()), spent);  // one entry per debit applied
    EXPECT_GE(spent, ok.load());                                  // every success applied
    EXPECT_LE(spent, ok.load() + ambiguous.load());               // only lost COMMITs may add
    return {};
  });
  EXPECT_TRUE(check.ok()) << why(check);
}

}  // namespace
}  // namespace kt::storage::pgtest
