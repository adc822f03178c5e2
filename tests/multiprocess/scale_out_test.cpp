// Scale-out on PostgreSQL with two real `kitrader run` processes (webhook mode, one database, each
// with its own loopback fake price API): exactly one runs the tracker, the other's price freshness
// comes only from the owner's ticks over LISTEN/NOTIFY, and after a kill -9 of the owner the other
// takes the tracker over within one interval (plus a margin for a slow machine) and keeps prices
// flowing. A third listener (this test) decodes the ticks to see whose fetches they are.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "coordination/pg_coordination.hpp"
#include "e2e/kitrader_process.hpp"
#include "fake_servers.hpp"
#include "solana/pda.hpp"
#include "storage_pg/pg_test_env.hpp"
#include "telegram/fake_bot_api.hpp"

namespace kt {
namespace {

using namespace std::chrono_literals;
using e2e::KitraderProcess;
using pricing::testing::FakeAccount;
using pricing::testing::FakePriceApis;
using pricing::testing::FakeSolanaRpc;

constexpr const char* kToken = "123456789:AAHk3Jx9QpL2mZ7vR4tW8yB1nC5dF0gHs6E";
constexpr auto kInterval = 2s;
/// A loaded CI machine (and a debug build) gets this much on top of one interval.
constexpr auto kSlowMachineMargin = 10s;

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

/// A fake DexScreener whose wSOL pair says `usd_per_sol`, plus a fake node holding the wSOL mint.
struct FakeMarket {
  explicit FakeMarket(const std::string& usd_per_sol) {
    std::ifstream in(std::string(KT_FIXTURES_DIR) + "/dexscreener_tokens_wsol_response.json");
    std::stringstream text;
    text << in.rdbuf();
    auto pair = nlohmann::json::parse(text.str())["pairs"][0];
    pair["priceNative"] = usd_per_sol;
    pair["priceUsd"] = usd_per_sol;
    apis.add_dex_pair(pair);
    rpc.set_account(*Mint::parse("So11111111111111111111111111111111111111112"),
                    FakeAccount{1, *Mint::parse(solana::kTokenProgramId),
                                pricing::testing::spl_mint_bytes(1'000'000'000'000'000, 9, nullptr, nullptr)});
  }
  FakePriceApis apis;
  FakeSolanaRpc rpc;
};

/// One `kitrader run` in webhook mode with its own /metrics port.
struct Node {
  std::unique_ptr<KitraderProcess> process;
  int metrics_port = 0;

  /// The value of an unlabelled metric, or nullopt when /metrics does not answer or lacks it.
  std::optional<double> metric(const std::string& name) const {
    httplib::Client client("127.0.0.1", metrics_port);
    client.set_connection_timeout(2s);
    client.set_read_timeout(5s);
    auto r = client.Get("/metrics");
    if (!r || r->status != 200) return std::nullopt;
    std::istringstream lines(r->body);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
    }
    return std::nullopt;
  }
  int healthz() const {
    httplib::Client client("127.0.0.1", metrics_port);
    client.set_read_timeout(5s);
    auto r = client.Get("/healthz");
    return r ? r->status : 0;
  }
  std::string said() const { return process->out() + process->err(); }
};

class ScaleOut : public ::testing::Test {
 protected:
  Node start(const std::string& tag, FakeMarket& market) {
    Node node;
    node.metrics_port = e2e::free_port();
    const int webhook_port = e2e::free_port();
    const std::map<std::string, std::string> env{
        {"TELEGRAM_BOT_TOKEN", kToken},
        {"KITRADER_TELEGRAM_API_URL", bot_api.api_url()},
        {"KITRADER_TELEGRAM_MODE", "webhook"},
        {"KITRADER_TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1:" + std::to_string(webhook_port)},
        {"KITRADER_TELEGRAM_WEBHOOK_URL", "https://example.invalid/hook"},
        {"KITRADER_TELEGRAM_WEBHOOK_SECRET", "s3cret"},
        {"KITRADER_DATABASE_URL", schema.url},
        {"KITRADER_PRICES_SOURCES", "dexscreener"},
        {"KITRADER_PRICES_DEXSCREENER_URL", market.apis.url()},
        {"KITRADER_SOLANA_RPC_URLS", market.rpc.url()},
        {"KITRADER_TRACKER_INTERVAL_SECONDS", std::to_string(kInterval.count())},
        // Each cycle asks anew (no reuse of the previous cycle's quote), so every cycle ticks.
        {"KITRADER_TRADING_QUOTE_REUSE_MS", "0"},
        {"KITRADER_HTTP_LISTEN", "127.0.0.1:" + std::to_string(node.metrics_port)},
        {"KITRADER_LOG_DIR", (dir.path() / ("logs-" + tag)).string()}};
    node.process = std::make_unique<KitraderProcess>(std::vector<std::string>{"run"}, env, dir.path(), tag);
    return node;
  }

  void SetUp() override {
    if (!storage::pgtest::test_dsn()) GTEST_SKIP() << storage::pgtest::kNoDsnMessage;
    schema = storage::pgtest::fresh_schema();
    storage::postgres::PgConnectOptions options;
    options.conninfo = schema.url;
    listener = std::make_unique<coordination::PgPriceBus>(options, "kitrader_price_ticks", "scaleouttest",
                                                          std::function<void(std::string)>{});
    listener->subscribe([this](std::vector<Quote> ticks) {
      std::lock_guard lock(mutex);
      for (const auto& q : ticks) {
        if (q.usd_per_token) seen_usd.push_back(*q.usd_per_token);
      }
    });
    ASSERT_TRUE(wait_until([&] { return listener->listening(); }, 20s));
  }

  void TearDown() override {
    if (listener) listener->stop();
    for (Node* n : {&a, &b}) {
      if (!n->process) continue;
      if (HasFailure()) std::cerr << "--- " << (n == &a ? "a" : "b") << ":\n" << n->said().substr(0, 6000) << "\n";
      n->process->signal(SIGKILL);
      n->process->wait_exit(5s);
    }
  }

  /// Ticks seen since the last call whose USD price is `usd`, and all ticks seen since then.
  std::pair<std::size_t, std::size_t> drain_seen(double usd) {
    std::lock_guard lock(mutex);
    std::size_t matching = 0;
    for (double v : seen_usd) matching += v == usd ? 1 : 0;
    const std::size_t all = seen_usd.size();
    seen_usd.clear();
    return {matching, all};
  }

  testing::FakeBotApi bot_api{kToken, "KiPaperTestBot"};
  e2e::TempDir dir{"scaleout"};
  storage::pgtest::FreshSchema schema;
  std::unique_ptr<coordination::PgPriceBus> listener;
  std::mutex mutex;
  std::vector<double> seen_usd;
  Node a, b;
};

TEST_F(ScaleOut, one_process_tracks_the_other_follows_its_ticks_and_takes_over_after_a_kill_9) {
  FakeMarket market_a("84.1844");
  FakeMarket market_b("91.25");
  a = start("a", market_a);
  ASSERT_TRUE(wait_until([&] { return a.metric("kitrader_tracker_owner") == 1.0; }, 30s)) << a.said();
  b = start("b", market_b);
  ASSERT_TRUE(wait_until([&] { return b.metric("kitrader_tracker_owner").has_value(); }, 30s)) << b.said();

  // b follows a: its price freshness comes only from a's ticks, since b asks its own API nothing.
  const double received_before = b.metric("kitrader_price_ticks_received_total").value_or(-1);
  ASSERT_TRUE(wait_until([&] { return b.metric("kitrader_price_ticks_received_total") >= received_before + 2; },
                         4 * kInterval + kSlowMachineMargin))
      << b.said();
  EXPECT_EQ(a.metric("kitrader_tracker_owner"), 1.0);
  EXPECT_EQ(b.metric("kitrader_tracker_owner"), 0.0) << "exactly one process runs the tracker";
  EXPECT_EQ(market_b.apis.requests("dexscreener"), 0u) << "the non-owner fetched prices itself";
  EXPECT_GT(market_a.apis.requests("dexscreener"), 0u);
  // A shared machine may delay one tick past the 2-interval limit; the feed must be fresh again soon.
  EXPECT_TRUE(wait_until([&] { return b.healthz() == 200; }, 2 * kInterval + kSlowMachineMargin))
      << "b's price feed is fresh through a's ticks";
  EXPECT_EQ(market_b.apis.requests("dexscreener"), 0u);
  const auto from_a = drain_seen(84.1844);
  EXPECT_GT(from_a.first, 0u);
  EXPECT_EQ(from_a.first, from_a.second) << "every tick so far is a's";
  EXPECT_GT(a.metric("kitrader_price_ticks_published_total").value_or(0), 0.0);

  // kill -9 the owner: its session ends, its advisory lock with it, and b takes over.
  const auto killed = std::chrono::steady_clock::now();
  a.process->signal(SIGKILL);
  ASSERT_TRUE(a.process->wait_exit(10s).has_value());
  ASSERT_TRUE(wait_until([&] { return b.metric("kitrader_tracker_owner") == 1.0; }, kInterval + kSlowMachineMargin))
      << b.said();
  const auto takeover =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed);
  std::cout << "[ info ] takeover after kill -9: " << takeover.count() << " ms (interval " << kInterval.count()
            << " s)\n";
  EXPECT_NE(b.said().find("tracker lease acquired"), std::string::npos) << b.said();

  // b's own fetches now feed the others (this listener) and keep its own prices fresh.
  ASSERT_TRUE(
      wait_until([&] { return market_b.apis.requests("dexscreener") >= 2; }, 2 * kInterval + kSlowMachineMargin));
  ASSERT_TRUE(wait_until(
      [&] {
        std::lock_guard lock(mutex);
        return std::count(seen_usd.begin(), seen_usd.end(), 91.25) >= 2;
      },
      2 * kInterval + kSlowMachineMargin));
  EXPECT_GT(b.metric("kitrader_price_ticks_published_total").value_or(0), 0.0);
  EXPECT_TRUE(wait_until([&] { return b.healthz() == 200; }, 2 * kInterval + kSlowMachineMargin));

  // The lease lives on its own connection: when the server ends that session, b notices at its
  // next check, stops tracking, says so, and (nobody else competing) takes the lease again.
  auto admin = storage::pgtest::admin_connection(schema.url);
  ASSERT_TRUE(admin);
  auto terminated = admin->exec(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
      "((classid::bigint << 32) | objid::bigint) = " +
      std::to_string(coordination::CoordinationOptions{}.lease_key));
  ASSERT_TRUE(terminated.ok()) << terminated.error().message;
  ASSERT_EQ(terminated->rows(), 1) << "exactly one session holds the tracker lock";
  ASSERT_TRUE(wait_until([&] { return b.said().find("tracker lease lost") != std::string::npos; },
                         kInterval + kSlowMachineMargin))
      << b.said();
  ASSERT_TRUE(wait_until(
      [&] {
        const std::string said = b.said();
        const auto lost = said.find("tracker lease lost");
        return lost != std::string::npos && said.find("tracker lease acquired", lost) != std::string::npos;
      },
      kInterval + kSlowMachineMargin))
      << b.said();
  EXPECT_TRUE(wait_until([&] { return b.metric("kitrader_tracker_owner") == 1.0; }, kInterval + kSlowMachineMargin));
}

}  // namespace
}  // namespace kt
