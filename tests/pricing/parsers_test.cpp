#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "pricing/dexscreener.hpp"
#include "pricing/exact_ratio.hpp"
#include "pricing/jupiter.hpp"

namespace kt::pricing {
namespace {

using testing::read_fixture;

const Mint kSol = *Mint::parse(kWrappedSolMint);
const Mint kUsdc = *Mint::parse(kUsdcMint);
const Mint kUsdt = *Mint::parse(kUsdtMint);
const Mint kMeta = *Mint::parse("METADDFL6wWMWEoKTFJwcThTbUmtarRJZjRpzUvkxhr");
const Mint kTok = *Mint::parse("4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw");

TEST(DexScreenerParser, reads_the_wsol_fixture_with_its_stated_values) {
  const auto pairs = parse_dexscreener_tokens(read_fixture("dexscreener_tokens_wsol_response.json"));
  ASSERT_TRUE(pairs.ok()) << pairs.error().message;
  ASSERT_EQ(pairs->size(), 1u);
  const DexPair& p = pairs->at(kSol);
  EXPECT_EQ(p.base_symbol, "SOL");
  EXPECT_EQ(p.base_name, "Wrapped SOL");
  EXPECT_EQ(p.quote_mint, kUsdt);
  EXPECT_EQ(p.quote_symbol, "USDT");
  EXPECT_EQ(p.dex_id, "raydium");
  EXPECT_EQ(p.pair_address, "3nMFwZXwY1s1M5s8vYAHqd4wGs4iSxXE4LRoUMMYqEgF");
  EXPECT_EQ(p.price_native, "84.1844");
  EXPECT_EQ(p.price_usd, std::optional<std::string>("84.18"));
  EXPECT_EQ(p.liquidity_usd, std::optional<double>(1794218.6));
  EXPECT_EQ(p.volume_h24_usd, std::optional<double>(42560456.15));
  EXPECT_EQ(p.change_h24_pct, std::optional<double>(-4.69));
  EXPECT_EQ(p.pair_created_at_ms, std::optional<std::int64_t>(1723699294000));
  EXPECT_FALSE(p.fdv_usd.has_value());
  EXPECT_FALSE(p.market_cap_usd.has_value());
}

TEST(DexScreenerParser, pairs_null_means_the_tokens_are_unknown) {
  const auto pairs = parse_dexscreener_tokens(read_fixture("dexscreener_tokens_unknown_pairs_null.json"));
  ASSERT_FALSE(pairs.ok());
  EXPECT_EQ(pairs.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(pairs.error().code, "E-UNKNOWN-TOKEN");
}

TEST(DexScreenerParser, an_error_page_is_a_retryable_parse_error) {
  for (const char* body : {"<html>502</html>", "", "[]", R"({"schemaVersion":"1.0.0"})", R"({"pairs":7})"}) {
    const auto pairs = parse_dexscreener_tokens(body);
    ASSERT_FALSE(pairs.ok()) << body;
    EXPECT_EQ(pairs.error().code, "E-PRICE-PARSE") << body;
    EXPECT_TRUE(pairs.error().retryable()) << body;
  }
}

std::string pair_json(const std::string& chain, const Mint& base, const Mint& quote, const std::string& native,
                      double liquidity, const std::string& extra = "") {
  return R"({"chainId":")" + chain + R"(","dexId":"d","baseToken":{"address":")" + base.to_string() +
         R"(","symbol":"TOK","name":"Token"},"quoteToken":{"address":")" + quote.to_string() +
         R"(","symbol":"Q"},"priceNative":")" + native + R"(","liquidity":{"usd":)" + std::to_string(liquidity) + "}" +
         extra + "}";
}

TEST(DexScreenerParser, keeps_the_deepest_solana_pair_quoted_in_sol_or_dollars_per_base_mint) {
  const std::string body = R"({"pairs":[)" + pair_json("solana", kTok, kSol, "0.001", 5000) + "," +
                           pair_json("solana", kTok, kSol, "0.002", 9000, R"(,"fdv":123.5,"marketCap":99.25)") + "," +
                           pair_json("ethereum", kTok, kSol, "0.003", 1e9) + "," +
                           pair_json("solana", kTok, kMeta, "0.004", 1e9) + "," +  // quote is not SOL/USD
                           pair_json("solana", kMeta, kTok, "0.005", 1e9) + "," +  // kTok only as quote
                           pair_json("solana", kUsdc, kSol, "0.0068", 7) + "]}";
  const auto pairs = parse_dexscreener_tokens(body);
  ASSERT_TRUE(pairs.ok()) << pairs.error().message;
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ(pairs->at(kTok).price_native, "0.002");
  EXPECT_EQ(pairs->at(kTok).fdv_usd, std::optional<double>(123.5));
  EXPECT_EQ(pairs->at(kTok).market_cap_usd, std::optional<double>(99.25));
  EXPECT_EQ(pairs->at(kUsdc).price_native, "0.0068");
  EXPECT_FALSE(pairs->count(kMeta));
}

TEST(DexScreenerParser, skips_pairs_with_a_zero_or_unreadable_price) {
  const std::string body = R"({"pairs":[)" + pair_json("solana", kTok, kSol, "0", 5000) + "," +
                           pair_json("solana", kTok, kSol, "abc", 5000) + "," +
                           pair_json("solana", kTok, kSol, "-1", 5000) + "]}";
  const auto pairs = parse_dexscreener_tokens(body);
  ASSERT_TRUE(pairs.ok());
  EXPECT_TRUE(pairs->empty());
}

TEST(JupiterParser, reads_the_v3_fixture_with_its_stated_values) {
  const auto prices = parse_jupiter_v3(read_fixture("jupiter_price_v3_response.json"));
  ASSERT_TRUE(prices.ok()) << prices.error().message;
  ASSERT_EQ(prices->size(), 2u);
  const JupiterPrice& sol = prices->at(kSol);
  EXPECT_EQ(sol.usd_price, "147.48");
  EXPECT_EQ(sol.decimals, std::optional<std::uint8_t>(9));
  EXPECT_EQ(sol.block_id, std::optional<std::int64_t>(348004023));
  EXPECT_EQ(sol.change_24h_pct, std::optional<double>(1.29));
  EXPECT_EQ(sol.liquidity_usd, std::optional<double>(621679197.67));
  const JupiterPrice& usdc = prices->at(kUsdc);
  EXPECT_EQ(usdc.usd_price, "0.9999");
  EXPECT_EQ(usdc.decimals, std::optional<std::uint8_t>(6));
  EXPECT_EQ(usdc.block_id, std::optional<std::int64_t>(348004025));
  EXPECT_EQ(usdc.change_24h_pct, std::optional<double>(-0.003));
}

TEST(JupiterParser, reads_the_v2_fixture_string_price_exactly) {
  const auto prices = parse_jupiter_v2(read_fixture("jupiter_price_v2_response.json"));
  ASSERT_TRUE(prices.ok()) << prices.error().message;
  ASSERT_EQ(prices->size(), 1u);
  EXPECT_EQ(prices->at(kMeta).usd_price, "1994.355333534");
  EXPECT_FALSE(prices->at(kMeta).decimals.has_value());
}

TEST(JupiterParser, leaves_out_null_missing_zero_and_malformed_entries) {
  const auto prices = parse_jupiter_v3(R"({")" + kTok.to_string() + R"(":null,"not-a-mint":{"usdPrice":1},")" +
                                       kUsdc.to_string() + R"(":{"usdPrice":0},")" + kMeta.to_string() +
                                       R"(":{"usdPrice":"x"},")" + kSol.to_string() + R"(":{"usdPrice":1e-05}})");
  ASSERT_TRUE(prices.ok());
  ASSERT_EQ(prices->size(), 1u);
  EXPECT_EQ(prices->at(kSol).usd_price, "1e-05");
  EXPECT_FALSE(prices->at(kSol).decimals.has_value());
}

TEST(JupiterParser, a_non_object_body_is_a_retryable_parse_error) {
  for (const char* body : {"", "null", "[1]", "<html>"}) {
    const auto prices = parse_jupiter_v3(body);
    ASSERT_FALSE(prices.ok()) << body;
    EXPECT_EQ(prices.error().code, "E-PRICE-PARSE");
  }
  EXPECT_EQ(parse_jupiter_v2(R"({"timeTaken":1})").error().code, "E-PRICE-PARSE");
}

TEST(ExactRatio, usdc_at_0_9999_usd_with_sol_at_147_48_is_16665_over_2458_lamports_per_raw_unit) {
  // (9999e-4 / 14748e-2) · 10^(9−6) = 99990 / 14748 = 16665 / 2458 exactly.
  const auto price = price_from_ratio_of_decimals(*parse_exact_decimal("0.9999"), *parse_exact_decimal("147.48"), 6);
  ASSERT_TRUE(price.ok()) << price.error().message;
  EXPECT_EQ(u128_to_string(price->num()), "16665");
  EXPECT_EQ(u128_to_string(price->den()), "2458");
}

TEST(ExactRatio, sol_priced_token_is_exactly_its_price_native) {
  // 0.00000002966 SOL per token, 6 decimals: 2966e-11 · 10^3 = 2966 / 10^8 = 1483 / 5·10^7.
  const auto price = price_from_ratio_of_decimals(*parse_exact_decimal("0.00000002966"), ExactDecimal{1, 0}, 6);
  ASSERT_TRUE(price.ok());
  EXPECT_EQ(*price, *Price::from_sol_per_token("0.00000002966", 6));
  EXPECT_EQ(u128_to_string(price->num()), "1483");
  EXPECT_EQ(u128_to_string(price->den()), "50000000");
}

TEST(ExactRatio, parses_exponents_and_strips_trailing_zeros) {
  const auto d = parse_exact_decimal("2.9660E-8");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(u128_to_string(d->mantissa), "2966");
  EXPECT_EQ(d->exponent, -11);
  for (const char* bad : {"0", "-1", "", "abc", "1e", "1e1000", "nan", "inf"}) {
    EXPECT_FALSE(parse_exact_decimal(bad).ok()) << bad;
  }
}

TEST(ExactRatio, refuses_terms_beyond_128_bits_instead_of_wrapping) {
  const auto price = price_from_ratio_of_decimals(ExactDecimal{1, 40}, ExactDecimal{1, 0}, 0);
  ASSERT_FALSE(price.ok());
  EXPECT_EQ(price.error().code, "E-PRICE");
}

TEST(ExactRatio, json_number_text_is_the_shortest_round_trip_form) {
  EXPECT_EQ(*json_number_text(nlohmann::json::parse("147.48")), "147.48");
  EXPECT_EQ(*json_number_text(nlohmann::json::parse("0.9999")), "0.9999");
  EXPECT_EQ(*json_number_text(nlohmann::json::parse("\"1994.355333534\"")), "1994.355333534");
  EXPECT_EQ(*json_number_text(nlohmann::json::parse("42")), "42");
  EXPECT_FALSE(json_number_text(nlohmann::json::parse("null")).ok());
}

}  // namespace
}  // namespace kt::pricing
