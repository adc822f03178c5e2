// make_live_sources / make_rpc_pool wired against the loopback fakes.
#include "app/live_market.hpp"

#include <gtest/gtest.h>

#include "fake_servers.hpp"
#include "market/price_service.hpp"
#include "solana/pda.hpp"
#include "solana/pumpfun.hpp"

namespace kt::app {
namespace {

using pricing::testing::FakeAccount;
using pricing::testing::FakePriceApis;
using pricing::testing::FakeSolanaRpc;
using pricing::testing::test_mint;

const TimePoint kNow = from_unix_millis(1'750'000'000'000);

TEST(LiveMarket, builds_the_named_sources_in_order_and_refuses_other_names) {
  ops::Config config;
  auto client = http::make_curl_client();
  ManualClock clock;
  auto pool = make_rpc_pool(config, *client, clock);
  ASSERT_NE(pool, nullptr);
  config.prices.sources = {"jupiter", "pumpfun", "dexscreener"};
  auto sources = make_live_sources(config, *client, clock, pool.get());
  ASSERT_TRUE(sources.ok()) << sources.error().message;
  ASSERT_EQ(sources->size(), 3u);
  EXPECT_EQ((*sources)[0]->name(), "jupiter");
  EXPECT_EQ((*sources)[1]->name(), "pumpfun");
  EXPECT_EQ((*sources)[2]->name(), "dexscreener");

  config.prices.sources = {"pumpfun", "demo"};
  auto bad = make_live_sources(config, *client, clock, pool.get());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "E-CONFIG");
  EXPECT_NE(bad.error().message.find("'demo'"), std::string::npos);

  config.prices.sources = {"pumpfun"};
  auto no_rpc = make_live_sources(config, *client, clock, nullptr);
  ASSERT_FALSE(no_rpc.ok());
  EXPECT_EQ(no_rpc.error().code, "E-CONFIG");
  config.solana.rpc_urls.clear();
  EXPECT_EQ(make_rpc_pool(config, *client, clock), nullptr);
}

TEST(LiveMarket, a_curve_quote_gets_its_dollar_value_from_the_sol_usd_refresher) {
  FakeSolanaRpc rpc;
  FakePriceApis apis;
  apis.load_fixtures();
  const Mint token = test_mint(42);
  rpc.set_account(
      solana::pumpfun_bonding_curve_address(token)->address,
      FakeAccount{1, *Mint::parse(solana::kPumpFunProgramId),
                  pricing::testing::bonding_curve_bytes(1'073'000'000'000'000, 30'000'000'165, 793'100'000'000'000, 165,
                                                        1'000'000'000'000'000, false)});
  rpc.set_account(token, FakeAccount{1, *Mint::parse(solana::kTokenProgramId),
                                     pricing::testing::spl_mint_bytes(1'000'000'000'000'000, 6, nullptr, nullptr)});
  ops::Config config;
  config.solana.rpc_urls = {rpc.url()};
  config.solana.requests_per_second = 100;
  config.prices.dexscreener_url = apis.url();
  config.prices.jupiter_url = apis.url();
  auto client = http::make_curl_client();
  ManualClock clock;
  auto pool = make_rpc_pool(config, *client, clock);
  auto sources = make_live_sources(config, *client, clock, pool.get());
  ASSERT_TRUE(sources.ok());
  market::PriceService service(std::move(*sources));
  const auto q = service.quote(token, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->source, "pumpfun");
  EXPECT_EQ(u128_to_string(q->price.num()), "6000000033");  // 30000000165 / 1073000000000000 reduced by 5
  EXPECT_EQ(u128_to_string(q->price.den()), "214600000000000");
  ASSERT_TRUE(q->usd_per_token.has_value());
  // 2.7959e-8 SOL per token × 84.1844 USD per SOL (the wSOL fixture pair).
  EXPECT_NEAR(*q->usd_per_token, 30000000165.0 / 1073000000000000.0 * 1e-3 * 84.1844, 1e-15);
  EXPECT_EQ(apis.requests("dexscreener"), 1u);
}

}  // namespace
}  // namespace kt::app
