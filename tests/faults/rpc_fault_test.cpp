// Every Solana RPC endpoint failing (one times out, one answers 500) while users trade a pump.fun
// token priced only over RPC, then one endpoint recovering. While down, trades are refused with a
// price code (E-PRICE-UNAVAILABLE, or E-STALE-PRICE for a cached quote over the limit) and
// /healthz is 503 naming the failing feed; no position ever fills at a price observed longer than
// prices.max_age_seconds before the fill; after the recovery trades resume and /healthz is 200.
// The curve's price doubles when the outage starts, so a stored fill tells which price it used.
#include <httplib.h>

#include <cmath>

#include "faults/closed_loop_users.hpp"
#include "faults/ledger_check.hpp"
#include "pricing/fake_servers.hpp"
#include "solana/pda.hpp"
#include "solana/pumpfun.hpp"

namespace kt::e2e {
namespace {

using pricing::testing::FakeAccount;
using pricing::testing::FakePriceApis;
using pricing::testing::FakeSolanaRpc;
using RpcFaultKind = pricing::testing::Fault;
using SystemClock = std::chrono::system_clock;

constexpr std::uint64_t kVirtualTokens = 1'073'000'000'000'000;
constexpr std::uint64_t kSolBefore = 30'000'000'000;  // 30 SOL of virtual reserves
constexpr std::uint64_t kSolAfter = 60'000'000'000;   // the price doubles while the feed is down
constexpr int kMaxAgeSeconds = 2;

std::int64_t unix_ms(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

FakeAccount curve(std::uint64_t virtual_sol) {
  return FakeAccount{1'000'000, *Mint::parse(solana::kPumpFunProgramId),
                     pricing::testing::bonding_curve_bytes(kVirtualTokens, virtual_sol, 793'100'000'000'000,
                                                           virtual_sol - 29'000'000'000, 1'000'000'000'000'000, false)};
}

bool is_price_refusal(const std::string& reply) {
  return contains(reply, "(E-PRICE-UNAVAILABLE)") || contains(reply, "(E-STALE-PRICE)");
}
bool is_success(const std::string& reply) { return contains(reply, "Opened <b>#") || contains(reply, "Closed <b>#"); }

class RpcFault : public KitraderRunE2E {
 protected:
  /// GET /healthz: the status (0 when unreachable) and the body.
  std::pair<int, std::string> healthz() const {
    httplib::Client client("127.0.0.1", http_port);
    client.set_connection_timeout(2);
    client.set_read_timeout(5);
    auto res = client.Get("/healthz");
    return res ? std::make_pair(res->status, res->body) : std::make_pair(0, std::string());
  }
  int http_port = free_port();
};

TEST_F(RpcFault, every_endpoint_down_refuses_trades_with_a_price_code_and_one_recovering_resumes_them) {
  FakeSolanaRpc times_out, fails;
  FakePriceApis apis;  // DexScreener for SOL/USD (dollar display only)
  apis.load_fixtures();
  const Mint token = pricing::testing::test_mint(7);
  const Mint curve_address = solana::pumpfun_bonding_curve_address(token)->address;
  for (FakeSolanaRpc* rpc : {&times_out, &fails}) {
    rpc->set_account(curve_address, curve(kSolBefore));
    rpc->set_account(token, FakeAccount{1'461'600, *Mint::parse(solana::kTokenProgramId),
                                        pricing::testing::spl_mint_bytes(1'000'000'000'000'000, 6, nullptr, nullptr)});
  }
  auto& bot = start({{"KITRADER_PRICES_SOURCES", "pumpfun"},
                     {"KITRADER_SOLANA_RPC_URLS", times_out.url() + "," + fails.url()},
                     {"KITRADER_SOLANA_REQUESTS_PER_SECOND", "1000"},
                     {"KITRADER_SOLANA_TIMEOUT_MS", "300"},
                     {"KITRADER_SOLANA_BREAKER_FAILURES", "2"},
                     {"KITRADER_SOLANA_BREAKER_COOLDOWN_SECONDS", "1"},
                     {"KITRADER_PRICES_MAX_AGE_SECONDS", std::to_string(kMaxAgeSeconds)},
                     {"KITRADER_TRADING_QUOTE_REUSE_MS", "1000"},
                     {"KITRADER_TRACKER_INTERVAL_SECONDS", "1"},
                     {"KITRADER_PRICES_DEXSCREENER_URL", apis.url()},
                     {"KITRADER_PRICES_JUPITER_URL", apis.url()},
                     {"KITRADER_HTTP_LISTEN", "127.0.0.1:" + std::to_string(http_port)}});
  ASSERT_TRUE(fake.wait_for("getUpdates", 1, 20s)) << bot.err();

  constexpr int kUsers = 4;
  std::vector<std::int64_t> users;
  for (int u = 0; u < kUsers; ++u) users.push_back(8201 + u);
  for (auto user : users) fake.push_text(user, user, "/start");
  ASSERT_TRUE(wait_until([&] { return fake.count("sendMessage") >= users.size(); }, 20s));
  faults::ClosedLoopUsers traders(fake, users, "/open " + token.to_string() + " 0.5");
  ASSERT_TRUE(traders.run_until([&] { return traders.replies_with_per_user_min("Opened", {}) >= 2; }, 20s))
      << "no trading on the live feed before the fault";
  ASSERT_TRUE(wait_until([&] { return healthz().first == 200; }, 20s)) << healthz().second;

  // The fault: the price moves, and no endpoint can tell.
  const auto old_price_gone_at = SystemClock::now();
  for (FakeSolanaRpc* rpc : {&times_out, &fails}) rpc->set_account(curve_address, curve(kSolAfter));
  times_out.set_timeout_hold(1500ms);
  times_out.fail_next(RpcFaultKind::kTimeout, -1);
  fails.fail_next(RpcFaultKind::kHttp500, -1);
  const auto past_limit = old_price_gone_at + std::chrono::seconds(kMaxAgeSeconds) + 1s;
  std::string unhealthy;
  auto next_probe = std::chrono::steady_clock::now();
  ASSERT_TRUE(traders.run_until(
      [&] {
        if (unhealthy.empty() && std::chrono::steady_clock::now() >= next_probe) {
          next_probe = std::chrono::steady_clock::now() + 200ms;
          auto [status, body] = healthz();
          if (status == 503) unhealthy = body;
        }
        std::size_t late_refusals = 0;
        for (const auto& e : traders.exchanges())
          late_refusals += e.replied_at >= past_limit && is_price_refusal(e.reply);
        return !unhealthy.empty() && late_refusals >= 2 * kUsers;
      },
      30s))
      << "while every endpoint failed: /healthz '" << unhealthy << "', replies: " << traders.exchanges().back().reply;
  std::cout << "[ info ] /healthz while down: " << unhealthy << "\n";
  EXPECT_TRUE(contains(unhealthy, R"("prices":{"ok":false)") || contains(unhealthy, R"("rpc":{"ok":false)"))
      << unhealthy;
  ASSERT_TRUE(bot.running()) << bot.err();

  // One endpoint recovers: its breaker's probe succeeds and trading resumes at the new price.
  fails.clear_faults();
  const auto recovered_at = SystemClock::now();
  ASSERT_TRUE(traders.run_until([&] { return traders.replies_with_per_user_min("Opened", recovered_at) >= 2; }, 30s))
      << "trading did not resume after one endpoint recovered: " << traders.exchanges().back().reply;
  ASSERT_TRUE(wait_until([&] { return healthz().first == 200; }, 20s)) << healthz().second;
  ASSERT_TRUE(traders.drain(20s)) << traders.outstanding() << " commands never answered";
  ASSERT_TRUE(bot.running()) << bot.err();
  bot.signal(SIGTERM);
  ASSERT_TRUE(bot.wait_exit(20s).has_value());

  // Every command got a fill or a price refusal, and refusals only came once the feed was down.
  std::set<std::int64_t> served;
  std::size_t refusals = 0;
  std::string a_refusal;
  for (const auto& e : traders.exchanges()) {
    served.insert(e.update_id);
    if (is_price_refusal(e.reply)) {
      ++refusals;
      a_refusal = e.reply;
      EXPECT_GE(e.replied_at, old_price_gone_at) << "refused while every endpoint was up: " << e.reply;
      // Which endpoint failed how is for the operator's log: the chat never sees an RPC host.
      EXPECT_FALSE(contains(e.reply, "127.0.0.1") || contains(e.reply, "http")) << "endpoint shown: " << e.reply;
    } else {
      EXPECT_TRUE(is_success(e.reply)) << e.command << " got: " << e.reply;
    }
  }
  std::cout << "[ info ] " << traders.exchanges().size() << " commands, " << refusals << " refused; e.g. " << a_refusal
            << "\n";

  faults::DatabaseView db(dir.path() / "kitrader.db");
  ASSERT_TRUE(db.ok());
  // No fill at the old price later than max_age after the old price was last observable.
  const long double before_price = static_cast<long double>(kSolBefore) / kVirtualTokens;
  const long double after_price = static_cast<long double>(kSolAfter) / kVirtualTokens;
  std::size_t old_fills = 0, new_fills = 0, old_fills_in_outage = 0;
  const std::int64_t limit_ms = unix_ms(old_price_gone_at) + kMaxAgeSeconds * 1000;
  for (const auto& p : db.position_fills()) {
    const long double price = p.price();
    const bool old = std::fabs(std::log(price / before_price)) < std::fabs(std::log(price / after_price));
    if (old) {
      ++old_fills;
      old_fills_in_outage += p.opened_at_ms >= unix_ms(old_price_gone_at);
      EXPECT_LE(p.opened_at_ms, limit_ms)
          << "position " << p.id << " filled at the old price " << p.opened_at_ms - unix_ms(old_price_gone_at)
          << " ms after it was last observable (limit " << kMaxAgeSeconds << " s)";
    } else {
      ++new_fills;
    }
  }
  std::cout << "[ info ] fills at the old price: " << old_fills << " (" << old_fills_in_outage
            << " after the feed went down, all within " << kMaxAgeSeconds << " s), at the new price: " << new_fills
            << "\n";
  EXPECT_GE(new_fills, static_cast<std::size_t>(2 * kUsers));
  const auto applied = db.processed_updates();
  for (auto id : served) EXPECT_TRUE(applied.contains(id)) << "update " << id << " lost";
  const auto entries = db.ledger_entries_per_update();
  for (const auto& e : traders.exchanges()) {
    const int n = entries.contains(e.update_id) ? entries.at(e.update_id) : 0;
    EXPECT_EQ(n, is_success(e.reply) ? 1 : 0) << e.command << " → " << e.reply.substr(0, 60);
  }
  for (const auto& w : db.wallets()) {
    EXPECT_EQ(w.balance, w.initial + w.ledger_sum) << "user " << w.telegram_id;
    EXPECT_EQ(w.positions, w.open_entries) << "user " << w.telegram_id;
  }
}

}  // namespace
}  // namespace kt::e2e
