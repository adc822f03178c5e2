// The pump.fun curve source through a real RpcPool + libcurl against two loopback fake nodes.
#include <gtest/gtest.h>

#include "fake_servers.hpp"
#include "http/http_client.hpp"
#include "market/price_service.hpp"
#include "pricing/dexscreener_source.hpp"
#include "pricing/exact_ratio.hpp"
#include "pricing/pumpfun_source.hpp"
#include "solana/pda.hpp"
#include "solana/pumpfun.hpp"

namespace kt::pricing {
namespace {

using testing::FakeAccount;
using testing::FakePriceApis;
using testing::FakeSolanaRpc;
using testing::Fault;
using testing::test_mint;

const TimePoint kNow = from_unix_millis(1'750'000'000'000);
const Mint kPump = *Mint::parse(solana::kPumpFunProgramId);
const Mint kTokenProgram = *Mint::parse(solana::kTokenProgramId);
const Mint kMetaplex = *Mint::parse(solana::kMetaplexProgramId);

std::string u(u128 v) { return u128_to_string(v); }

/// The 49-byte notification fixture's reserves (vtr, vsr, rtr, rsr).
constexpr std::uint64_t kVtr = 684393493085733, kVsr = 47034345800, kRtr = 404493493085733, kRsr = 17034345800;

void add_curve_token(FakeSolanaRpc& rpc, const Mint& mint, bool complete = false, std::uint64_t vsr = kVsr,
                     std::size_t length = 49) {
  rpc.set_account(
      solana::pumpfun_bonding_curve_address(mint)->address,
      FakeAccount{17'035'577'720, kPump,
                  testing::bonding_curve_bytes(kVtr, vsr, kRtr, kRsr, 1'000'000'000'000'000, complete, length)});
  rpc.set_account(
      mint, FakeAccount{1'461'600, kTokenProgram, testing::spl_mint_bytes(1'000'000'000'000'000, 6, nullptr, nullptr)});
}

struct PoolFixture {
  explicit PoolFixture(int breaker_threshold = 5) {
    solana::RpcPoolConfig config;
    config.urls = {primary.url(), backup.url()};
    config.requests_per_second = 1000;
    config.burst = 1000;
    config.request_timeout = Millis{300};
    config.breaker_threshold = breaker_threshold;
    pool = std::make_unique<solana::RpcPool>(
        config, *client, clock, [this](Millis d) { clock.advance(d); },
        [this](std::string line) { log.push_back(std::move(line)); });
    decimals_holder = std::make_shared<MintDecimals>(pool.get());
  }
  bool logged(std::string_view needle) const {
    for (const auto& l : log) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  void add_everywhere(const Mint& mint, bool complete = false) {
    add_curve_token(primary, mint, complete);
    add_curve_token(backup, mint, complete);
  }

  FakeSolanaRpc primary;
  FakeSolanaRpc backup;
  std::unique_ptr<http::Client> client = http::make_curl_client();
  ManualClock clock;
  std::vector<std::string> log;
  std::unique_ptr<solana::RpcPool> pool;
  std::shared_ptr<MintDecimals> decimals_holder;
  std::shared_ptr<MintDecimals> decimals() { return decimals_holder; }
  MintDecimals& facts() { return *decimals_holder; }
};

TEST(PumpFunCurveSource, prices_the_fixture_curve_at_vsr_over_vtr_with_reserves_and_the_1_percent_fee) {
  PoolFixture f;
  const Mint token = test_mint(1);
  f.add_everywhere(token);
  PumpFunCurveSource source(*f.pool, f.decimals());
  const auto q = source.quote(token, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(u(q->price.num()), "47034345800");  // gcd(vsr, vtr) = 1
  EXPECT_EQ(u(q->price.den()), "684393493085733");
  EXPECT_NEAR(q->price.sol_per_token(6), 6.872413e-8, 1e-14);
  EXPECT_EQ(q->decimals, 6);
  EXPECT_EQ(q->source, "pumpfun");
  EXPECT_EQ(q->observed_at, kNow);
  ASSERT_TRUE(q->reserves.has_value());
  EXPECT_EQ(u(q->reserves->sol_lamports), "47034345800");
  EXPECT_EQ(u(q->reserves->token_raw), "684393493085733");
  EXPECT_EQ(q->reserves->fee_bps, 100u);
  // Curve and mint went out in one getMultipleAccounts call.
  EXPECT_EQ(f.primary.calls("getMultipleAccounts"), 1u);
  EXPECT_EQ(f.primary.max_keys_per_call(), 2u);
  // Never the curve's or the mint's lamports.
  EXPECT_NE(q->price.value_floor(1'000'000).value(), 17'035'577'720u);
}

TEST(PumpFunCurveSource, accepts_the_151_byte_layout_and_caches_decimals) {
  PoolFixture f;
  const Mint token = test_mint(2);
  add_curve_token(f.primary, token, false, kVsr, 151);
  PumpFunCurveSource source(*f.pool, f.decimals());
  ASSERT_TRUE(source.quote(token, kNow).ok());
  ASSERT_TRUE(source.quote(token, kNow).ok());
  EXPECT_EQ(f.primary.calls("getMultipleAccounts"), 2u);
  EXPECT_EQ(f.primary.max_keys_per_call(), 2u);  // the second call asks only for the curve
  EXPECT_EQ(f.facts().cached(token), std::optional<std::uint8_t>(6));
}

TEST(PumpFunCurveSource, a_completed_or_zero_reserve_curve_has_no_price_here) {
  PoolFixture f;
  const Mint done = test_mint(3), empty = test_mint(4), none = test_mint(5);
  add_curve_token(f.primary, done, /*complete=*/true);
  add_curve_token(f.primary, empty, false, /*vsr=*/0);
  PumpFunCurveSource source(*f.pool, f.decimals());
  const std::vector<Mint> mints = {done, empty, none};
  const auto quotes = source.quote_many(mints, kNow);
  ASSERT_EQ(quotes.size(), 3u);
  for (int i : {0, 1}) {
    ASSERT_FALSE(quotes[i].ok());
    EXPECT_EQ(quotes[i].error().kind, ErrorKind::kNotFound);
    EXPECT_EQ(quotes[i].error().code, "E-NO-PRICE");
  }
  ASSERT_FALSE(quotes[2].ok());
  EXPECT_EQ(quotes[2].error().code, "E-UNKNOWN-TOKEN");
}

TEST(PumpFunCurveSource, a_completed_curve_falls_through_to_dexscreener) {
  PoolFixture f;
  FakePriceApis apis;
  apis.load_fixtures();
  const Mint token = test_mint(6);
  f.add_everywhere(token, /*complete=*/true);
  apis.add_dex_pair({{"chainId", "solana"},
                     {"baseToken", {{"address", token.to_string()}}},
                     {"quoteToken", {{"address", std::string(kWrappedSolMint)}}},
                     {"priceNative", "0.0000004"},
                     {"liquidity", {{"usd", 90000}}}});
  auto sol_usd = std::make_shared<SolUsdCache>();
  std::vector<std::unique_ptr<market::PriceSource>> sources;
  sources.push_back(std::make_unique<PumpFunCurveSource>(*f.pool, f.decimals()));
  sources.push_back(std::make_unique<DexScreenerSource>(*f.client, DexScreenerOptions{apis.url(), Millis{2000}},
                                                        sol_usd, f.decimals()));
  market::PriceService service(std::move(sources));
  const auto q = service.quote(token, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->source, "dexscreener");
  EXPECT_EQ(q->price, *Price::from_sol_per_token("0.0000004", 6));
  EXPECT_FALSE(q->reserves.has_value());
  EXPECT_TRUE(service.health()[0].healthy);  // a graduated curve is not a failure
}

TEST(PumpFunCurveSource, all_sources_down_is_price_unavailable_never_a_made_up_price) {
  PoolFixture f;
  FakePriceApis apis;
  apis.set_down("dexscreener", 500);
  const Mint token = test_mint(7);
  f.add_everywhere(token);
  f.primary.fail_next(Fault::kHttp500, -1);
  f.backup.fail_next(Fault::kHttp500, -1);
  auto sol_usd = std::make_shared<SolUsdCache>();
  std::vector<std::unique_ptr<market::PriceSource>> sources;
  sources.push_back(std::make_unique<PumpFunCurveSource>(*f.pool, f.decimals()));
  sources.push_back(std::make_unique<DexScreenerSource>(*f.client, DexScreenerOptions{apis.url(), Millis{2000}},
                                                        sol_usd, f.decimals()));
  market::PriceService service(std::move(sources));
  const auto q = service.quote(token, kNow);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "E-PRICE-UNAVAILABLE");
  EXPECT_TRUE(q.error().retryable());
  EXPECT_NE(q.error().message.find("pumpfun"), std::string::npos);
  EXPECT_NE(q.error().message.find("dexscreener"), std::string::npos);
  EXPECT_FALSE(service.health()[0].healthy);
  EXPECT_FALSE(service.health()[1].healthy);
}

void expect_backup_answers(Fault fault, std::string_view why) {
  PoolFixture f(/*breaker_threshold=*/1);
  const Mint token = test_mint(8);
  f.add_everywhere(token);
  f.primary.set_timeout_hold(Millis{700});
  f.primary.fail_next(fault, -1);
  PumpFunCurveSource source(*f.pool, f.decimals());
  const auto q = source.quote(token, kNow);
  ASSERT_TRUE(q.ok()) << why << ": " << q.error().message;
  EXPECT_EQ(u(q->price.num()), "47034345800") << why;
  EXPECT_EQ(f.backup.calls("getMultipleAccounts"), 1u) << why;
  const auto status = f.pool->status();
  EXPECT_EQ(status[0].errors, 1u) << why;
  if (fault != Fault::kHttp429) {
    EXPECT_EQ(status[0].breaker, solana::BreakerState::kOpen) << why;
    EXPECT_TRUE(f.logged("open")) << why;
  }
  EXPECT_EQ(status[1].breaker, solana::BreakerState::kClosed) << why;
  f.primary.clear_faults();
}

TEST(PumpFunCurveSource, answer_comes_from_the_backup_when_the_primary_says_429) {
  expect_backup_answers(Fault::kHttp429, "429");
}
TEST(PumpFunCurveSource, answer_comes_from_the_backup_when_the_primary_says_500) {
  expect_backup_answers(Fault::kHttp500, "500");
}
TEST(PumpFunCurveSource, answer_comes_from_the_backup_when_the_primary_is_behind_32005) {
  expect_backup_answers(Fault::kNodeUnhealthy32005, "-32005");
}
TEST(PumpFunCurveSource, answer_comes_from_the_backup_when_the_primary_times_out) {
  expect_backup_answers(Fault::kTimeout, "timeout");
}
TEST(PumpFunCurveSource, answer_comes_from_the_backup_when_the_primary_sends_garbage) {
  expect_backup_answers(Fault::kGarbage, "garbage");
}

TEST(PumpFunCurveSource, quotes_250_curves_in_3_get_multiple_accounts_calls_of_at_most_100_keys) {
  PoolFixture f;
  std::vector<Mint> mints;
  for (std::uint32_t i = 0; i < 250; ++i) {
    mints.push_back(test_mint(1000 + i));
    add_curve_token(f.primary, mints.back());
    f.facts().remember(mints.back(), 6);
  }
  PumpFunCurveSource source(*f.pool, f.decimals());
  const auto quotes = source.quote_many(mints, kNow);
  for (const auto& q : quotes) ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(f.primary.calls("getMultipleAccounts"), 3u);
  EXPECT_EQ(f.primary.max_keys_per_call(), 100u);
}

TEST(PumpFunCurveSource, a_node_that_keeps_connections_alive_serves_every_call_over_one_uncompressed_connection) {
  FakeSolanaRpc node(testing::Connections::kKeepAlive);
  solana::RpcPoolConfig config;
  config.urls = {node.url()};
  config.requests_per_second = 1000;
  config.burst = 1000;
  ManualClock clock;
  const auto client = http::make_curl_client();
  solana::RpcPool pool(config, *client, clock, [&](Millis d) { clock.advance(d); });
  auto decimals = std::make_shared<MintDecimals>(&pool);
  std::vector<Mint> mints;
  for (std::uint32_t i = 0; i < 250; ++i) {
    mints.push_back(test_mint(2000 + i));
    add_curve_token(node, mints.back());
    decimals->remember(mints.back(), 6);
  }
  PumpFunCurveSource source(pool, decimals);
  node.reset_counters();
  for (const auto& q : source.quote_many(mints, kNow)) ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(node.calls("getMultipleAccounts"), 3u);
  EXPECT_EQ(node.client_connections(), 1u);
  EXPECT_EQ(node.last_accept_encoding(), "identity");
}

TEST(PumpFunCurveSource, token_info_reads_the_mint_and_its_metaplex_metadata) {
  PoolFixture f;
  const Mint token = test_mint(9);
  const Mint authority = test_mint(99);
  f.primary.set_account(token, FakeAccount{1'461'600, kTokenProgram,
                                           testing::spl_mint_bytes(999'000'000'000'000, 6, &authority, nullptr)});
  f.primary.set_account(solana::metaplex_metadata_address(token)->address,
                        FakeAccount{5'616'720, kMetaplex, testing::metaplex_bytes(token, "Kitten Coin", "KIT", true)});
  PumpFunCurveSource source(*f.pool, f.decimals());
  const auto info = source.token_info(token, kNow);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->name, "Kitten Coin");
  EXPECT_EQ(info->symbol, "KIT");
  EXPECT_EQ(info->decimals, 6);
  EXPECT_EQ(info->supply_raw, std::optional<std::uint64_t>(999'000'000'000'000));
  EXPECT_TRUE(info->mint_authority_set);
  EXPECT_FALSE(info->freeze_authority_set);
  EXPECT_FALSE(info->token_2022);
  EXPECT_TRUE(info->metadata_mutable);
  const auto unknown = source.token_info(test_mint(10), kNow);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "E-UNKNOWN-TOKEN");
}

}  // namespace
}  // namespace kt::pricing
