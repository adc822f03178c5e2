// PgTransaction: group contests and their entries (migration 0004).
#include <fmt/format.h>

#include "storage/postgres/pg_rows.hpp"
#include "storage/postgres/pg_statements.hpp"
#include "storage/postgres/pg_transaction.hpp"

namespace kt::storage::postgres {

namespace {

std::int64_t ms(TimePoint t) { return to_unix_millis(t); }

PgParams& add_time(PgParams& p, const std::optional<TimePoint>& t) { return t ? p.add(ms(*t)) : p.add_null(); }

std::optional<TimePoint> optional_time(const PgResult& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return from_unix_millis(r.int64(row, col));
}

Result<ContestRecord> decode_contest(const PgResult& r, int row) {
  ContestRecord c;
  c.id = r.int64(row, 0);
  c.chat_id = r.int64(row, 1);
  c.started_by = UserId{r.int64(row, 2)};
  c.starting_balance = Lamports{r.int64(row, 3)};
  c.started_at = from_unix_millis(r.int64(row, 4));
  c.ends_at = from_unix_millis(r.int64(row, 5));
  c.status = std::string(r.text(row, 6));
  if (c.status != "running" && c.status != "ended")
    return fatal(kStorageCode, fmt::format("contests row {} has an unknown status", c.id));
  c.ended_at = optional_time(r, row, 7);
  c.announced_at = optional_time(r, row, 8);
  return c;
}

Result<ContestEntryRecord> decode_entry(const PgResult& r, int row) {
  return ContestEntryRecord{r.int64(row, 0), UserId{r.int64(row, 1)}, UserId{r.int64(row, 2)},
                            from_unix_millis(r.int64(row, 3))};
}

Result<std::optional<ContestRecord>> first_contest(const PgResult& r) {
  if (r.rows() == 0) return std::optional<ContestRecord>{};
  KT_TRY(ContestRecord c, decode_contest(r, 0));
  return std::optional<ContestRecord>{std::move(c)};
}

Result<std::optional<ContestEntryRecord>> first_entry(const PgResult& r) {
  if (r.rows() == 0) return std::optional<ContestEntryRecord>{};
  KT_TRY(ContestEntryRecord e, decode_entry(r, 0));
  return std::optional<ContestEntryRecord>{e};
}

}  // namespace

Result<ContestRecord> PgTransaction::insert_contest(const ContestRecord& c) {
  PgParams p;
  p.add(c.chat_id).add(c.started_by.value).add(c.starting_balance.value).add(ms(c.started_at)).add(ms(c.ends_at));
  p.add(c.status);
  add_time(p, c.ended_at);
  add_time(p, c.announced_at);
  KT_TRY(PgResult r, run(sql::kInsertContest, p));
  ContestRecord out = c;
  out.id = r.int64(0, 0);
  return out;
}

Result<std::optional<ContestRecord>> PgTransaction::find_contest(std::int64_t id, bool lock) {
  const bool for_update = lock && !read_only_;
  KT_TRY(PgResult r, run(for_update ? sql::kLockContest : sql::kFindContest, PgParams{}.add(id)));
  return first_contest(r);
}

Result<std::optional<ContestRecord>> PgTransaction::latest_contest(std::int64_t chat_id) {
  KT_TRY(PgResult r, run(sql::kLatestContest, PgParams{}.add(chat_id)));
  return first_contest(r);
}

Result<void> PgTransaction::update_contest(const ContestRecord& c) {
  PgParams p;
  p.add(c.id).add(c.status);
  add_time(p, c.ended_at);
  add_time(p, c.announced_at);
  KT_TRY(PgResult r, run(sql::kUpdateContest, p));
  if (r.affected() == 0) return not_found(kNotFoundCode, fmt::format("no contest {}", c.id));
  return {};
}

Result<std::vector<ContestRecord>> PgTransaction::contests_to_finish(TimePoint now) {
  KT_TRY(PgResult r, run(sql::kContestsToFinish, PgParams{}.add(ms(now))));
  return decode_all<ContestRecord>(r, &decode_contest);
}

Result<void> PgTransaction::insert_contest_entry(const ContestEntryRecord& e) {
  PgParams p;
  p.add(e.contest_id).add(e.user.value).add(e.account.value).add(ms(e.joined_at));
  KT_TRY(PgResult r, run(sql::kInsertContestEntry, p));
  return {};
}

Result<std::optional<ContestEntryRecord>> PgTransaction::contest_entry(std::int64_t contest_id, UserId user) {
  KT_TRY(PgResult r, run(sql::kContestEntry, PgParams{}.add(contest_id).add(user.value)));
  return first_entry(r);
}

Result<std::vector<ContestEntryRecord>> PgTransaction::contest_entries(std::int64_t contest_id) {
  KT_TRY(PgResult r, run(sql::kContestEntries, PgParams{}.add(contest_id)));
  return decode_all<ContestEntryRecord>(r, &decode_entry);
}

Result<std::optional<ContestEntryRecord>> PgTransaction::contest_entry_of_account(UserId account) {
  KT_TRY(PgResult r, run(sql::kContestEntryOfAccount, PgParams{}.add(account.value)));
  return first_entry(r);
}

}  // namespace kt::storage::postgres
