// SqliteTransaction: group chat members and bot-wide statistics (migration 0002).
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"

namespace kt::storage::sqlite {

Result<void> SqliteTransaction::record_group_member(std::int64_t chat_id, UserId user, TimePoint now) {
  KT_TRY(auto st, db_.prepare(sql::kRecordGroupMember));
  st.bind(1, chat_id).bind(2, user.value).bind(3, to_unix_millis(now));
  return st.run();
}

Result<std::vector<UserId>> SqliteTransaction::group_members(std::int64_t chat_id) {
  KT_TRY(auto st, db_.prepare(sql::kGroupMembers));
  st.bind(1, chat_id);
  return query_all<UserId>(st, [](const Statement& row) -> Result<UserId> { return UserId{row.column_int64(0)}; });
}

Result<std::int64_t> SqliteTransaction::count_active_users(TimePoint since) {
  KT_TRY(auto st, db_.prepare(sql::kCountActiveUsers));
  st.bind(1, to_unix_millis(since));
  return query_int64(st);
}

Result<std::int64_t> SqliteTransaction::count_all_open_positions() {
  KT_TRY(auto st, db_.prepare(sql::kCountAllOpenPositions));
  return query_int64(st);
}

Result<std::int64_t> SqliteTransaction::count_trades_since(TimePoint since) {
  KT_TRY(auto st, db_.prepare(sql::kCountTradesSince));
  st.bind(1, to_unix_millis(since));
  return query_int64(st);
}

Result<std::int64_t> SqliteTransaction::count_active_tokens() {
  KT_TRY(auto st, db_.prepare(sql::kCountActiveTokens));
  return query_int64(st);
}

}  // namespace kt::storage::sqlite
