// A tracker cycle over pump.fun curve tokens against the loopback fake node: ceil(N/100) calls.
#include <gtest/gtest.h>

#include "fake_servers.hpp"
#include "market/token_tracker.hpp"
#include "pricing/pumpfun_source.hpp"
#include "solana/pda.hpp"
#include "solana/pumpfun.hpp"

namespace kt::market {
namespace {

using pricing::testing::FakeAccount;
using pricing::testing::FakeSolanaRpc;
using pricing::testing::test_mint;

TEST(TokenTracker, a_cycle_over_250_curve_tokens_issues_3_get_multiple_accounts_calls) {
  FakeSolanaRpc rpc;
  const Mint pump = *Mint::parse(solana::kPumpFunProgramId);
  auto decimals = std::make_shared<pricing::MintDecimals>(nullptr);
  ManualClock clock(from_unix_millis(1'750'000'000'000));
  auto repo = std::move(storage::open_repository("sqlite::memory:", 1).value());
  ASSERT_TRUE(repo->migrate().ok());
  auto client = http::make_curl_client();
  solana::RpcPoolConfig config;
  config.urls = {rpc.url()};
  config.requests_per_second = 1000;
  config.burst = 1000;
  solana::RpcPool pool(config, *client, clock, [&](Millis d) { clock.advance(d); });
  std::vector<std::unique_ptr<PriceSource>> sources;
  sources.push_back(std::make_unique<pricing::PumpFunCurveSource>(pool, decimals));
  PriceService service(std::move(sources));
  TokenTracker tracker(*repo, service, clock);
  constexpr std::uint32_t kN = 250;
  for (std::uint32_t i = 0; i < kN; ++i) {
    const Mint m = test_mint(i);
    rpc.set_account(
        solana::pumpfun_bonding_curve_address(m)->address,
        FakeAccount{1, pump,
                    pricing::testing::bonding_curve_bytes(1'000'000'000'000 + i, 30'000'000'000, 1, 1, 1, false)});
    decimals->remember(m, 6);
    tracker.note_viewed(m, clock.now());
  }
  std::size_t ticks = 0;
  tracker.set_on_tick([&](const Quote& q) {
    EXPECT_EQ(q.source, "pumpfun");
    ++ticks;
  });
  const auto report = tracker.run_cycle(clock.now());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->fresh, kN);
  EXPECT_EQ(ticks, kN);
  EXPECT_EQ(rpc.calls("getMultipleAccounts"), 3u);  // ceil(250 / 100)
  EXPECT_EQ(rpc.max_keys_per_call(), 100u);
  EXPECT_EQ(rpc.http_requests(), 3u);
  std::optional<storage::PriceRecord> row;
  ASSERT_TRUE(repo->read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(row, tx.latest_price(test_mint(7)));
                    return ok_result();
                  })
                  .ok());
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->price, *Price::from_ratio(30'000'000'000, 1'000'000'000'007));
}

}  // namespace
}  // namespace kt::market
