#pragma once
// Decoding result rows into domain records (column orders as in pg_statements.hpp) and encoding
// exact quantities as parameters.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "domain/records.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/repository.hpp"

namespace kt::storage::postgres {

Result<User> decode_user(const PgResult& r, int row);
Wallet decode_wallet(const PgResult& r, int row);
Result<Position> decode_position(const PgResult& r, int row);
Result<LedgerEntry> decode_ledger(const PgResult& r, int row);
Result<TokenRecord> decode_token(const PgResult& r, int row);
Result<PriceRecord> decode_price(const PgResult& r, int row);
Result<TokenMetricsRecord> decode_token_metrics(const PgResult& r, int row);
Result<Order> decode_order(const PgResult& r, int row);
/// A one-column result of mints (e.g. the distinct mints of open positions).
Result<Mint> decode_mint(const PgResult& r, int row);

/// Every row of `r`, decoded with `decode`.
template <class T>
Result<std::vector<T>> decode_all(const PgResult& r, Result<T> (*decode)(const PgResult&, int)) {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    KT_TRY(T value, decode(r, i));
    out.push_back(std::move(value));
  }
  return out;
}

/// Decimal text of an exact u64 / u128 (stored as NUMERIC).
std::string numeric_text(std::uint64_t v);
std::string numeric_text(u128 v);
/// A double as text PostgreSQL parses back exactly (shortest round-trip form).
std::string float_text(double v);

}  // namespace kt::storage::postgres
