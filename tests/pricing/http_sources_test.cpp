// DexScreener and Jupiter sources through the real libcurl client against loopback fakes.
#include <gtest/gtest.h>

#include "fake_servers.hpp"
#include "http/http_client.hpp"
#include "pricing/dexscreener_source.hpp"
#include "pricing/exact_ratio.hpp"
#include "pricing/jupiter_source.hpp"
#include "solana/rpc_pool.hpp"

namespace kt::pricing {
namespace {

using testing::FakePriceApis;
using testing::FakeSolanaRpc;
using testing::test_mint;

const Mint kSol = *Mint::parse(kWrappedSolMint);
const Mint kUsdc = *Mint::parse(kUsdcMint);
const Mint kUsdt = *Mint::parse(kUsdtMint);
const TimePoint kNow = from_unix_millis(1'750'000'000'000);

std::string u(u128 v) { return u128_to_string(v); }

nlohmann::json dex_pair(const Mint& base, const Mint& quote, const std::string& native, double liquidity) {
  return {{"chainId", "solana"},
          {"dexId", "pumpswap"},
          {"pairAddress", "p"},
          {"baseToken", {{"address", base.to_string()}, {"name", "Test Token"}, {"symbol", "TT"}}},
          {"quoteToken", {{"address", quote.to_string()}, {"symbol", "Q"}}},
          {"priceNative", native},
          {"priceUsd", "0.001"},
          {"liquidity", {{"usd", liquidity}}},
          {"marketCap", 123456.0},
          {"priceChange", {{"h24", 12.5}}}};
}

struct HttpFixture {
  HttpFixture() {
    apis.load_fixtures();
    solana::RpcPoolConfig config;
    config.urls = {rpc.url()};
    config.requests_per_second = 1000;
    config.burst = 1000;
    pool = std::make_unique<solana::RpcPool>(config, *client, clock, [this](Millis d) { clock.advance(d); });
  }
  DexScreenerSource dex() { return DexScreenerSource(*client, {apis.url(), Millis{2000}}, sol_usd, decimals); }
  JupiterSource jupiter(std::string key = "") {
    return JupiterSource(*client, {apis.url(), std::move(key), Millis{2000}}, sol_usd, decimals);
  }

  FakePriceApis apis;
  FakeSolanaRpc rpc;
  std::unique_ptr<http::Client> client = http::make_curl_client();
  ManualClock clock;
  std::unique_ptr<solana::RpcPool> pool;
  std::shared_ptr<SolUsdCache> sol_usd = std::make_shared<SolUsdCache>();
  std::shared_ptr<MintDecimals> decimals = std::make_shared<MintDecimals>(nullptr);
};

TEST(JupiterSource, prices_usdc_exactly_as_its_usd_price_over_sols_from_the_fixture) {
  HttpFixture f;
  auto source = f.jupiter("secret-key");
  const auto q = source.quote(kUsdc, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(u(q->price.num()), "16665");  // 0.9999 / 147.48 SOL per USDC, 6 decimals
  EXPECT_EQ(u(q->price.den()), "2458");
  EXPECT_EQ(q->decimals, 6);
  EXPECT_EQ(q->source, "jupiter");
  EXPECT_EQ(q->observed_at, kNow);
  EXPECT_EQ(q->usd_per_token, std::optional<double>(0.9999));
  EXPECT_FALSE(q->reserves.has_value());
  const auto asked = f.apis.asked("jupiter");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], (std::vector<std::string>{kUsdc.to_string(), kSol.to_string()}));
  EXPECT_EQ(f.apis.last_api_key(), "secret-key");
  ASSERT_TRUE(f.sol_usd->get(kNow).has_value());
  EXPECT_EQ(f.sol_usd->get(kNow)->usd_text, "147.48");
}

TEST(JupiterSource, sol_itself_is_one_sol_per_token_and_no_key_header_without_a_key) {
  HttpFixture f;
  auto source = f.jupiter();
  const auto q = source.quote(kSol, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->price, *Price::from_ratio(1, 1));
  EXPECT_EQ(q->decimals, 9);
  EXPECT_EQ(q->usd_per_token, std::optional<double>(147.48));
  EXPECT_EQ(f.apis.asked("jupiter")[0], (std::vector<std::string>{kSol.to_string()}));
  EXPECT_EQ(f.apis.last_api_key(), "");
}

TEST(JupiterSource, a_mint_missing_from_the_answer_is_unknown) {
  HttpFixture f;
  auto source = f.jupiter();
  const auto q = source.quote(test_mint(1), kNow);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(q.error().code, "E-UNKNOWN-TOKEN");
}

TEST(JupiterSource, without_a_sol_entry_a_dollar_price_is_not_guessed) {
  HttpFixture f;
  FakePriceApis bare;  // serves USDC but not SOL
  bare.set_jupiter_entry(kUsdc, {{"usdPrice", 0.9999}, {"decimals", 6}});
  JupiterSource source(*f.client, {bare.url(), "", Millis{2000}}, f.sol_usd, f.decimals);
  const auto q = source.quote(kUsdc, kNow);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "E-NO-SOL-USD");
  EXPECT_TRUE(q.error().retryable());
}

TEST(JupiterSource, batches_120_mints_into_3_calls_of_at_most_50_ids) {
  HttpFixture f;
  std::vector<Mint> mints;
  for (std::uint32_t i = 0; i < 120; ++i) {
    mints.push_back(test_mint(i));
    f.apis.set_jupiter_entry(test_mint(i), {{"usdPrice", 0.5}, {"decimals", 6}});
  }
  auto source = f.jupiter();
  const auto quotes = source.quote_many(mints, kNow);
  ASSERT_EQ(quotes.size(), 120u);
  for (const auto& q : quotes) ASSERT_TRUE(q.ok()) << q.error().message;
  // 0.5 / 147.48 · 10^3 = 5·10^4 / 14748 = 12500 / 3687.
  EXPECT_EQ(u(quotes[77]->price.num()), "12500");
  EXPECT_EQ(u(quotes[77]->price.den()), "3687");
  EXPECT_EQ(quotes[77]->mint, test_mint(77));
  const auto asked = f.apis.asked("jupiter");
  ASSERT_EQ(asked.size(), 3u);
  for (const auto& ids : asked) EXPECT_LE(ids.size(), 50u);
  EXPECT_EQ(asked[0].size() + asked[1].size() + asked[2].size(), 123u);  // + SOL in each call
}

TEST(JupiterSource, http_429_and_500_are_retryable_source_failures) {
  HttpFixture f;
  auto source = f.jupiter();
  f.apis.set_down("jupiter", 429);
  auto q = source.quote(kUsdc, kNow);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "E-PRICE-RATE-LIMIT");
  EXPECT_TRUE(q.error().retryable());
  f.apis.set_down("jupiter", 500);
  q = source.quote(kUsdc, kNow);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "E-PRICE-HTTP");
  EXPECT_EQ(q.error().message, "Jupiter answered HTTP 500");
}

TEST(DexScreenerSource, a_sol_quoted_pair_gives_price_native_exactly_with_decimals_from_the_mint_account) {
  HttpFixture f;
  const Mint token = test_mint(7);
  f.apis.add_dex_pair(dex_pair(token, kSol, "0.00000002966", 5000));
  f.apis.add_dex_pair(dex_pair(token, kSol, "0.5", 10));  // shallower pair: ignored
  f.rpc.set_account(token, {1'461'600, *Mint::parse("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"),
                            testing::spl_mint_bytes(1'000'000'000'000'000, 6, nullptr, nullptr)});
  auto decimals = std::make_shared<MintDecimals>(f.pool.get());
  DexScreenerSource source(*f.client, {f.apis.url(), Millis{2000}}, f.sol_usd, decimals);
  const auto q = source.quote(token, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->price, *Price::from_sol_per_token("0.00000002966", 6));
  EXPECT_EQ(u(q->price.num()), "1483");
  EXPECT_EQ(u(q->price.den()), "50000000");
  EXPECT_EQ(q->decimals, 6);
  EXPECT_EQ(q->source, "dexscreener");
  EXPECT_EQ(q->usd_per_token, std::optional<double>(0.001));
  EXPECT_EQ(f.rpc.calls("getMultipleAccounts"), 1u);
  // The decimals are cached: a second quote asks the node nothing.
  ASSERT_TRUE(source.quote(token, kNow).ok());
  EXPECT_EQ(f.rpc.calls("getMultipleAccounts"), 1u);
  // The price's lamports are never the mint account's rent balance.
  EXPECT_NE(q->price.value_floor(1'000'000), std::optional<u128>(1'461'600));
}

TEST(DexScreenerSource, a_dollar_quoted_pair_converts_through_the_wsol_fixture_pair) {
  HttpFixture f;
  const Mint token = test_mint(8);
  f.apis.add_dex_pair(dex_pair(token, kUsdc, "0.5", 5000));
  f.decimals->remember(token, 6);
  auto source = f.dex();
  const auto q = source.quote(token, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  // 0.5 USDC / 84.1844 USD per SOL, 6 decimals: 5·10^6 / 841844 = 1250000 / 210461.
  EXPECT_EQ(u(q->price.num()), "1250000");
  EXPECT_EQ(u(q->price.den()), "210461");
  ASSERT_TRUE(f.sol_usd->get(kNow).has_value());
  EXPECT_EQ(f.sol_usd->get(kNow)->usd_text, "84.1844");
  EXPECT_EQ(f.sol_usd->get(kNow)->source, "dexscreener");
}

TEST(DexScreenerSource, unknown_tokens_are_not_found_and_token_info_reads_the_pair) {
  HttpFixture f;
  const Mint token = test_mint(9);
  f.apis.add_dex_pair(dex_pair(token, kSol, "0.001", 5000));
  f.decimals->remember(token, 6);
  auto source = f.dex();
  const auto unknown = source.quote(test_mint(10), kNow);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "E-UNKNOWN-TOKEN");
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  const auto info = source.token_info(token, kNow);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->symbol, "TT");
  EXPECT_EQ(info->name, "Test Token");
  EXPECT_EQ(info->decimals, 6);
  EXPECT_EQ(info->market_cap_usd, std::optional<double>(123456.0));
  EXPECT_EQ(info->liquidity_usd, std::optional<double>(5000));
  EXPECT_EQ(info->change_24h_pct, std::optional<double>(12.5));
}

TEST(DexScreenerSource, batches_60_mints_into_3_calls_of_at_most_30_mints) {
  HttpFixture f;
  std::vector<Mint> mints;
  for (std::uint32_t i = 0; i < 60; ++i) {
    mints.push_back(test_mint(100 + i));
    f.apis.add_dex_pair(dex_pair(test_mint(100 + i), kSol, "0.001", 1000));
    f.decimals->remember(test_mint(100 + i), 6);
  }
  auto source = f.dex();
  const auto quotes = source.quote_many(mints, kNow);
  ASSERT_EQ(quotes.size(), 60u);
  for (const auto& q : quotes) ASSERT_TRUE(q.ok()) << q.error().message;
  const auto asked = f.apis.asked("dexscreener");
  ASSERT_EQ(asked.size(), 3u);
  for (const auto& m : asked) {
    EXPECT_LE(m.size(), 30u);
    EXPECT_EQ(m.back(), kSol.to_string());
  }
}

TEST(DexScreenerSource, the_usdt_quoted_sol_pair_itself_prices_sol_at_one) {
  HttpFixture f;
  auto source = f.dex();
  const auto q = source.quote(kSol, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->price, *Price::from_ratio(1, 1));
  EXPECT_EQ(q->decimals, 9);
  EXPECT_EQ(q->usd_per_token, std::optional<double>(84.1844));
  EXPECT_EQ(f.apis.asked("dexscreener")[0], (std::vector<std::string>{kSol.to_string()}));
  (void)kUsdt;
}

TEST(DexScreenerSource, an_http_error_is_a_retryable_failure_for_every_mint_of_the_call) {
  HttpFixture f;
  f.apis.set_down("dexscreener", 503);
  auto source = f.dex();
  const std::vector<Mint> mints = {test_mint(1), test_mint(2)};
  const auto quotes = source.quote_many(mints, kNow);
  ASSERT_EQ(quotes.size(), 2u);
  for (const auto& q : quotes) {
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.error().code, "E-PRICE-HTTP");
  }
}

}  // namespace
}  // namespace kt::pricing
