// PgTransaction: token metrics (token_metrics, DOUBLE PRECISION). Doubles travel as shortest
// round-trip text both ways, so they read back bit for bit.
#include "storage/postgres/pg_rows.hpp"
#include "storage/postgres/pg_statements.hpp"
#include "storage/postgres/pg_transaction.hpp"
#include "storage/token_metrics_values.hpp"

namespace kt::storage::postgres {

namespace {

PgParams& add_float(PgParams& p, const std::optional<double>& v) { return v ? p.add(float_text(*v)) : p.add_null(); }

}  // namespace

Result<void> PgTransaction::upsert_token_metrics(const TokenMetricsRecord& metrics) {
  KT_TRY(const TokenMetricsRecord m, storable_metrics(metrics));
  PgParams p;
  p.add(m.mint.to_string()).add(float_text(m.last_price_sol));
  add_float(p, m.change_1h_pct);
  add_float(p, m.change_24h_pct);
  add_float(p, m.high_24h);
  add_float(p, m.low_24h);
  add_float(p, m.volatility_24h);
  p.add(to_unix_millis(m.updated_at));
  KT_TRY(PgResult r, run(sql::kUpsertTokenMetrics, p));
  return {};
}

Result<std::optional<TokenMetricsRecord>> PgTransaction::find_token_metrics(const Mint& mint) {
  KT_TRY(PgResult r, run(sql::kFindTokenMetrics, PgParams{}.add(mint.to_string())));
  if (r.rows() == 0) return std::optional<TokenMetricsRecord>{};
  KT_TRY(TokenMetricsRecord m, decode_token_metrics(r, 0));
  return std::optional<TokenMetricsRecord>{std::move(m)};
}

}  // namespace kt::storage::postgres
