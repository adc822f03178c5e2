#include "app/backup.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "ops/logging.hpp"
#include "solana/rpc_pool.hpp"

extern char** environ;

namespace kt::app {
namespace fs = std::filesystem;

namespace {

bool is_postgres(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

bool is_backup_name(const std::string& name) {
  // kitrader-YYYYmmdd-HHMMSS.db | .dump
  std::string_view n(name);
  if (!n.starts_with("kitrader-") || n.size() < 24) return false;
  for (std::size_t i = 9; i < 24; ++i) {
    const bool digit = n[i] >= '0' && n[i] <= '9';
    if (i == 17 ? n[i] != '-' : !digit) return false;
  }
  const std::string_view ext = n.substr(24);
  return ext == ".db" || ext == ".dump";
}

/// Closes an sqlite3 handle on scope exit.
struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close_v2(db); }
  std::string error() const { return db ? sqlite3_errmsg(db) : "out of memory"; }
};

Result<void> exec(Db& db, const char* sql, std::string* single_text = nullptr) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.db, sql, -1, &stmt, nullptr) != SQLITE_OK) return fatal("E-BACKUP", db.error());
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (single_text && single_text->empty()) {
      const auto* text = sqlite3_column_text(stmt, 0);
      *single_text = text ? reinterpret_cast<const char*>(text) : "";
    }
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return fatal("E-BACKUP", db.error());
  return ok_result();
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string default_backup_dir(const ops::Config& config) {
  const std::string& url = config.database.url;
  if (url.rfind("sqlite://", 0) == 0) {
    const fs::path parent = fs::path(url.substr(9)).parent_path();
    return (parent.empty() ? fs::path("backups") : parent / "backups").string();
  }
  return "backups";
}

std::string backup_file_name(TimePoint now, const std::string& extension) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  return fmt::format("kitrader-{:%Y%m%d-%H%M%S}.{}", seconds, extension);
}

Result<void> backup_sqlite(const std::string& source, const std::string& dest) {
  if (!fs::exists(source)) return fatal("E-BACKUP", "database file " + source + " does not exist");
  if (fs::exists(dest)) return fatal("E-BACKUP", dest + " already exists");
  Db src, dst;
  if (sqlite3_open_v2(source.c_str(), &src.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    return fatal("E-BACKUP", "cannot open " + source + ": " + src.error());
  }
  sqlite3_busy_timeout(src.db, 5000);
  if (sqlite3_open_v2(dest.c_str(), &dst.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return fatal("E-BACKUP", "cannot create " + dest + ": " + dst.error());
  }
  sqlite3_backup* backup = sqlite3_backup_init(dst.db, "main", src.db, "main");
  if (!backup) return fatal("E-BACKUP", "cannot start the backup: " + dst.error());
  // All pages in one step: a consistent snapshot under one read transaction (writers in WAL mode
  // go on meanwhile). A busy source is retried briefly, then reported as retryable.
  int rc = sqlite3_backup_step(backup, -1);
  for (int i = 0; i < 50 && (rc == SQLITE_BUSY || rc == SQLITE_LOCKED); ++i) {
    sqlite3_sleep(100);
    rc = sqlite3_backup_step(backup, -1);
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    const std::string why = sqlite3_errstr(rc);
    return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? Result<void>(retryable("E-BACKUP", "database busy: " + why))
                                                    : Result<void>(fatal("E-BACKUP", "backup failed: " + why));
  }
  // A self-contained file: no -wal/-shm next to the backup.
  std::string mode, check;
  KT_TRY_VOID(exec(dst, "PRAGMA journal_mode=DELETE", &mode));
  KT_TRY_VOID(exec(dst, "PRAGMA quick_check", &check));
  if (check != "ok") return fatal("E-BACKUP", "the backup failed its integrity check: " + check);
  return ok_result();
}

Result<void> backup_postgres(const std::string& url, const std::string& dest, const std::string& pg_dump) {
  const std::string password = ops::url_password(url);
  const std::string dbname = "--dbname=" + ops::strip_url_password(url);
  const std::string file = "--file=" + dest;
  std::vector<std::string> args = {pg_dump, "--format=custom", "--no-password", file, dbname};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    if (std::string_view(*e).starts_with("PGPASSWORD=") && !password.empty()) continue;
    env_strings.emplace_back(*e);
  }
  if (!password.empty()) env_strings.push_back("PGPASSWORD=" + password);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  const std::string err_path = dest + ".stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawn_rc = posix_spawnp(&pid, pg_dump.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_rc != 0) {
    std::error_code ignored;
    fs::remove(err_path, ignored);
    return fatal("E-BACKUP", "cannot run " + pg_dump + ": " + std::strerror(spawn_rc) + " (install postgresql-client)");
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string stderr_text = read_all(err_path);
  std::error_code ignored;
  fs::remove(err_path, ignored);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ok_result();
  while (!stderr_text.empty() && (stderr_text.back() == '\n' || stderr_text.back() == ' ')) stderr_text.pop_back();
  const ops::Redactor redactor({password});
  return retryable("E-BACKUP", "pg_dump of " + solana::redact_url(url) + " failed: " + redactor.redact(stderr_text));
}

Result<std::vector<std::string>> apply_retention(const std::string& dir, int keep) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && is_backup_name(name)) names.push_back(name);
  }
  if (ec) return fatal("E-BACKUP", "cannot list " + dir + ": " + ec.message());
  std::vector<std::string> removed;
  if (keep <= 0 || names.size() <= static_cast<std::size_t>(keep)) return removed;
  // The timestamp in the name orders the backups; the extension only breaks ties.
  std::sort(names.begin(), names.end());
  for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < names.size(); ++i) {
    const fs::path p = fs::path(dir) / names[i];
    if (!fs::remove(p, ec) || ec) return fatal("E-BACKUP", "cannot delete " + p.string() + ": " + ec.message());
    removed.push_back(p.string());
  }
  return removed;
}

Result<BackupOutcome> run_backup(const ops::Config& config, const BackupOptions& options, TimePoint now) {
  const std::string& url = config.database.url;
  const std::string dir = options.dir.empty() ? default_backup_dir(config) : options.dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fatal("E-BACKUP", "cannot create the backup directory " + dir + ": " + ec.message());

  const bool postgres = is_postgres(url);
  if (!postgres && url.rfind("sqlite://", 0) != 0) {
    return fatal("E-BACKUP", "database.url: only sqlite://PATH and postgresql:// databases can be backed up");
  }
  BackupOutcome outcome;
  outcome.path = (fs::path(dir) / backup_file_name(now, postgres ? "dump" : "db")).string();
  if (fs::exists(outcome.path)) return rejected("E-BACKUP", outcome.path + " already exists (one backup per second)");
  // Written under a temporary name and renamed: a crash never leaves a half file that looks whole.
  const std::string partial = outcome.path + ".partial";
  fs::remove(partial, ec);
  auto made = postgres ? backup_postgres(url, partial, options.pg_dump) : backup_sqlite(url.substr(9), partial);
  if (!made) {
    fs::remove(partial, ec);
    return std::move(made).error();
  }
  fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write, ec);  // backups hold user data
  fs::rename(partial, outcome.path, ec);
  if (ec) return fatal("E-BACKUP", "cannot rename " + partial + ": " + ec.message());
  outcome.bytes = fs::file_size(outcome.path, ec);
  KT_TRY(outcome.removed, apply_retention(dir, options.keep));
  return outcome;
}

int run_backup_command(const ops::Config& config, const BackupOptions& options, TimePoint now, std::ostream& out,
                       std::ostream& err) {
  auto outcome = run_backup(config, options, now);
  if (!outcome) {
    err << "kitrader backup: " << outcome.error().message << "\n";
    return outcome.error().kind == ErrorKind::kFatal ? 2 : 1;
  }
  out << "backup written: " << outcome->path << " (" << outcome->bytes << " bytes)\n";
  for (const auto& path : outcome->removed) out << "retention: deleted " << path << "\n";
  return 0;
}

}  // namespace kt::app
