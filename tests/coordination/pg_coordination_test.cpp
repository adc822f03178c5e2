// The PostgreSQL lease (session advisory lock on its own connection) and bus (LISTEN/NOTIFY)
// against the test cluster; skipped without KITRADER_PG_TEST_DSN.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

#include "coordination/pg_coordination.hpp"
#include "coordination/price_ticks.hpp"

namespace kt::coordination {
namespace {

using namespace std::chrono_literals;

std::optional<std::string> dsn() {
  const char* d = std::getenv("KITRADER_PG_TEST_DSN");
  if (!d || !*d) return std::nullopt;
  return std::string(d);
}

#define KT_REQUIRE_PG_DSN() \
  if (!dsn()) GTEST_SKIP() << "KITRADER_PG_TEST_DSN is not set; start a cluster with scripts/pg-test-cluster"

storage::postgres::PgConnectOptions options() {
  storage::postgres::PgConnectOptions o;
  o.conninfo = *dsn();
  return o;
}

/// A key (and channel) no other test process uses, so suites may run in parallel on one cluster.
std::int64_t unique_key(int salt) { return 0x4b5400000000LL + ::getpid() * 16LL + salt; }
std::string unique_channel(const std::string& name) { return "kt_test_" + name + "_" + std::to_string(::getpid()); }

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

std::unique_ptr<storage::postgres::PgConnection> admin() {
  auto c = storage::postgres::PgConnection::connect(options());
  EXPECT_TRUE(c.ok());
  return c.ok() ? std::move(*c) : nullptr;
}

TEST(PgTrackerLease, a_second_session_cannot_acquire_until_the_first_releases) {
  KT_REQUIRE_PG_DSN();
  PgTrackerLease a(options(), unique_key(1));
  PgTrackerLease b(options(), unique_key(1));
  auto got = a.try_acquire();
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_TRUE(*got);
  EXPECT_TRUE(a.try_acquire().value());
  EXPECT_FALSE(b.try_acquire().value());
  EXPECT_TRUE(a.still_held());
  a.release();  // unlocks (synchronously) and closes the session
  EXPECT_FALSE(a.still_held());
  EXPECT_TRUE(b.try_acquire().value());
  EXPECT_FALSE(a.try_acquire().value());
}

TEST(PgTrackerLease, a_killed_session_loses_the_lease_and_the_other_takes_it) {
  KT_REQUIRE_PG_DSN();
  PgTrackerLease a(options(), unique_key(2));
  PgTrackerLease b(options(), unique_key(2));
  ASSERT_TRUE(a.try_acquire().value());
  ASSERT_FALSE(b.try_acquire().value());
  const int pid = a.backend_pid();
  ASSERT_GT(pid, 0);
  auto killer = admin();
  ASSERT_TRUE(killer);
  ASSERT_TRUE(killer->exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")").ok());
  // The server ends the session (dropping its lock) and says so on the socket.
  EXPECT_TRUE(wait_until([&] { return b.try_acquire().value_or(false); }, 20s));
  EXPECT_FALSE(a.still_held()) << "a broken lease connection must read as lost";
  EXPECT_FALSE(a.try_acquire().value()) << "a reconnect must not take the lease from its new holder";
}

TEST(PgPriceBus, ticks_reach_the_other_process_exactly_and_its_own_are_skipped) {
  KT_REQUIRE_PG_DSN();
  const std::string channel = unique_channel("bus");
  PgPriceBus a(options(), channel, "origina", {});
  PgPriceBus b(options(), channel, "originb", {});
  std::mutex mutex;
  std::vector<Quote> got_a, got_b;
  a.subscribe([&](std::vector<Quote> q) {
    std::lock_guard lock(mutex);
    got_a.insert(got_a.end(), q.begin(), q.end());
  });
  b.subscribe([&](std::vector<Quote> q) {
    std::lock_guard lock(mutex);
    got_b.insert(got_b.end(), q.begin(), q.end());
  });
  ASSERT_TRUE(wait_until([&] { return a.listening() && b.listening(); }, 20s));

  std::vector<Quote> ticks;
  for (int i = 0; i < 250; ++i) {  // several notifications' worth
    Quote q;
    q.mint = *Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
    q.price = *Price::from_terms(u128{30'000'000'000'000} + static_cast<unsigned>(i), u128{1'073'000'000'000'001});
    q.decimals = 5;
    q.source = "pumpfun";
    q.observed_at = from_unix_millis(1'764'000'000'000 + i);
    ticks.push_back(q);
  }
  ASSERT_GT(encode_ticks(ticks, "origina").size(), 1u);
  auto sent = a.publish(ticks);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  ASSERT_TRUE(wait_until(
      [&] {
        std::lock_guard lock(mutex);
        return got_b.size() >= ticks.size();
      },
      20s));
  // A marker from b: once a has it, a would also have had its own ticks, had it not skipped them.
  Quote marker = ticks[0];
  marker.source = "dexscreener";
  ASSERT_TRUE(b.publish(std::vector<Quote>{marker}).ok());
  ASSERT_TRUE(wait_until(
      [&] {
        std::lock_guard lock(mutex);
        return !got_a.empty();
      },
      20s));
  std::lock_guard lock(mutex);
  ASSERT_EQ(got_b.size(), ticks.size());
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    EXPECT_EQ(got_b[i].price, ticks[i].price);
    EXPECT_EQ(got_b[i].price.num(), ticks[i].price.num());
    EXPECT_EQ(got_b[i].observed_at, ticks[i].observed_at);
    EXPECT_EQ(got_b[i].source, "pumpfun");
  }
  ASSERT_EQ(got_a.size(), 1u);
  EXPECT_EQ(got_a[0].source, "dexscreener");
}

TEST(PgPriceBus, a_malformed_notification_is_counted_and_ignored_and_the_bus_keeps_working) {
  KT_REQUIRE_PG_DSN();
  const std::string channel = unique_channel("bad");
  std::vector<std::string> logged;
  std::mutex mutex;
  PgPriceBus b(options(), channel, "originb", [&](std::string line) {
    std::lock_guard lock(mutex);
    logged.push_back(line);
  });
  std::size_t received = 0;
  b.subscribe([&](std::vector<Quote> q) {
    std::lock_guard lock(mutex);
    received += q.size();
  });
  ASSERT_TRUE(wait_until([&] { return b.listening(); }, 20s));
  auto sender = admin();
  ASSERT_TRUE(sender);
  ASSERT_TRUE(sender->exec("NOTIFY " + channel + ", 'kt-ticks/1 x\nnot a tick\n'").ok());
  ASSERT_TRUE(wait_until([&] { return b.malformed_payloads() == 1; }, 20s));
  PgPriceBus a(options(), channel, "origina", {});
  Quote q;
  q.mint = *Mint::parse("So11111111111111111111111111111111111111112");
  q.price = *Price::from_sol_per_token("1", 9);
  q.decimals = 9;
  q.source = "dexscreener";
  q.observed_at = from_unix_millis(1'764'000'000'000);
  ASSERT_TRUE(a.publish(std::vector<Quote>{q}).ok());
  ASSERT_TRUE(wait_until(
      [&] {
        std::lock_guard lock(mutex);
        return received == 1;
      },
      20s));
  std::lock_guard lock(mutex);
  ASSERT_FALSE(logged.empty());
  EXPECT_NE(logged[0].find("malformed"), std::string::npos) << logged[0];
}

}  // namespace
}  // namespace kt::coordination
