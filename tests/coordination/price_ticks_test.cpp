// The wire form of price ticks: exact round trips, batching under the NOTIFY limit, and refusal
// of anything malformed.
#include <gtest/gtest.h>

#include "coordination/price_ticks.hpp"

namespace kt::coordination {
namespace {

Mint mint_of(int i) {
  static const char* const kMints[] = {"So11111111111111111111111111111111111111112",
                                       "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263",
                                       "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"};
  return *Mint::parse(kMints[i % 3]);
}

Quote curve_quote() {
  Quote q;
  q.mint = mint_of(1);
  // A pump.fun curve's reserves as they are: a price no double can hold exactly.
  q.price = *Price::from_terms(u128{30'000'000'123} * 1'000'000'007, u128{1'073'000'000'000'001} * 999'999'937);
  q.decimals = 6;
  q.usd_per_token = 0.000012345678901234567;
  q.source = "pumpfun";
  q.observed_at = TimePoint(std::chrono::nanoseconds(1'764'000'000'123'456'789));
  q.reserves = PoolReserves{u128{30'000'000'123}, u128{1'073'000'000'000'001}, 100};
  return q;
}

void expect_same(const Quote& a, const Quote& b) {
  EXPECT_EQ(a.mint, b.mint);
  EXPECT_EQ(a.price.num(), b.price.num());
  EXPECT_EQ(a.price.den(), b.price.den());
  EXPECT_EQ(a.decimals, b.decimals);
  EXPECT_EQ(a.usd_per_token, b.usd_per_token);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.observed_at, b.observed_at);
  EXPECT_EQ(a.simulated, b.simulated);
  ASSERT_EQ(a.reserves.has_value(), b.reserves.has_value());
  if (a.reserves) {
    EXPECT_EQ(a.reserves->sol_lamports, b.reserves->sol_lamports);
    EXPECT_EQ(a.reserves->token_raw, b.reserves->token_raw);
    EXPECT_EQ(a.reserves->fee_bps, b.reserves->fee_bps);
  }
}

TEST(PriceTicks, a_quote_round_trips_exactly_with_its_source_and_observation_time) {
  Quote plain;
  plain.mint = mint_of(0);
  plain.price = *Price::from_sol_per_token("84.1844", 9);
  plain.decimals = 9;
  plain.source = "dexscreener";
  plain.observed_at = from_unix_millis(1'764'000'000'000);
  Quote demo = plain;
  demo.source = "demo";
  demo.simulated = true;
  const std::vector<Quote> quotes{curve_quote(), plain, demo};
  const auto payloads = encode_ticks(quotes, "abc123");
  ASSERT_EQ(payloads.size(), 1u);
  auto batch = decode_ticks(payloads[0]);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(batch->origin, "abc123");
  ASSERT_EQ(batch->quotes.size(), 3u);
  for (std::size_t i = 0; i < quotes.size(); ++i) expect_same(batch->quotes[i], quotes[i]);
  // Unreduced terms stay as they were: the price is the same rational, not an approximation.
  EXPECT_EQ(batch->quotes[0].price, quotes[0].price);
}

TEST(PriceTicks, many_ticks_split_into_payloads_under_the_notify_limit_that_each_decode_alone) {
  std::vector<Quote> quotes;
  for (int i = 0; i < 300; ++i) {
    Quote q = curve_quote();
    q.mint = mint_of(i);
    q.price = *Price::from_terms(u128{1'000'000} + static_cast<unsigned>(i), u128{7'777'777});
    quotes.push_back(q);
  }
  const auto payloads = encode_ticks(quotes, "origin1");
  ASSERT_GT(payloads.size(), 5u) << "300 ticks of ~150 bytes do not fit one notification";
  std::size_t decoded = 0;
  for (const auto& p : payloads) {
    EXPECT_LE(p.size(), kMaxPayloadBytes);
    EXPECT_LT(p.size(), 8000u);
    auto batch = decode_ticks(p);
    ASSERT_TRUE(batch.ok()) << batch.error().message;
    for (const auto& q : batch->quotes) expect_same(q, quotes[decoded++]);
  }
  EXPECT_EQ(decoded, quotes.size());
  EXPECT_TRUE(encode_ticks({}, "origin1").empty());
}

TEST(PriceTicks, malformed_payloads_are_refused_whole_with_the_line_that_is_wrong) {
  const std::string good = encode_ticks(std::vector<Quote>{curve_quote()}, "o1")[0];
  ASSERT_TRUE(decode_ticks(good).ok());
  const std::string line = good.substr(good.find('\n') + 1);
  const std::vector<std::string> bad = {
      "",
      "hello\n",
      "kt-ticks/2 o1\n" + line,
      "kt-ticks/1 O!\n" + line,
      good.substr(0, good.size() - 1),                                            // no final newline: cut short
      "kt-ticks/1 o1\n" + line + "garbage\n",                                     // a second line that is not a tick
      "kt-ticks/1 o1\nnot-a-mint 1 2 6 pumpfun 1 0 - -\n",                        // bad mint
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 0 2 6 pumpfun 1 0 - -\n",    // zero price
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1 0 6 pumpfun 1 0 - -\n",    // zero denominator
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1.5 2 6 pumpfun 1 0 - -\n",  // not an integer
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1 2 6 Pump fun 1 0 - -\n",   // bad source
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1 2 6 pumpfun -5 0 - -\n",   // negative time
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1 2 6 pumpfun 1 0 nan -\n",  // USD not finite
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1 2 6 pumpfun 1 0 - 1:2\n",  // reserves cut short
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1 2 6 pumpfun 1 2 - -\n",    // bad flag
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1 2 999 pumpfun 1 0 - -\n",  // decimals
      "kt-ticks/1 o1\n" + mint_of(0).to_string() + " 1267650600228229401496703205376 2 6 pumpfun 1 0 - -\n",  // 2^100
  };
  for (const auto& payload : bad) {
    auto r = decode_ticks(payload);
    ASSERT_FALSE(r.ok()) << payload;
    EXPECT_EQ(r.error().code, "E-BAD-TICK") << payload;
  }
  EXPECT_NE(decode_ticks(bad[5]).error().message.find("line 3"), std::string::npos)
      << decode_ticks(bad[5]).error().message;
}

}  // namespace
}  // namespace kt::coordination
