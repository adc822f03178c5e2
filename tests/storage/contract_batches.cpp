// Repository contract: the tracker's batch writes (insert_prices, upsert_token_metrics_many,
// set_tokens_active) store exactly what the single-row methods store. Batches of 300 rows cross
// every statement size a backend may split them into.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "storage/contract_helpers.hpp"
#include "storage/contract_suite.hpp"

namespace kt::storage::contract {
namespace {

constexpr std::size_t kBatch = 300;

/// A distinct valid mint per index (any 32 bytes are a valid key).
Mint nth_mint(std::size_t i) {
  Mint::Bytes bytes{};
  bytes[0] = static_cast<std::uint8_t>(i >> 8);
  bytes[1] = static_cast<std::uint8_t>(i);
  bytes[31] = 0x5a;
  return Mint(bytes);
}

std::uint64_t bits(double v) {
  std::uint64_t out = 0;
  std::memcpy(&out, &v, sizeof out);
  return out;
}

void expect_same_price(const PriceRecord& got, const PriceRecord& want) {
  EXPECT_EQ(got.mint, want.mint);
  EXPECT_TRUE(got.price == want.price) << u128_to_string(got.price.num()) << "/" << u128_to_string(got.price.den());
  EXPECT_EQ(got.decimals, want.decimals);
  ASSERT_EQ(got.usd_per_token.has_value(), want.usd_per_token.has_value());
  if (got.usd_per_token) {
    EXPECT_EQ(bits(*got.usd_per_token), bits(*want.usd_per_token));
  }
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.observed_at, want.observed_at);
}

void expect_optional_bits(const std::optional<double>& got, const std::optional<double>& want) {
  ASSERT_EQ(got.has_value(), want.has_value());
  if (got) {
    EXPECT_EQ(bits(*got), bits(*want));
  }
}

TokenMetricsRecord nth_metrics(std::size_t i, TimePoint t) {
  TokenMetricsRecord m;
  m.mint = nth_mint(i);
  m.last_price_sol = 2.966e-8 * static_cast<double>(i + 1) / 3.0;
  if (i % 3 != 0) m.change_1h_pct = -1.0 / static_cast<double>(i + 7);
  if (i % 4 != 0) m.change_24h_pct = 0.1 + 0.2 * static_cast<double>(i);
  if (i % 5 != 0) m.high_24h = m.last_price_sol * 1.25;
  if (i % 5 != 0) m.low_24h = m.last_price_sol / 3.0;
  if (i % 2 != 0) m.volatility_24h = std::nextafter(0.0123, 1.0);
  m.updated_at = t;
  return m;
}

void expect_same_metrics(const TokenMetricsRecord& got, const TokenMetricsRecord& want) {
  EXPECT_EQ(got.mint, want.mint);
  EXPECT_EQ(bits(got.last_price_sol), bits(want.last_price_sol));
  expect_optional_bits(got.change_1h_pct, want.change_1h_pct);
  expect_optional_bits(got.change_24h_pct, want.change_24h_pct);
  expect_optional_bits(got.high_24h, want.high_24h);
  expect_optional_bits(got.low_24h, want.low_24h);
  expect_optional_bits(got.volatility_24h, want.volatility_24h);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

TEST_P(RepositoryContract, insert_prices_stores_each_row_like_insert_price_in_order) {
  std::vector<PriceRecord> rows;
  for (std::size_t i = 0; i < kBatch; ++i) {
    // Two mints interleaved; odd rows of a mint at the same time as the even ones (order must hold).
    PriceRecord r;
    r.mint = i % 2 == 0 ? bonk() : usdc();
    r.price = i == 7 ? huge_price() : Price::from_ratio(static_cast<u128>(i + 1), 7 + i).value();
    r.decimals = static_cast<std::uint8_t>(i % 10);
    if (i % 3 == 0) r.usd_per_token = 0.1 * static_cast<double>(i);
    r.source = i == 5 ? std::string("odd \"source\" \\ {x,y}") : std::string("pumpfun");
    r.observed_at = at(static_cast<std::int64_t>(i / 4));
    rows.push_back(r);
  }
  auto done = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.insert_prices({}));  // an empty batch writes nothing
    return tx.insert_prices(rows);
  });
  ASSERT_TRUE(done.ok()) << why(done);
  for (const Mint& m : {bonk(), usdc()}) {
    auto history = read_result(repo(), [&](Transaction& tx) { return tx.price_history(m, at(0), at(1'000)); });
    ASSERT_TRUE(history.ok()) << why(history);
    std::vector<PriceRecord> want;
    for (const auto& r : rows)
      if (r.mint == m) want.push_back(r);
    ASSERT_EQ(history->size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) expect_same_price((*history)[i], want[i]);
  }
}

TEST_P(RepositoryContract, upsert_token_metrics_many_inserts_and_replaces_rows_bit_for_bit) {
  ASSERT_TRUE(
      write_result(repo(), [](Transaction& tx) { return tx.upsert_token_metrics(nth_metrics(3, at(1))); }).ok());
  std::vector<TokenMetricsRecord> rows;
  for (std::size_t i = 0; i < kBatch; ++i) rows.push_back(nth_metrics(i, at(60'000)));
  TokenMetricsRecord later = nth_metrics(10, at(120'000));  // a second record of a mint: it wins
  later.change_1h_pct.reset();
  later.last_price_sol = -0.0;  // stored as 0.0, like upsert_token_metrics
  rows.push_back(later);
  auto done = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.upsert_token_metrics_many({}));
    return tx.upsert_token_metrics_many(rows);
  });
  ASSERT_TRUE(done.ok()) << why(done);
  later.last_price_sol = 0.0;
  for (std::size_t i = 0; i < kBatch; ++i) {
    auto got = read_result(repo(), [&](Transaction& tx) { return tx.find_token_metrics(nth_mint(i)); });
    ASSERT_TRUE(got.ok() && got->has_value()) << i << ": " << why(got);
    expect_same_metrics(**got, i == 10 ? later : nth_metrics(i, at(60'000)));
  }
}

TEST_P(RepositoryContract, upsert_token_metrics_many_with_a_non_finite_value_writes_nothing) {
  ASSERT_TRUE(
      write_result(repo(), [](Transaction& tx) { return tx.upsert_token_metrics(nth_metrics(0, at(1))); }).ok());
  std::vector<TokenMetricsRecord> rows;
  for (std::size_t i = 0; i < kBatch; ++i) rows.push_back(nth_metrics(i, at(60'000)));
  rows[kBatch - 1].volatility_24h = std::numeric_limits<double>::quiet_NaN();
  // The batch fails on its own; the rest of the transaction (the row written before it) commits.
  Result<void> batch = ok_result();
  auto done = repo().write([&](Transaction& tx) -> Result<void> {
    KT_TRY_VOID(tx.upsert_token_metrics(nth_metrics(1, at(2))));
    batch = tx.upsert_token_metrics_many(rows);
    return ok_result();
  });
  ASSERT_TRUE(done.ok()) << why(done);
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.error().code, "E-STORAGE");
  EXPECT_EQ(batch.error().kind, ErrorKind::kRejected);
  for (std::size_t i = 0; i < kBatch; ++i) {
    auto got = read_result(repo(), [&](Transaction& tx) { return tx.find_token_metrics(nth_mint(i)); });
    ASSERT_TRUE(got.ok()) << why(got);
    if (i > 1) {
      EXPECT_FALSE(got->has_value()) << i;
    } else {
      ASSERT_TRUE(got->has_value());
      expect_same_metrics(**got, nth_metrics(i, at(static_cast<std::int64_t>(i) + 1)));
    }
  }
}

TEST_P(RepositoryContract, set_tokens_active_changes_known_tokens_whose_flag_differs) {
  std::vector<Mint> mints;
  auto setup = write_result(repo(), [&](Transaction& tx) -> Result<void> {
    for (std::size_t i = 0; i < kBatch; ++i) {
      mints.push_back(nth_mint(i));
      if (i % 10 == 9) continue;  // unknown token: skipped, no error
      KT_TRY_VOID(tx.upsert_token(TokenRecord{nth_mint(i), "T", "Token", 6, i % 3 == 0, at(1)}));
    }
    return ok_result();
  });
  ASSERT_TRUE(setup.ok()) << why(setup);
  std::size_t known_inactive = 0, known = 0;
  for (std::size_t i = 0; i < kBatch; ++i) {
    if (i % 10 == 9) continue;
    ++known;
    known_inactive += i % 3 != 0;
  }
  mints.push_back(nth_mint(0));  // a repeated mint counts once
  auto activated = write_result(repo(), [&](Transaction& tx) { return tx.set_tokens_active(mints, true); });
  ASSERT_TRUE(activated.ok()) << why(activated);
  EXPECT_EQ(*activated, known_inactive);
  auto again = write_result(repo(), [&](Transaction& tx) { return tx.set_tokens_active(mints, true); });
  ASSERT_TRUE(again.ok()) << why(again);
  EXPECT_EQ(*again, 0u);
  auto none = write_result(repo(), [&](Transaction& tx) { return tx.set_tokens_active({}, false); });
  ASSERT_TRUE(none.ok() && *none == 0u) << why(none);

  const std::vector<Mint> some(mints.begin(), mints.begin() + 20);
  auto deactivated = write_result(repo(), [&](Transaction& tx) { return tx.set_tokens_active(some, false); });
  ASSERT_TRUE(deactivated.ok()) << why(deactivated);
  EXPECT_EQ(*deactivated, 18u);  // 20 minus the two unknown ones
  auto count = read_result(repo(), [](Transaction& tx) { return tx.count_active_tokens(); });
  ASSERT_TRUE(count.ok()) << why(count);
  EXPECT_EQ(*count, static_cast<std::int64_t>(known - 18));
  for (std::size_t i = 0; i < 20; ++i) {
    auto token = read_result(repo(), [&](Transaction& tx) { return tx.find_token(nth_mint(i)); });
    ASSERT_TRUE(token.ok()) << why(token);
    ASSERT_EQ(token->has_value(), i % 10 != 9) << i;
    if (token->has_value()) {
      EXPECT_FALSE((*token)->is_active) << i;
    }
  }
}

}  // namespace
}  // namespace kt::storage::contract
