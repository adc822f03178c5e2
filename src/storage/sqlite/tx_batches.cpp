// SqliteTransaction: the tracker's batch writes. Rows go out in multi-row statements of a few fixed
// sizes (each prepared once and cached like every statement), so a cycle of 10,000 tokens runs ~80
// statements instead of 20,000; the per-row work inside SQLite stays the same.
#include <string>
#include <vector>

#include "core/checked_math.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"
#include "storage/token_metrics_values.hpp"

namespace kt::storage::sqlite {
namespace {

/// Rows per statement, largest first; every batch is split greedily (the last size must be 1).
/// 256 rows × 8 parameters stays far below SQLite's 32,766-parameter limit.
constexpr std::size_t kChunkRows[] = {256, 16, 1};

/// `head` + `rows` groups of `columns` positional parameters + `tail`.
std::string multi_row_sql(std::string_view head, int columns, std::size_t rows, std::string_view tail) {
  std::string group = "(";
  for (int c = 0; c < columns; ++c) group += c == 0 ? "?" : ", ?";
  group += ")";
  std::string out(head);
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) out += ", ";
    out += group;
  }
  out += tail;
  return out;
}

/// The statement texts for every chunk size, built once (the connection caches statements by the
/// address of their text, which these static strings keep stable).
struct ChunkStatements {
  std::string text[std::size(kChunkRows)];
  ChunkStatements(std::string_view head, int columns, std::string_view tail) {
    for (std::size_t i = 0; i < std::size(kChunkRows); ++i) text[i] = multi_row_sql(head, columns, kChunkRows[i], tail);
  }
};

constexpr std::string_view kPriceHead =
    "INSERT INTO token_prices(token_address, price_num, price_den, decimals, price_sol, price_usd, source,"
    " observed_at) VALUES ";
constexpr std::string_view kMetricsHead =
    "INSERT INTO token_metrics(token_address, last_price_sol, change_1h_pct, change_24h_pct, high_24h, low_24h,"
    " volatility_24h, updated_at) VALUES ";
constexpr std::string_view kMetricsTail =
    " ON CONFLICT(token_address) DO UPDATE SET last_price_sol = excluded.last_price_sol,"
    " change_1h_pct = excluded.change_1h_pct, change_24h_pct = excluded.change_24h_pct,"
    " high_24h = excluded.high_24h, low_24h = excluded.low_24h, volatility_24h = excluded.volatility_24h,"
    " updated_at = excluded.updated_at";

/// Runs `rows` through the chunk statements: `bind_row(statement, first parameter index, row index)`
/// binds one row's parameters.
template <class BindRow>
Result<void> run_chunks(Connection& db, const ChunkStatements& statements, std::size_t rows, BindRow bind_row) {
  std::size_t done = 0;
  for (std::size_t size_index = 0; size_index < std::size(kChunkRows); ++size_index) {
    const std::size_t chunk = kChunkRows[size_index];
    while (rows - done >= chunk) {
      KT_TRY(auto st, db.prepare(statements.text[size_index].c_str()));
      int parameter = 1;
      for (std::size_t r = done; r < done + chunk; ++r) parameter = bind_row(st, parameter, r);
      KT_TRY_VOID(st.run());
      done += chunk;
    }
  }
  return ok_result();
}

}  // namespace

/// The decimal text of a price's numerator and denominator, kept until the statement ran.
struct PriceDigits {
  char num[kU128MaxDigits];
  char den[kU128MaxDigits];
  std::uint8_t num_size = 0, den_size = 0;
};

Result<void> SqliteTransaction::insert_prices(std::span<const PriceRecord> prices) {
  static const ChunkStatements statements(kPriceHead, 8, "");
  // Every text is bound without a copy: the records and `digits` outlive each statement.
  std::vector<PriceDigits> digits(prices.size());
  for (std::size_t r = 0; r < prices.size(); ++r) {
    digits[r].num_size = static_cast<std::uint8_t>(u128_to_chars(prices[r].price.num(), digits[r].num));
    digits[r].den_size = static_cast<std::uint8_t>(u128_to_chars(prices[r].price.den(), digits[r].den));
  }
  return run_chunks(db_, statements, prices.size(), [&](Statement& st, int i, std::size_t r) {
    const PriceRecord& price = prices[r];
    st.bind_unowned(i, price.mint.text())
        .bind_unowned(i + 1, std::string_view(digits[r].num, digits[r].num_size))
        .bind_unowned(i + 2, std::string_view(digits[r].den, digits[r].den_size))
        .bind(i + 3, std::int64_t{price.decimals})
        .bind(i + 4, price.price.sol_per_token(price.decimals))
        .bind(i + 5, price.usd_per_token)
        .bind_unowned(i + 6, std::string_view(price.source))
        .bind(i + 7, to_unix_millis(price.observed_at));
    return i + 8;
  });
}

Result<void> SqliteTransaction::upsert_token_metrics_many(std::span<const TokenMetricsRecord> metrics) {
  static const ChunkStatements statements(kMetricsHead, 8, kMetricsTail);
  KT_TRY(const auto rows, storable_metrics_batch(metrics));  // all checked before any is written
  return run_chunks(db_, statements, rows.size(), [&rows](Statement& st, int i, std::size_t r) {
    const TokenMetricsRecord& m = rows[r];
    st.bind_unowned(i, m.mint.text())
        .bind(i + 1, m.last_price_sol)
        .bind(i + 2, m.change_1h_pct)
        .bind(i + 3, m.change_24h_pct)
        .bind(i + 4, m.high_24h)
        .bind(i + 5, m.low_24h)
        .bind(i + 6, m.volatility_24h)
        .bind(i + 7, to_unix_millis(m.updated_at));
    return i + 8;
  });
}

Result<std::size_t> SqliteTransaction::set_tokens_active(std::span<const Mint> mints, bool active) {
  if (mints.empty()) return std::size_t{0};
  // One statement: the mints travel as a JSON array (base58 needs no escaping).
  std::string list = "[";
  list.reserve(mints.size() * 47 + 2);
  for (const auto& m : mints) {
    if (list.size() > 1) list += ',';
    list += '"';
    list += m.text();
    list += '"';
  }
  list += ']';
  KT_TRY(auto st, db_.prepare(sql::kSetTokensActive));
  st.bind(1, std::int64_t{active ? 1 : 0}).bind_unowned(2, std::string_view(list));
  KT_TRY_VOID(st.run());
  return static_cast<std::size_t>(db_.changes());
}

}  // namespace kt::storage::sqlite
