#pragma once
// The embedded SQLite backend of the storage port (WAL, one writer under BEGIN IMMEDIATE, a small
// pool of readers). The rest of the program sees only kt::storage::Repository.
#include <chrono>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "storage/repository.hpp"

namespace kt::storage::sqlite {

/// Tuning of an SQLite repository; the defaults suit the bot.
struct SqliteOptions {
  /// Reader connections for read(); 0 = read on the writer. An in-memory database always reads on
  /// the writer (shared-cache table locks fail at once instead of waiting).
  int readers = 4;
  std::chrono::milliseconds busy_timeout{5000};  ///< wait for another writer before E-STORAGE (retryable)
  /// A file database's WAL is checkpointed by a thread of its own (wal_checkpointer.hpp) instead
  /// of inside the commit that fills it; off = SQLite's automatic checkpoint.
  bool background_checkpoints = true;
};

/// Opens (does not migrate) a database at `path`: a file path (parent directories are created),
/// a `file:` URI, or ":memory:" (a database private to this repository, shared by its connections,
/// gone when the repository is destroyed). Thread-safe; `work` must not call write()/read() again.
Result<std::unique_ptr<Repository>> open_sqlite_repository(const std::string& path);
Result<std::unique_ptr<Repository>> open_sqlite_repository(const std::string& path, const SqliteOptions& options);

}  // namespace kt::storage::sqlite
