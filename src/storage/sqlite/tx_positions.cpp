// SqliteTransaction: positions.
#include <string>

#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"

namespace kt::storage::sqlite {

namespace {

Error missing_position(PositionId id) {
  return not_found(kNotFoundCode, "no position with id " + std::to_string(id.value));
}

}  // namespace

Result<Position> SqliteTransaction::insert_position(const Position& p) {
  KT_TRY(auto st, db_.prepare(sql::kInsertPosition));
  st.bind(1, p.user.value)
      .bind(2, p.mint.text())
      .bind(3, std::string_view(p.symbol))
      .bind(4, std::int64_t{p.decimals})
      .bind(5, to_string(p.side))
      .bind(6, to_string(p.status))
      .bind(7, std::string_view(u64_text(p.qty_raw)))
      .bind(8, std::string_view(u64_text(p.initial_qty_raw)))
      .bind(9, p.cost.value)
      .bind(10, p.initial_cost.value)
      .bind(11, p.entry_notional.value);
  bind_price(st, 12, p.entry_price);
  st.bind(14, p.realized_pnl.value);
  bind_price(st, 15, p.exit_price);
  st.bind(17, std::string_view(p.source))
      .bind(18, std::int64_t{p.simulated ? 1 : 0})
      .bind(19, to_unix_millis(p.opened_at))
      .bind(20, millis(p.closed_at));
  KT_TRY_VOID(st.run());
  Position stored = p;
  stored.id = PositionId{db_.last_insert_rowid()};
  return stored;
}

Result<void> SqliteTransaction::update_position(const Position& p) {
  KT_TRY(auto st, db_.prepare(sql::kUpdatePosition));
  st.bind(1, p.id.value)
      .bind(2, std::string_view(u64_text(p.qty_raw)))
      .bind(3, p.cost.value)
      .bind(4, p.entry_notional.value)
      .bind(5, p.realized_pnl.value)
      .bind(6, to_string(p.status))
      .bind(7, millis(p.closed_at));
  bind_price(st, 8, p.exit_price);
  KT_TRY_VOID(st.run());
  if (db_.changes() == 0) return missing_position(p.id);
  return ok_result();
}

// The write lock of BEGIN IMMEDIATE covers the row; reading it is locking it.
Result<Position> SqliteTransaction::lock_position(PositionId id) {
  KT_TRY(auto st, db_.prepare(sql::kFindPosition));
  st.bind(1, id.value);
  KT_TRY(auto position, query_one<Position>(st, read_position));
  if (!position) return missing_position(id);
  return std::move(*position);
}

Result<std::vector<Position>> SqliteTransaction::open_positions(UserId user) {
  KT_TRY(auto st, db_.prepare(sql::kOpenPositions));
  st.bind(1, user.value);
  return query_all<Position>(st, read_position);
}

Result<std::int64_t> SqliteTransaction::count_open_positions(UserId user) {
  KT_TRY(auto st, db_.prepare(sql::kCountOpenPositions));
  st.bind(1, user.value);
  return query_int64(st);
}

Result<std::vector<Position>> SqliteTransaction::closed_positions(UserId user, int limit) {
  if (limit <= 0) return std::vector<Position>{};
  KT_TRY(auto st, db_.prepare(sql::kClosedPositions));
  st.bind(1, user.value).bind(2, std::int64_t{limit});
  return query_all<Position>(st, read_position);
}

Result<std::vector<Mint>> SqliteTransaction::mints_with_open_positions() {
  KT_TRY(auto st, db_.prepare(sql::kMintsWithOpenPositions));
  return query_all<Mint>(st, [](const Statement& row) { return parse_mint(row.column_text(0), "positions"); });
}

}  // namespace kt::storage::sqlite
