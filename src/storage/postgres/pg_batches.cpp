// PgTransaction: the tracker's batch writes. Each batch is one prepared statement whose parameters
// are parallel arrays (text array literals) that `unnest` turns back into rows, so 10,000 rows cost
// one round trip instead of 10,000.
#include <string>

#include "storage/postgres/pg_rows.hpp"
#include "storage/postgres/pg_statements.hpp"
#include "storage/postgres/pg_transaction.hpp"
#include "storage/token_metrics_values.hpp"

namespace kt::storage::postgres {
namespace {

/// Builds the text form of a one-dimensional array: {a,"b",NULL}.
class ArrayText {
 public:
  explicit ArrayText(std::size_t expected_elements, std::size_t bytes_each) {
    text_.reserve(expected_elements * (bytes_each + 1) + 2);
    text_ += '{';
  }
  /// A number or other token that needs no quoting.
  ArrayText& bare(std::string_view v) {
    separate();
    text_ += v;
    return *this;
  }
  /// Any text, quoted with `"` and `\` escaped.
  ArrayText& quoted(std::string_view v) {
    separate();
    text_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
    return *this;
  }
  ArrayText& null() { return bare("NULL"); }
  ArrayText& real(const std::optional<double>& v) { return v ? bare(float_text(*v)) : null(); }
  std::string done() && {
    text_ += '}';
    return std::move(text_);
  }

 private:
  void separate() {
    if (text_.size() > 1) text_ += ',';
  }
  std::string text_;
};

}  // namespace

Result<void> PgTransaction::insert_prices(std::span<const PriceRecord> prices) {
  if (prices.empty()) return {};
  const std::size_t n = prices.size();
  ArrayText mints(n, 46), nums(n, 24), dens(n, 24), decimals(n, 2), sol(n, 24), usd(n, 24), sources(n, 12),
      observed(n, 13);
  for (const auto& p : prices) {
    mints.quoted(p.mint.text());
    nums.bare(numeric_text(p.price.num()));
    dens.bare(numeric_text(p.price.den()));
    decimals.bare(std::to_string(p.decimals));
    sol.bare(float_text(p.price.sol_per_token(p.decimals)));
    usd.real(p.usd_per_token);
    sources.quoted(p.source);
    observed.bare(std::to_string(to_unix_millis(p.observed_at)));
  }
  PgParams params;
  for (auto* column : {&mints, &nums, &dens, &decimals, &sol, &usd, &sources, &observed})
    params.add(std::move(*column).done());
  KT_TRY(PgResult r, run(sql::kInsertPrices, params));
  return {};
}

Result<void> PgTransaction::upsert_token_metrics_many(std::span<const TokenMetricsRecord> metrics) {
  // All checked before any is written; one row per mint (ON CONFLICT cannot touch a row twice).
  KT_TRY(const auto rows, storable_metrics_batch(metrics));
  if (rows.empty()) return {};
  const std::size_t n = rows.size();
  ArrayText mints(n, 46), last(n, 24), change_1h(n, 24), change_24h(n, 24), high(n, 24), low(n, 24), volatility(n, 24),
      updated(n, 13);
  for (const auto& m : rows) {
    mints.quoted(m.mint.text());
    last.bare(float_text(m.last_price_sol));
    change_1h.real(m.change_1h_pct);
    change_24h.real(m.change_24h_pct);
    high.real(m.high_24h);
    low.real(m.low_24h);
    volatility.real(m.volatility_24h);
    updated.bare(std::to_string(to_unix_millis(m.updated_at)));
  }
  PgParams params;
  for (auto* column : {&mints, &last, &change_1h, &change_24h, &high, &low, &volatility, &updated})
    params.add(std::move(*column).done());
  KT_TRY(PgResult r, run(sql::kUpsertTokenMetricsMany, params));
  return {};
}

Result<std::size_t> PgTransaction::set_tokens_active(std::span<const Mint> mints, bool active) {
  if (mints.empty()) return std::size_t{0};
  ArrayText list(mints.size(), 46);
  for (const auto& m : mints) list.quoted(m.text());
  KT_TRY(PgResult r,
         run(active ? sql::kActivateTokens : sql::kDeactivateTokens, PgParams{}.add(std::move(list).done())));
  return static_cast<std::size_t>(r.affected());
}

}  // namespace kt::storage::postgres
