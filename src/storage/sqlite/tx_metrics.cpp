// SqliteTransaction: token metrics (token_metrics), stored as REAL so doubles read back exactly.
#include <string>

#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"
#include "storage/token_metrics_values.hpp"

namespace kt::storage::sqlite {

Result<void> SqliteTransaction::upsert_token_metrics(const TokenMetricsRecord& metrics) {
  KT_TRY(const TokenMetricsRecord m, storable_metrics(metrics));
  KT_TRY(auto st, db_.prepare(sql::kUpsertTokenMetrics));
  st.bind(1, m.mint.text())
      .bind(2, m.last_price_sol)
      .bind(3, m.change_1h_pct)
      .bind(4, m.change_24h_pct)
      .bind(5, m.high_24h)
      .bind(6, m.low_24h)
      .bind(7, m.volatility_24h)
      .bind(8, to_unix_millis(m.updated_at));
  return st.run();
}

Result<std::optional<TokenMetricsRecord>> SqliteTransaction::find_token_metrics(const Mint& mint) {
  KT_TRY(auto st, db_.prepare(sql::kFindTokenMetrics));
  st.bind(1, mint.text());
  return query_one<TokenMetricsRecord>(st, read_token_metrics);
}

}  // namespace kt::storage::sqlite
