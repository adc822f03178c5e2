#include "storage/sqlite/connection.hpp"

#include <sqlite3.h>

#include <string>

#include "storage/sqlite/errors.hpp"

namespace kt::storage::sqlite {

// --- Statement --------------------------------------------------------------------------------

Statement::Statement(Connection* connection, sqlite3_stmt* stmt, bool* in_use)
    : connection_(connection), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_), stmt_(other.stmt_), in_use_(other.in_use_), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

void Statement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: sqlite copies, so callers may bind temporaries.
  note_bind(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind_unowned(int index, std::string_view value) {
  note_bind(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC));
  return *this;
}

Statement& Statement::bind(int index, double value) {
  note_bind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) return sqlite_error(bind_rc_, connection_->handle(), "binding parameters");
  if (connection_->refusing_writes() && sqlite3_stmt_readonly(stmt_) == 0) {
    const std::string_view sql = sqlite3_sql(stmt_);
    return sqlite_error(SQLITE_READONLY, nullptr, std::string("writing inside a read: ").append(sql.substr(0, 60)));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(rc, connection_->handle(), sqlite3_sql(stmt_));
}

Result<void> Statement::run() {
  for (;;) {
    KT_TRY(const bool row, step());
    if (!row) return ok_result();
  }
}

std::int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }

std::string_view Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

int Statement::times_reprepared() const { return sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_REPREPARE, 0); }

// --- Connection -------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::open(const std::string& target, const ConnectionOptions& options) {
  // Process-wide, before sqlite initializes: no memory statistics, which nothing here reads and
  // which cost a global mutex around every sqlite allocation. Too late (SQLITE_MISUSE) only if
  // something else in the process used sqlite first; then the statistics simply stay on.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time (the repository guarantees it).
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(target.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite_error(rc, db, "opening " + target);
    sqlite3_close(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  KT_TRY_VOID(connection->exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));
  if (options.query_only) KT_TRY_VOID(connection->exec("PRAGMA query_only = ON", "configuring a reader"));
  // A read-only file keeps whatever journal mode it has; writes then fail with a clear error.
  if (options.wal && !connection->read_only()) {
    KT_TRY_VOID(connection->exec("PRAGMA journal_mode = WAL", "enabling WAL"));
  }
  KT_TRY_VOID(connection->exec("PRAGMA synchronous = NORMAL", "configuring durability"));
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Result<void> Connection::exec(const char* sql, std::string_view action) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);  // sqlite3_errmsg still holds it
  if (rc != SQLITE_OK) return sqlite_error(rc, db_, action);
  return ok_result();
}

Result<Statement> Connection::prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(this, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const int flags = it == cache_.end() ? SQLITE_PREPARE_PERSISTENT : 0;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, static_cast<unsigned>(flags), &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc, db_, std::string("preparing ") + sql);
  if (it != cache_.end()) return Statement(this, stmt, nullptr);  // the cached one is busy (nested use)
  auto& cached = cache_[sql];
  cached = Cached{stmt, true};
  return Statement(this, stmt, &cached.in_use);
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

bool Connection::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

bool Connection::in_wal_mode() {
  static constexpr const char* kJournalMode = "PRAGMA journal_mode";
  auto statement = prepare(kJournalMode);
  if (!statement) return false;
  auto row = statement->step();
  return row && *row && statement->column_text(0) == "wal";
}

}  // namespace kt::storage::sqlite
