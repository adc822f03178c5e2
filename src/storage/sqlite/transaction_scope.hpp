#pragma once
// Runs work inside one SQLite transaction: commit on success, roll back on error or exception.
#include <functional>

#include "core/result.hpp"
#include "storage/sqlite/connection.hpp"

namespace kt::storage::sqlite {

/// Begins with `begin_sql` (sql::kBeginImmediate or sql::kBeginDeferred), runs `work`, commits if
/// it returns ok, otherwise rolls back and returns its error; an exception rolls back and is rethrown.
Result<void> run_transaction(Connection& db, const char* begin_sql, const std::function<Result<void>()>& work);

}  // namespace kt::storage::sqlite
