// SqliteTransaction: group contests and their entries (migration 0004).
#include <string>

#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"

namespace kt::storage::sqlite {

namespace {

std::optional<TimePoint> optional_time(const Statement& row, int index) {
  if (row.column_is_null(index)) return std::nullopt;
  return from_unix_millis(row.column_int64(index));
}

Result<ContestRecord> read_contest(const Statement& row) {
  ContestRecord c;
  c.id = row.column_int64(0);
  c.chat_id = row.column_int64(1);
  c.started_by = UserId{row.column_int64(2)};
  c.starting_balance = Lamports{row.column_int64(3)};
  c.started_at = from_unix_millis(row.column_int64(4));
  c.ends_at = from_unix_millis(row.column_int64(5));
  c.status = std::string(row.column_text(6));
  if (c.status != "running" && c.status != "ended") return corrupt_row("contests", "status");
  c.ended_at = optional_time(row, 7);
  c.announced_at = optional_time(row, 8);
  return c;
}

Result<ContestEntryRecord> read_entry(const Statement& row) {
  return ContestEntryRecord{row.column_int64(0), UserId{row.column_int64(1)}, UserId{row.column_int64(2)},
                            from_unix_millis(row.column_int64(3))};
}

}  // namespace

Result<ContestRecord> SqliteTransaction::insert_contest(const ContestRecord& c) {
  KT_TRY(auto st, db_.prepare(sql::kInsertContest));
  st.bind(1, c.chat_id)
      .bind(2, c.started_by.value)
      .bind(3, c.starting_balance.value)
      .bind(4, to_unix_millis(c.started_at))
      .bind(5, to_unix_millis(c.ends_at))
      .bind(6, std::string_view(c.status))
      .bind(7, millis(c.ended_at))
      .bind(8, millis(c.announced_at));
  KT_TRY_VOID(st.run());
  ContestRecord stored = c;
  stored.id = db_.last_insert_rowid();
  return stored;
}

// The write lock of BEGIN IMMEDIATE covers the row; reading it is locking it.
Result<std::optional<ContestRecord>> SqliteTransaction::find_contest(std::int64_t id, bool /*lock*/) {
  KT_TRY(auto st, db_.prepare(sql::kFindContest));
  st.bind(1, id);
  return query_one<ContestRecord>(st, read_contest);
}

Result<std::optional<ContestRecord>> SqliteTransaction::latest_contest(std::int64_t chat_id) {
  KT_TRY(auto st, db_.prepare(sql::kLatestContest));
  st.bind(1, chat_id);
  return query_one<ContestRecord>(st, read_contest);
}

Result<void> SqliteTransaction::update_contest(const ContestRecord& c) {
  KT_TRY(auto st, db_.prepare(sql::kUpdateContest));
  st.bind(1, c.id).bind(2, std::string_view(c.status)).bind(3, millis(c.ended_at)).bind(4, millis(c.announced_at));
  KT_TRY_VOID(st.run());
  if (db_.changes() == 0) return not_found(kNotFoundCode, "no contest with id " + std::to_string(c.id));
  return {};
}

Result<std::vector<ContestRecord>> SqliteTransaction::contests_to_finish(TimePoint now) {
  KT_TRY(auto st, db_.prepare(sql::kContestsToFinish));
  st.bind(1, to_unix_millis(now));
  return query_all<ContestRecord>(st, read_contest);
}

Result<void> SqliteTransaction::insert_contest_entry(const ContestEntryRecord& e) {
  KT_TRY(auto st, db_.prepare(sql::kInsertContestEntry));
  st.bind(1, e.contest_id).bind(2, e.user.value).bind(3, e.account.value).bind(4, to_unix_millis(e.joined_at));
  return st.run();
}

Result<std::optional<ContestEntryRecord>> SqliteTransaction::contest_entry(std::int64_t contest_id, UserId user) {
  KT_TRY(auto st, db_.prepare(sql::kContestEntry));
  st.bind(1, contest_id).bind(2, user.value);
  return query_one<ContestEntryRecord>(st, read_entry);
}

Result<std::vector<ContestEntryRecord>> SqliteTransaction::contest_entries(std::int64_t contest_id) {
  KT_TRY(auto st, db_.prepare(sql::kContestEntries));
  st.bind(1, contest_id);
  return query_all<ContestEntryRecord>(st, read_entry);
}

Result<std::optional<ContestEntryRecord>> SqliteTransaction::contest_entry_of_account(UserId account) {
  KT_TRY(auto st, db_.prepare(sql::kContestEntryOfAccount));
  st.bind(1, account.value);
  return query_one<ContestEntryRecord>(st, read_entry);
}

}  // namespace kt::storage::sqlite
