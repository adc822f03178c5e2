#pragma once
// Conversions between domain values and SQLite columns: u64 and u128 as exact decimal text,
// times as unix milliseconds, enums as their names. A row that does not decode is a fatal error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "domain/records.hpp"
#include "storage/repository.hpp"
#include "storage/sqlite/connection.hpp"

namespace kt::storage::sqlite {

/// A stored row that does not decode (the file was edited by hand or is corrupt).
Error corrupt_row(std::string_view table, std::string_view what);

std::string u64_text(std::uint64_t value);
Result<std::uint64_t> parse_u64(std::string_view text, std::string_view table);
/// A price stored as num/den text, with exactly those terms.
Result<Price> parse_price(std::string_view num, std::string_view den, std::string_view table);
Result<Mint> parse_mint(std::string_view text, std::string_view table);

/// Binds an optional price as two text terms (num at `num_index`, den after it), or two NULLs.
void bind_price(Statement& st, int num_index, const std::optional<Price>& price);
/// Unix milliseconds of an optional time.
std::optional<std::int64_t> millis(const std::optional<TimePoint>& t);

/// Decoders of the column lists in sql.hpp (KT_*_COLUMNS), starting at column 0.
Result<User> read_user(const Statement& row);
Result<Wallet> read_wallet(const Statement& row);
Result<LedgerEntry> read_ledger_entry(const Statement& row);
Result<Position> read_position(const Statement& row);
Result<TokenRecord> read_token(const Statement& row);
Result<PriceRecord> read_price(const Statement& row);
Result<TokenMetricsRecord> read_token_metrics(const Statement& row);
Result<Order> read_order(const Statement& row);

/// Decodes the first column of the single row of an aggregate query (COUNT, SUM).
inline Result<std::int64_t> query_int64(Statement& statement) {
  KT_TRY(const bool row, statement.step());
  if (!row) return std::int64_t{0};
  return statement.column_int64(0);
}

/// Steps `statement` to the end, decoding every row with `decode` (Statement -> Result<T>).
template <class T, class Decode>
Result<std::vector<T>> query_all(Statement& statement, Decode decode) {
  std::vector<T> out;
  for (;;) {
    KT_TRY(const bool row, statement.step());
    if (!row) return out;
    KT_TRY(T value, decode(statement));
    out.push_back(std::move(value));
  }
}

/// Steps `statement` once, decoding the row with `decode` if there is one.
template <class T, class Decode>
Result<std::optional<T>> query_one(Statement& statement, Decode decode) {
  KT_TRY(const bool row, statement.step());
  if (!row) return std::optional<T>{};
  KT_TRY(T value, decode(statement));
  return std::optional<T>{std::move(value)};
}

}  // namespace kt::storage::sqlite
