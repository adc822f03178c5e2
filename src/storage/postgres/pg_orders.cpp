// PgTransaction: conditional orders, group chat members and bot-wide statistics (migration 0002).
#include <fmt/format.h>

#include "storage/postgres/pg_rows.hpp"
#include "storage/postgres/pg_statements.hpp"
#include "storage/postgres/pg_transaction.hpp"

namespace kt::storage::postgres {

namespace {

std::int64_t ms(TimePoint t) { return to_unix_millis(t); }

PgParams& add_time(PgParams& p, const std::optional<TimePoint>& t) { return t ? p.add(ms(*t)) : p.add_null(); }

PgParams& add_id(PgParams& p, const std::optional<PositionId>& id) { return id ? p.add(id->value) : p.add_null(); }

PgParams& add_price(PgParams& p, const std::optional<Price>& price) {
  if (!price) return p.add_null().add_null();
  return p.add(numeric_text(price->num())).add(numeric_text(price->den()));
}

Error missing_order(OrderId id) { return not_found(kNotFoundCode, fmt::format("no order {}", id.value)); }

}  // namespace

// --- conditional orders ----------------------------------------------------------------------

Result<Order> PgTransaction::insert_order(const Order& o) {
  PgParams p;
  p.add(o.user.value).add(to_string(o.kind)).add(to_string(o.status)).add(o.mint.to_string());
  p.add(static_cast<int>(o.decimals));
  add_id(p, o.position).add(to_string(o.side)).add(o.size.value);
  add_price(p, o.trigger).add(static_cast<std::int64_t>(o.trail_bps));
  add_price(p, o.extreme).add(o.close_percent);
  add_time(p, o.expires_at).add(ms(o.created_at)).add(ms(o.updated_at));
  add_time(p, o.filled_at);
  add_id(p, o.filled_position).add(o.note);
  KT_TRY(PgResult r, run(sql::kInsertOrder, p));
  Order out = o;
  out.id = OrderId{r.int64(0, 0)};
  return out;
}

Result<Order> PgTransaction::lock_order(OrderId id) {
  KT_TRY(PgResult r, run(read_only_ ? sql::kGetOrder : sql::kLockOrder, PgParams{}.add(id.value)));
  if (r.rows() == 0) return missing_order(id);
  return decode_order(r, 0);
}

Result<void> PgTransaction::update_order(const Order& o) {
  PgParams p;
  p.add(o.id.value).add(to_string(o.status));
  add_price(p, o.extreme);
  add_time(p, o.filled_at);
  add_id(p, o.filled_position).add(o.note).add(ms(o.updated_at));
  KT_TRY(PgResult r, run(sql::kUpdateOrder, p));
  if (r.affected() == 0) return missing_order(o.id);
  return {};
}

Result<std::vector<Order>> PgTransaction::pending_orders_for_mint(const Mint& mint) {
  KT_TRY(PgResult r, run(sql::kPendingOrdersForMint, PgParams{}.add(mint.to_string())));
  return decode_all<Order>(r, &decode_order);
}

Result<std::vector<Order>> PgTransaction::orders_of_user(UserId user, bool pending_only, int limit) {
  PgParams p;
  p.add(user.value).add(pending_only);
  // A negative limit means no limit (LIMIT NULL), as in SQLite.
  if (limit < 0)
    p.add_null();
  else
    p.add(limit);
  KT_TRY(PgResult r, run(sql::kOrdersOfUser, p));
  return decode_all<Order>(r, &decode_order);
}

Result<std::vector<Order>> PgTransaction::pending_orders_for_position(PositionId position) {
  KT_TRY(PgResult r, run(sql::kPendingOrdersForPosition, PgParams{}.add(position.value)));
  return decode_all<Order>(r, &decode_order);
}

Result<std::vector<Mint>> PgTransaction::mints_with_pending_orders() {
  KT_TRY(PgResult r, run(sql::kMintsWithPendingOrders, PgParams{}));
  return decode_all<Mint>(r, &decode_mint);
}

// --- groups and statistics -------------------------------------------------------------------

Result<void> PgTransaction::record_group_member(std::int64_t chat_id, UserId user, TimePoint now) {
  KT_TRY(PgResult r, run(sql::kRecordGroupMember, PgParams{}.add(chat_id).add(user.value).add(ms(now))));
  return {};
}

Result<std::vector<UserId>> PgTransaction::group_members(std::int64_t chat_id) {
  KT_TRY(PgResult r, run(sql::kGroupMembers, PgParams{}.add(chat_id)));
  std::vector<UserId> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(UserId{r.int64(i, 0)});
  return out;
}

Result<std::int64_t> PgTransaction::count_active_users(TimePoint since) {
  KT_TRY(PgResult r, run(sql::kCountActiveUsers, PgParams{}.add(ms(since))));
  return r.int64(0, 0);
}

Result<std::int64_t> PgTransaction::count_all_open_positions() {
  KT_TRY(PgResult r, run(sql::kCountAllOpenPositions, PgParams{}));
  return r.int64(0, 0);
}

Result<std::int64_t> PgTransaction::count_trades_since(TimePoint since) {
  KT_TRY(PgResult r, run(sql::kCountTradesSince, PgParams{}.add(ms(since))));
  return r.int64(0, 0);
}

Result<std::int64_t> PgTransaction::count_active_tokens() {
  KT_TRY(PgResult r, run(sql::kCountActiveTokens, PgParams{}));
  return r.int64(0, 0);
}

}  // namespace kt::storage::postgres
