#pragma once
// Decoding result rows into domain records (column orders as in pg_statements.hpp) and encoding
// exact quantities as parameters.
#include <cstdint>
#include <optional>
#include <string>

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

/// Decimal text of an exact u64 / u128 (stored as NUMERIC).
std::string numeric_text(std::uint64_t v);
std::string numeric_text(u128 v);
/// A double as text PostgreSQL parses back exactly (shortest round-trip form).
std::string float_text(double v);

}  // namespace kt::storage::postgres
