#pragma once
// A thin RAII wrapper over the sqlite3 C API: a Connection owns the handle and a cache of prepared
// statements keyed by the address of their SQL constant; a Statement borrows one and resets it.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace kt::storage::sqlite {

class Connection;

/// A prepared statement in use: typed binds (1-based), step, typed columns (0-based). Resets and
/// clears its bindings when destroyed so the cached statement can be reused.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  /// Binds text without copying it: `value` must stay unchanged until this Statement is destroyed
  /// (the batch writes bind tens of thousands of texts a cycle; each copy was a malloc).
  Statement& bind_unowned(int index, std::string_view value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  /// Advances: true when a row is available, false when done.
  Result<bool> step();
  /// Steps to completion (for INSERT/UPDATE/DELETE).
  Result<void> run();

  std::int64_t column_int64(int index) const;
  double column_double(int index) const;
  /// The column as text ("" for NULL).
  std::string_view column_text(int index) const;
  bool column_is_null(int index) const;

  /// How often sqlite recompiled this statement (after a schema change or an expiry).
  int times_reprepared() const;

 private:
  friend class Connection;
  Statement(Connection* connection, sqlite3_stmt* stmt, bool* in_use);
  void note_bind(int rc);

  Connection* connection_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache slot's flag; null when not cached (finalized on destruction)
  int bind_rc_ = 0;
};

/// Options applied to every connection when it opens.
struct ConnectionOptions {
  std::chrono::milliseconds busy_timeout{5000};
  bool query_only = false;  ///< readers: refuse writes
  bool wal = true;          ///< writer: switch the file to WAL journal mode
};

/// One sqlite3 connection. Not thread-safe: one thread uses it at a time.
class Connection {
 public:
  /// Opens `target` (a path or a `file:` URI) read-write, creating the file if missing.
  static Result<std::unique_ptr<Connection>> open(const std::string& target, const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs one or more statements that return no rows we need (DDL, pragmas).
  Result<void> exec(const char* sql, std::string_view action);
  /// A cached prepared statement for `sql`, which must be a string with static storage
  /// (the cache is keyed by its address).
  Result<Statement> prepare(const char* sql);

  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  /// True while a transaction is open (sqlite has not fallen back to autocommit).
  bool in_transaction() const;
  bool read_only() const;
  /// True when the database's journal mode is WAL (a file database the writer switched).
  bool in_wal_mode();
  /// While on, a Statement that would write fails with "database is read-only" before it runs:
  /// how reads that share the writer connection are kept read-only. Unlike toggling
  /// `PRAGMA query_only`, it does not expire every cached statement (each expiry made the next
  /// write recompile its statements, the 256-row batch inserts included).
  void refuse_writes(bool on) { refusing_writes_ = on; }
  bool refusing_writes() const { return refusing_writes_; }
  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  bool refusing_writes_ = false;
  std::unordered_map<const char*, Cached> cache_;  // node-based: slot addresses are stable
};

}  // namespace kt::storage::sqlite
