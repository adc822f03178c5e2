// Repository contract: token metrics (token_metrics), one row per mint, doubles exact.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "storage/contract_helpers.hpp"
#include "storage/contract_suite.hpp"

namespace kt::storage::contract {
namespace {

std::uint64_t bits(double v) {
  std::uint64_t out = 0;
  std::memcpy(&out, &v, sizeof out);
  return out;
}

/// Every field set, none of them a "nice" decimal.
TokenMetricsRecord full_metrics(const Mint& token, TimePoint t) {
  TokenMetricsRecord m;
  m.mint = token;
  m.last_price_sol = 2.966e-8;
  m.change_1h_pct = 1.0 / 3.0;
  m.change_24h_pct = -42.123456789012345;
  m.high_24h = 3.1e-8;
  m.low_24h = 0.1 + 0.2;  // 0.30000000000000004
  m.volatility_24h = 0.012345678901234567;
  m.updated_at = t;
  return m;
}

Result<void> upsert(Repository& repo, const TokenMetricsRecord& m) {
  return write_result(repo, [&](Transaction& tx) { return tx.upsert_token_metrics(m); });
}

Result<std::optional<TokenMetricsRecord>> find(Repository& repo, const Mint& token) {
  return read_result(repo, [&](Transaction& tx) { return tx.find_token_metrics(token); });
}

void expect_bits(const std::optional<double>& got, const std::optional<double>& want, const char* field) {
  ASSERT_EQ(got.has_value(), want.has_value()) << field;
  if (got) {
    EXPECT_EQ(bits(*got), bits(*want)) << field << ": " << *got << " != " << *want;
  }
}

void expect_same_metrics(const TokenMetricsRecord& got, const TokenMetricsRecord& want) {
  EXPECT_EQ(got.mint, want.mint);
  EXPECT_EQ(bits(got.last_price_sol), bits(want.last_price_sol)) << got.last_price_sol << " != " << want.last_price_sol;
  expect_bits(got.change_1h_pct, want.change_1h_pct, "change_1h_pct");
  expect_bits(got.change_24h_pct, want.change_24h_pct, "change_24h_pct");
  expect_bits(got.high_24h, want.high_24h, "high_24h");
  expect_bits(got.low_24h, want.low_24h, "low_24h");
  expect_bits(got.volatility_24h, want.volatility_24h, "volatility_24h");
  EXPECT_EQ(got.updated_at, want.updated_at);
}

TEST_P(RepositoryContract, token_metrics_insert_reads_back_every_field) {
  const TokenMetricsRecord m = full_metrics(bonk(), at(1234));
  ASSERT_TRUE(upsert(repo(), m).ok());
  auto got = find(repo(), bonk());
  ASSERT_TRUE(got.ok()) << why(got);
  ASSERT_TRUE(got->has_value());
  expect_same_metrics(**got, m);
  EXPECT_EQ(to_unix_millis((*got)->updated_at), kT0 + 1234);
}

TEST_P(RepositoryContract, token_metrics_upsert_replaces_the_row_of_the_same_mint_only) {
  ASSERT_TRUE(upsert(repo(), full_metrics(bonk(), at(1))).ok());
  ASSERT_TRUE(upsert(repo(), full_metrics(usdc(), at(2))).ok());
  TokenMetricsRecord second;  // later cycle: fewer statistics known, every value different
  second.mint = bonk();
  second.last_price_sol = 4.5e-8;
  second.change_1h_pct = 51.72;
  second.updated_at = at(60'000);
  ASSERT_TRUE(upsert(repo(), second).ok());

  auto got = find(repo(), bonk());
  ASSERT_TRUE(got.ok()) << why(got);
  ASSERT_TRUE(got->has_value());
  expect_same_metrics(**got, second);  // the old optionals were cleared, not kept
  EXPECT_FALSE((*got)->high_24h.has_value());
  auto other = find(repo(), usdc());
  ASSERT_TRUE(other.ok()) << why(other);
  ASSERT_TRUE(other->has_value());
  expect_same_metrics(**other, full_metrics(usdc(), at(2)));
}

TEST_P(RepositoryContract, token_metrics_absent_optionals_read_back_as_nullopt) {
  TokenMetricsRecord m;
  m.mint = jup();
  m.last_price_sol = 0.00123;
  m.updated_at = at(5);
  ASSERT_TRUE(upsert(repo(), m).ok());
  auto got = find(repo(), jup());
  ASSERT_TRUE(got.ok()) << why(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_FALSE((*got)->change_1h_pct.has_value());
  EXPECT_FALSE((*got)->change_24h_pct.has_value());
  EXPECT_FALSE((*got)->high_24h.has_value());
  EXPECT_FALSE((*got)->low_24h.has_value());
  EXPECT_FALSE((*got)->volatility_24h.has_value());
  EXPECT_EQ((*got)->last_price_sol, 0.00123);
}

TEST_P(RepositoryContract, token_metrics_of_an_unknown_mint_are_nullopt) {
  ASSERT_TRUE(upsert(repo(), full_metrics(bonk(), at(0))).ok());
  auto got = find(repo(), wsol());
  ASSERT_TRUE(got.ok()) << why(got);
  EXPECT_FALSE(got->has_value());
}

TEST_P(RepositoryContract, token_metrics_doubles_round_trip_bit_for_bit) {
  constexpr double kMin = std::numeric_limits<double>::min();
  const std::vector<double> values = {
      0.1,
      2.966e-8,
      1.0 / 3.0,
      std::nextafter(1.0, 2.0),  // 1 + 2^-52
      9007199254740993.0,        // rounds to 2^53; integral (SQLite stores it as an integer)
      123456789.0,               // integral too
      -1e15,
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(),
      kMin,                                       // smallest normal
      std::numeric_limits<double>::denorm_min(),  // 4.9e-324
      kMin / 3,                                   // a subnormal with many digits
      0.0,
  };
  for (std::size_t i = 0; i < values.size(); ++i) {
    TokenMetricsRecord m;
    m.mint = bonk();
    m.last_price_sol = values[i];
    m.change_1h_pct = values[(i + 1) % values.size()];
    m.change_24h_pct = values[(i + 2) % values.size()];
    m.high_24h = values[(i + 3) % values.size()];
    m.low_24h = values[(i + 4) % values.size()];
    m.volatility_24h = values[(i + 5) % values.size()];
    m.updated_at = at(static_cast<std::int64_t>(i));
    ASSERT_TRUE(upsert(repo(), m).ok()) << i;
    auto got = find(repo(), bonk());
    ASSERT_TRUE(got.ok()) << why(got);
    ASSERT_TRUE(got->has_value());
    SCOPED_TRACE(i);
    expect_same_metrics(**got, m);
  }
}

TEST_P(RepositoryContract, token_metrics_store_negative_zero_as_zero) {
  TokenMetricsRecord m = full_metrics(bonk(), at(0));
  m.change_1h_pct = -0.0;
  m.last_price_sol = -0.0;
  ASSERT_TRUE(upsert(repo(), m).ok());
  auto got = find(repo(), bonk());
  ASSERT_TRUE(got.ok()) << why(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(bits((*got)->last_price_sol), bits(0.0));
  ASSERT_TRUE((*got)->change_1h_pct.has_value());
  EXPECT_EQ(bits(*(*got)->change_1h_pct), bits(0.0));
}

TEST_P(RepositoryContract, token_metrics_refuse_nan_and_infinity_and_keep_the_old_row) {
  const TokenMetricsRecord good = full_metrics(bonk(), at(0));
  ASSERT_TRUE(upsert(repo(), good).ok());
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()}) {
    TokenMetricsRecord m = full_metrics(bonk(), at(10));
    m.volatility_24h = bad;
    const auto r = upsert(repo(), m);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kRejected);
    EXPECT_EQ(r.error().code, "E-STORAGE");
    m = full_metrics(bonk(), at(10));
    m.last_price_sol = bad;
    EXPECT_FALSE(upsert(repo(), m).ok()) << bad;
  }
  auto got = find(repo(), bonk());
  ASSERT_TRUE(got.ok()) << why(got);
  ASSERT_TRUE(got->has_value());
  expect_same_metrics(**got, good);
}

TEST_P(RepositoryContract, token_metrics_written_in_a_rolled_back_transaction_are_forgotten) {
  auto failed = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.upsert_token_metrics(full_metrics(bonk(), at(0))));
    return rejected("E-TEST", "cycle failed");
  });
  ASSERT_FALSE(failed.ok());
  auto got = find(repo(), bonk());
  ASSERT_TRUE(got.ok()) << why(got);
  EXPECT_FALSE(got->has_value());
}

}  // namespace
}  // namespace kt::storage::contract
