// SqliteTransaction: conditional orders (migration 0002).
#include <string>

#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"

namespace kt::storage::sqlite {

namespace {

Error missing_order(OrderId id) { return not_found(kNotFoundCode, "no order with id " + std::to_string(id.value)); }

std::optional<std::int64_t> id_value(const std::optional<PositionId>& id) {
  if (!id) return std::nullopt;
  return id->value;
}

}  // namespace

Result<Order> SqliteTransaction::insert_order(const Order& o) {
  KT_TRY(auto st, db_.prepare(sql::kInsertOrder));
  st.bind(1, o.user.value)
      .bind(2, to_string(o.kind))
      .bind(3, to_string(o.status))
      .bind(4, o.mint.text())
      .bind(5, std::int64_t{o.decimals})
      .bind(6, id_value(o.position))
      .bind(7, to_string(o.side))
      .bind(8, o.size.value);
  bind_price(st, 9, o.trigger);
  st.bind(11, std::int64_t{o.trail_bps});
  bind_price(st, 12, o.extreme);
  st.bind(14, std::int64_t{o.close_percent})
      .bind(15, millis(o.expires_at))
      .bind(16, to_unix_millis(o.created_at))
      .bind(17, to_unix_millis(o.updated_at))
      .bind(18, millis(o.filled_at))
      .bind(19, id_value(o.filled_position))
      .bind(20, std::string_view(o.note));
  KT_TRY_VOID(st.run());
  Order stored = o;
  stored.id = OrderId{db_.last_insert_rowid()};
  return stored;
}

// The write lock of BEGIN IMMEDIATE covers the row; reading it is locking it.
Result<Order> SqliteTransaction::lock_order(OrderId id) {
  KT_TRY(auto st, db_.prepare(sql::kFindOrder));
  st.bind(1, id.value);
  KT_TRY(auto order, query_one<Order>(st, read_order));
  if (!order) return missing_order(id);
  return std::move(*order);
}

Result<void> SqliteTransaction::update_order(const Order& o) {
  KT_TRY(auto st, db_.prepare(sql::kUpdateOrder));
  st.bind(1, o.id.value).bind(2, to_string(o.status));
  bind_price(st, 3, o.extreme);
  st.bind(5, millis(o.filled_at))
      .bind(6, id_value(o.filled_position))
      .bind(7, std::string_view(o.note))
      .bind(8, to_unix_millis(o.updated_at));
  KT_TRY_VOID(st.run());
  if (db_.changes() == 0) return missing_order(o.id);
  return ok_result();
}

Result<std::vector<Order>> SqliteTransaction::pending_orders_for_mint(const Mint& mint) {
  KT_TRY(auto st, db_.prepare(sql::kPendingOrdersForMint));
  st.bind(1, mint.text());
  return query_all<Order>(st, read_order);
}

Result<std::vector<Order>> SqliteTransaction::orders_of_user(UserId user, bool pending_only, int limit) {
  if (limit == 0) return std::vector<Order>{};
  KT_TRY(auto st, db_.prepare(sql::kOrdersOfUser));
  // A negative limit means no limit, as LIMIT -1 does in SQLite.
  st.bind(1, user.value).bind(2, std::int64_t{pending_only ? 1 : 0}).bind(3, std::int64_t{limit});
  return query_all<Order>(st, read_order);
}

Result<std::vector<Order>> SqliteTransaction::pending_orders_for_position(PositionId position) {
  KT_TRY(auto st, db_.prepare(sql::kPendingOrdersForPosition));
  st.bind(1, position.value);
  return query_all<Order>(st, read_order);
}

Result<std::vector<Mint>> SqliteTransaction::mints_with_pending_orders() {
  KT_TRY(auto st, db_.prepare(sql::kMintsWithPendingOrders));
  return query_all<Mint>(st, [](const Statement& row) { return parse_mint(row.column_text(0), "orders"); });
}

}  // namespace kt::storage::sqlite
