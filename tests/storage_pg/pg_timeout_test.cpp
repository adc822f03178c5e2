// Timeouts: no storage call waits longer than its statement/lock/connect timeout.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "storage_pg/pg_test_env.hpp"

namespace kt::storage::pgtest {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string why(const Result<void>& r) { return r.ok() ? "ok" : r.error().code + ": " + r.error().message; }

TEST(PostgresTimeout, statement_running_past_the_timeout_is_cancelled_retryably_and_the_session_survives) {
  KT_REQUIRE_PG();
  postgres::PgConnectOptions options;
  options.conninfo = test_dsn().value();
  options.statement_timeout = milliseconds{200};
  auto conn = postgres::PgConnection::connect(options);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  const auto start = SteadyClock::now();
  auto slow = (*conn)->exec("SELECT pg_sleep(3)");
  const auto took = SteadyClock::now() - start;
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, "E-STORAGE");
  EXPECT_TRUE(slow.error().retryable());
  EXPECT_EQ(slow.error().message, "storage query timed out, nothing was changed");
  EXPECT_LT(took, milliseconds{1500});
  EXPECT_TRUE((*conn)->usable());
  auto after = (*conn)->exec("SELECT 1");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->int64(0, 0), 1);
}

TEST(PostgresTimeout, waiting_for_a_locked_wallet_past_the_timeout_returns_retryable_error) {
  KT_REQUIRE_PG();
  postgres::PostgresOptions options;
  options.pool_size = 2;
  options.statement_timeout = milliseconds{300};
  auto repo = fresh_repository(options, nullptr);
  ASSERT_NE(repo, nullptr);
  User user;
  ASSERT_TRUE(repo->write([&](Transaction& tx) -> Result<void> {
                    KT_TRY(user, tx.insert_user(NewUser{TelegramUserId{1}, "", Role::kBasic, Lamports{100}, {}}));
                    return {};
                  })
                  .ok());

  std::promise<void> locked, second_done;
  auto holder = std::async(std::launch::async, [&] {
    return repo->write([&](Transaction& tx) -> Result<void> {
      KT_TRY(Wallet w, tx.lock_wallet(user.id));
      (void)w;
      locked.set_value();
      second_done.get_future().wait_for(std::chrono::seconds(5));
      return {};
    });
  });
  locked.get_future().wait();
  const auto start = SteadyClock::now();
  auto blocked = repo->write([&](Transaction& tx) -> Result<void> {
    KT_TRY(Wallet w, tx.lock_wallet(user.id));
    (void)w;
    return {};
  });
  const auto took = SteadyClock::now() - start;
  second_done.set_value();
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, "E-STORAGE");
  EXPECT_TRUE(blocked.error().retryable());
  EXPECT_GE(took, milliseconds{250});
  EXPECT_LT(took, milliseconds{2000});
  auto held = holder.get();
  EXPECT_TRUE(held.ok()) << why(held);
}

TEST(PostgresTimeout, server_that_accepts_but_never_answers_is_abandoned_after_the_connect_timeout) {
  // A loopback listener that never speaks: libpq's startup waits for an answer that never comes.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  postgres::PostgresOptions options;
  options.connect_timeout = std::chrono::seconds{2};
  const auto start = SteadyClock::now();
  auto repo = postgres::open_postgres_repository(
      "postgresql://kitrader:x@127.0.0.1:" + std::to_string(port) + "/kitrader_test?sslmode=disable", options);
  const auto took = SteadyClock::now() - start;
  ::close(listener);
  ASSERT_FALSE(repo.ok());
  EXPECT_EQ(repo.error().code, "E-STORAGE");
  EXPECT_TRUE(repo.error().retryable());
  EXPECT_GE(took, milliseconds{1900});
  EXPECT_LT(took, milliseconds{4000});
}

}  // namespace
}  // namespace kt::storage::pgtest
