#pragma once
// `kitrader backup`: an online copy of the database into <dir>/kitrader-YYYYmmdd-HHMMSS.{db,dump}
// (SQLite's backup API, or pg_dump --format=custom), then retention of the newest N backups.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "ops/config.hpp"

namespace kt::app {

struct BackupOptions {
  std::string dir;                  ///< created if missing; "" = default_backup_dir(config)
  int keep = 7;                     ///< newest backups kept after a successful one; 0 keeps all
  std::string pg_dump = "pg_dump";  ///< name (looked up in PATH) or absolute path
};

/// What a backup produced.
struct BackupOutcome {
  std::string path;
  std::uintmax_t bytes = 0;
  std::vector<std::string> removed;  ///< older backups deleted by retention, oldest first
};

/// sqlite://data/kitrader.db → "data/backups"; PostgreSQL → "backups" (relative to the working
/// directory, /var/lib/kitrader under systemd).
std::string default_backup_dir(const ops::Config& config);

/// "kitrader-20261124-013000.db" for `now` (UTC) and extension "db".
std::string backup_file_name(TimePoint now, const std::string& extension);

/// Backs up database.url into options.dir, then applies retention. Errors: "E-BACKUP" (fatal for
/// a bad setup, retryable when the database was busy or unreachable). Never shows a password.
Result<BackupOutcome> run_backup(const ops::Config& config, const BackupOptions& options, TimePoint now);

/// Online backup of the SQLite database at `source` into a new file `dest` (journal mode DELETE,
/// quick_check passed). `dest` must not exist.
Result<void> backup_sqlite(const std::string& source, const std::string& dest);

/// pg_dump --format=custom of `url` into `dest`; the password goes through PGPASSWORD only.
Result<void> backup_postgres(const std::string& url, const std::string& dest, const std::string& pg_dump);

/// Deletes all but the newest `keep` kitrader-YYYYmmdd-HHMMSS.{db,dump} files in `dir` (other files
/// are left alone); returns the deleted paths, oldest first. keep ≤ 0 deletes nothing.
Result<std::vector<std::string>> apply_retention(const std::string& dir, int keep);

/// Prints what run_backup did; returns the process exit code (0 ok, 1 retryable, 2 fatal).
int run_backup_command(const ops::Config& config, const BackupOptions& options, TimePoint now, std::ostream& out,
                       std::ostream& err);

}  // namespace kt::app
