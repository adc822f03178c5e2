// SqliteTransaction: known tokens and stored prices.
#include <string>

#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"

namespace kt::storage::sqlite {

Result<void> SqliteTransaction::upsert_token(const TokenRecord& token) {
  KT_TRY(auto st, db_.prepare(sql::kUpsertToken));
  st.bind(1, token.mint.text())
      .bind(2, std::string_view(token.symbol))
      .bind(3, std::string_view(token.name))
      .bind(4, std::int64_t{token.decimals})
      .bind(5, std::int64_t{token.is_active ? 1 : 0})
      .bind(6, to_unix_millis(token.updated_at));
  return st.run();
}

Result<std::optional<TokenRecord>> SqliteTransaction::find_token(const Mint& mint) {
  KT_TRY(auto st, db_.prepare(sql::kFindToken));
  st.bind(1, mint.text());
  return query_one<TokenRecord>(st, read_token);
}

Result<std::vector<TokenRecord>> SqliteTransaction::find_tokens_by_symbol(const std::string& symbol) {
  KT_TRY(auto st, db_.prepare(sql::kFindTokensBySymbol));
  st.bind(1, std::string_view(symbol));
  return query_all<TokenRecord>(st, read_token);
}

Result<void> SqliteTransaction::set_token_active(const Mint& mint, bool active) {
  KT_TRY(auto st, db_.prepare(sql::kSetTokenActive));
  st.bind(1, mint.text()).bind(2, std::int64_t{active ? 1 : 0});
  KT_TRY_VOID(st.run());
  if (db_.changes() == 0) return not_found(kNotFoundCode, "no token " + mint.to_string());
  return ok_result();
}

Result<void> SqliteTransaction::insert_price(const PriceRecord& price) {
  KT_TRY(auto st, db_.prepare(sql::kInsertPrice));
  st.bind(1, price.mint.text())
      .bind(2, std::string_view(u128_to_string(price.price.num())))
      .bind(3, std::string_view(u128_to_string(price.price.den())))
      .bind(4, std::int64_t{price.decimals})
      .bind(5, price.price.sol_per_token(price.decimals))
      .bind(6, price.usd_per_token)
      .bind(7, std::string_view(price.source))
      .bind(8, to_unix_millis(price.observed_at));
  return st.run();
}

Result<std::optional<PriceRecord>> SqliteTransaction::latest_price(const Mint& mint) {
  KT_TRY(auto st, db_.prepare(sql::kLatestPrice));
  st.bind(1, mint.text());
  return query_one<PriceRecord>(st, read_price);
}

Result<std::vector<PriceRecord>> SqliteTransaction::price_history(const Mint& mint, TimePoint from, TimePoint to) {
  KT_TRY(auto st, db_.prepare(sql::kPriceHistory));
  st.bind(1, mint.text()).bind(2, to_unix_millis(from)).bind(3, to_unix_millis(to));
  return query_all<PriceRecord>(st, read_price);
}

}  // namespace kt::storage::sqlite
