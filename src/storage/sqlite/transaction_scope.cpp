#include "storage/sqlite/transaction_scope.hpp"

#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/sql.hpp"

namespace kt::storage::sqlite {

namespace {

void rollback(Connection& db) {
  if (!db.in_transaction()) return;
  auto st = db.prepare(sql::kRollback);
  if (st) (void)st->run();  // a failed ROLLBACK still ends the transaction
}

}  // namespace

Result<void> run_transaction(Connection& db, const char* begin_sql, const std::function<Result<void>()>& work) {
  {
    KT_TRY(auto begin, db.prepare(begin_sql));
    KT_TRY_VOID(begin.run());
  }
  Result<void> result;
  try {
    result = work();
  } catch (...) {
    rollback(db);
    throw;
  }
  if (!result.ok()) {
    rollback(db);
    return result;
  }
  if (!db.in_transaction()) {
    // sqlite already rolled back after a failure that `work` chose to ignore (e.g. disk full).
    return fatal(kStorageCode, "the transaction was aborted by an earlier storage error; nothing was changed");
  }
  KT_TRY(auto commit, db.prepare(sql::kCommit));
  auto committed = commit.run();
  if (!committed.ok()) {
    rollback(db);
    return committed;
  }
  return ok_result();
}

}  // namespace kt::storage::sqlite
