// Concurrency and connection faults: row locks serialize money, the pool survives killed backends.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "storage_pg/pg_test_env.hpp"

namespace kt::storage::pgtest {
namespace {

constexpr std::int64_t kInitial = 1'000'000'000;

std::string why(const Result<void>& r) { return r.ok() ? "ok" : r.error().code + ": " + r.error().message; }

User add_user(Repository& repo, std::int64_t telegram_id) {
  User out;
  auto done = repo.write([&](Transaction& tx) -> Result<void> {
    KT_TRY(out, tx.insert_user(
                    NewUser{TelegramUserId{telegram_id}, "", Role::kBasic, Lamports{kInitial}, from_unix_millis(0)}));
    return {};
  });
  EXPECT_TRUE(done.ok()) << why(done);
  return out;
}

/// One debit the way the engine does it: lock the wallet, append an entry on top of its balance.
Result<void> debit(Repository& repo, UserId user, std::int64_t amount) {
  return repo.write([&](Transaction& tx) -> Result<void> {
    KT_TRY(Wallet w, tx.lock_wallet(user));
    LedgerEntry e;
    e.user = user;
    e.kind = LedgerKind::kOpen;
    e.amount = Lamports{-amount};
    e.balance_after = Lamports{w.balance.value - amount};
    e.created_at = from_unix_millis(1);
    KT_TRY(std::int64_t id, tx.append_ledger(e));
    (void)id;
    return {};
  });
}

/// Backends of this test's repository (found by its unique application_name).
std::vector<int> backends(postgres::PgConnection& admin, const FreshSchema& schema) {
  auto r = admin.exec(fmt::format("SELECT pid FROM pg_stat_activity WHERE application_name = '{}' ORDER BY pid",
                                  schema.application_name));
  std::vector<int> out;
  if (r.ok()) {
    for (int i = 0; i < r->rows(); ++i) out.push_back(static_cast<int>(r->int64(i, 0)));
  }
  return out;
}

/// Terminates the test's backends and waits until they are gone; returns how many were killed.
int kill_backends(postgres::PgConnection& admin, const FreshSchema& schema) {
  auto r =
      admin.exec(fmt::format("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE application_name = '{}'",
                             schema.application_name));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!backends(admin, schema).empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return r.ok() ? static_cast<int>(r->int64(0, 0)) : -1;
}

TEST(PostgresConcurrency, sixteen_threads_debiting_the_same_users_keep_exact_balances_and_ledger) {
  KT_REQUIRE_PG();
  auto repo = fresh_repository(16);
  ASSERT_NE(repo, nullptr);
  constexpr int kUsers = 4, kThreads = 16, kDebits = 60;
  std::vector<User> users;
  for (int u = 0; u < kUsers; ++u) users.push_back(add_user(*repo, 100 + u));

  std::vector<std::int64_t> expected_spent(kUsers, 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kDebits; ++i) expected_spent[static_cast<std::size_t>((t + i) % kUsers)] += (t + 1) * 1000 + i;
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kDebits; ++i) {
        const User& user = users[static_cast<std::size_t>((t + i) % kUsers)];
        if (!debit(*repo, user.id, (t + 1) * 1000 + i).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);

  std::int64_t entries = 0;
  auto check = repo->read([&](Transaction& tx) -> Result<void> {
    for (int u = 0; u < kUsers; ++u) {
      KT_TRY(Wallet w, tx.get_wallet(users[static_cast<std::size_t>(u)].id));
      KT_TRY(Lamports sum, tx.ledger_sum(users[static_cast<std::size_t>(u)].id));
      EXPECT_EQ(w.balance.value, kInitial - expected_spent[static_cast<std::size_t>(u)]) << "user " << u;
      EXPECT_EQ(w.balance.value, w.initial.value + sum.value) << "user " << u;
      KT_TRY(auto all, tx.ledger(users[static_cast<std::size_t>(u)].id, -1, std::nullopt));
      entries += static_cast<std::int64_t>(all.size());
    }
    return {};
  });
  ASSERT_TRUE(check.ok()) << why(check);
  EXPECT_EQ(entries, kThreads * kDebits);
}

TEST(PostgresConcurrency, pool_never_opens_more_connections_than_its_size) {
  KT_REQUIRE_PG();
  auto repo = fresh_repository(3);
  ASSERT_NE(repo, nullptr);
  std::atomic<int> inside{0}, peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto r = repo->write([&](Transaction& tx) -> Result<void> {
        KT_TRY(std::int64_t n, tx.count_users());
        (void)n;
        int now = inside.fetch_add(1) + 1;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        inside.fetch_sub(1);
        return {};
      });
      EXPECT_TRUE(r.ok()) << why(r);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(peak.load(), 3);
}

TEST(PostgresConcurrency, pool_replaces_a_connection_killed_with_pg_terminate_backend) {
  KT_REQUIRE_PG();
  FreshSchema schema;
  auto repo = fresh_repository(1, &schema);
  ASSERT_NE(repo, nullptr);
  User user = add_user(*repo, 1);
  auto admin = admin_connection(test_dsn().value());
  ASSERT_NE(admin, nullptr);
  const std::vector<int> before = backends(*admin, schema);
  ASSERT_EQ(before.size(), 1u);

  EXPECT_EQ(kill_backends(*admin, schema), 1);
  ASSERT_TRUE(backends(*admin, schema).empty());

  // The idle connection is found dead on acquire and replaced: the very next call succeeds.
  auto r = debit(*repo, user.id, 5);
  EXPECT_TRUE(r.ok()) << why(r);
  const std::vector<int> after = backends(*admin, schema);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0], before[0]);
}

TEST(PostgresConcurrency, backend_killed_inside_a_write_returns_retryable_error_and_changes_nothing) {
  KT_REQUIRE_PG();
  FreshSchema schema;
  auto repo = fresh_repository(1, &schema);
  ASSERT_NE(repo, nullptr);
  User user = add_user(*repo, 1);
  auto admin = admin_connection(test_dsn().value());
  ASSERT_NE(admin, nullptr);

  Error inner;
  auto r = repo->write([&](Transaction& tx) -> Result<void> {
    KT_TRY(Wallet w, tx.lock_wallet(user.id));
    EXPECT_EQ(kill_backends(*admin, schema), 1);
    LedgerEntry e;
    e.user = user.id;
    e.amount = Lamports{-10};
    e.balance_after = Lamports{w.balance.value - 10};
    auto appended = tx.append_ledger(e);
    EXPECT_FALSE(appended.ok());
    if (!appended.ok()) inner = appended.error();
    return appended.ok() ? Result<void>{} : Result<void>{appended.error()};
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-STORAGE");
  EXPECT_TRUE(r.error().retryable());
  EXPECT_EQ(r.error().message, "storage temporarily unavailable, nothing was changed");
  EXPECT_TRUE(inner.retryable());

  auto again = debit(*repo, user.id, 7);
  EXPECT_TRUE(again.ok()) << why(again);
  auto check = repo->read([&](Transaction& tx) -> Result<void> {
    KT_TRY(Wallet w, tx.get_wallet(user.id));
    KT_TRY(Lamports sum, tx.ledger_sum(user.id));
    EXPECT_EQ(w.balance.value, kInitial - 7);
    EXPECT_EQ(sum.value, -7);
    return {};
  });
  EXPECT_TRUE(check.ok()) << why(check);
}

}  // namespace
}  // namespace kt::storage::pgtest
