#pragma once
// A thin RAII layer over libpq: PgResult owns a PGresult*, PgConnection owns a PGconn* with its
// prepared statements, text parameters and a client-side deadline on every round trip.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/result.hpp"

struct pg_conn;
struct pg_result;

namespace kt::storage::postgres {

/// The stable error code of every storage failure (same as the SQLite backend).
inline constexpr const char* kStorageCode = "E-STORAGE";
/// The code of a missing row.
inline constexpr const char* kNotFoundCode = "E-NOT-FOUND";
/// The message of a retryable failure before anything could commit.
inline constexpr const char* kUnavailableMessage = "storage temporarily unavailable, nothing was changed";

/// SQLSTATEs of the refusals our statements raise on the server (kt_refuse, migration 0005):
/// reported as NotFound (kNotFoundCode) and Rejected (kStorageCode) with the server's message.
inline constexpr std::string_view kRefusedNotFound = "KT404";
inline constexpr std::string_view kRefusedRejected = "KT422";

/// A named SQL statement, prepared once per connection on first use.
struct Statement {
  const char* name;  ///< a string literal: connections keep it as the prepared statement's key
  const char* sql;
};

/// Owns one PGresult.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result) : result_(result) {}
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  int affected() const;  ///< rows changed by INSERT/UPDATE/DELETE
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  std::string_view command_status() const;     ///< "COMMIT", "ROLLBACK", "INSERT 0 1"...
  std::int64_t int64(int row, int col) const;  ///< 0 for NULL
  bool boolean(int row, int col) const;
  double float64(int row, int col) const;
  pg_result* get() const { return result_; }

 private:
  pg_result* result_ = nullptr;
};

/// Text-format query parameters (NULL-able). Values are owned copies.
class PgParams {
 public:
  PgParams& add(std::int64_t v);
  PgParams& add(int v) { return add(static_cast<std::int64_t>(v)); }
  PgParams& add(bool v);
  PgParams& add(std::string_view v);
  PgParams& add(const char* v) { return add(std::string_view(v)); }
  PgParams& add(const std::string& v) { return add(std::string_view(v)); }
  PgParams& add_null();
  template <class T>
  PgParams& add(const std::optional<T>& v) {
    return v ? add(*v) : add_null();
  }

  int size() const { return static_cast<int>(values_.size()); }
  /// Pointers for PQsendQueryPrepared; valid while this object lives unchanged.
  std::vector<const char*> pointers() const;
  /// True if some value contains a NUL byte (text parameters cannot carry it).
  bool has_nul() const { return has_nul_; }

 private:
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
  bool has_nul_ = false;
};

/// Connection settings shared by every connection of a pool.
struct PgConnectOptions {
  std::string conninfo;                               ///< URL or key=value string
  std::chrono::milliseconds statement_timeout{5000};  ///< server-side, per statement
  std::chrono::seconds connect_timeout{3};
};

/// Owns one PGconn. Not thread-safe; a pool hands it to one thread at a time.
class PgConnection {
 public:
  /// Connects and sets the session (statement_timeout, UTC). Retryable E-STORAGE on failure.
  static Result<std::unique_ptr<PgConnection>> connect(const PgConnectOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Runs a prepared statement (preparing it first if this connection has not yet). With
  /// `prefix` (e.g. BEGIN), runs that parameterless statement first in the same pipeline: one round trip.
  Result<PgResult> execute(const Statement& statement, const PgParams& params, const Statement* prefix = nullptr);
  /// Runs `steps` in order in one pipeline (one round trip), after `prefix` if given, and returns
  /// one result per step. The first failure is returned; the steps after it were not run.
  struct Step {
    const Statement* statement;
    const PgParams* params;
  };
  Result<std::vector<PgResult>> execute_all(const std::vector<Step>& steps, const Statement* prefix = nullptr);
  /// Runs one or more SQL commands through the simple protocol; returns the last result.
  Result<PgResult> exec(std::string_view sql);

  /// Changes the server-side statement/lock timeout and the client-side deadline of this session.
  Result<void> set_timeout(std::chrono::milliseconds timeout);

  /// False once a connection-level failure was seen; the pool then discards it.
  bool usable() const;
  /// Checks an idle connection without a round trip: false if the server closed it meanwhile.
  bool still_alive();
  /// Marks the connection as unusable (e.g. after a failed COMMIT).
  void discard() { broken_ = true; }
  /// Server process id, for tests that kill the backend.
  int backend_pid() const;
  /// Round trips sent on this connection so far (pipelines and simple queries), for tests.
  std::int64_t round_trips() const { return round_trips_; }
  /// The libpq handle, for LISTEN (socket waits, PQconsumeInput, PQnotifies); still owned here.
  pg_conn* native() const { return conn_; }

 private:
  PgConnection(pg_conn* conn, const PgConnectOptions& options);
  /// libpq notice receiver: swallows notices, and marks the connection broken on an
  /// unsolicited FATAL (the server's goodbye before it closes the socket).
  static void on_notice(void* self, const pg_result* notice);
  /// Waits for input until the client-side deadline; false on timeout or socket failure.
  bool wait_readable(std::chrono::steady_clock::time_point deadline);
  /// Reads the next result within the deadline; nullopt means "no more results".
  Result<std::optional<PgResult>> next_result(std::chrono::steady_clock::time_point deadline);
  std::chrono::steady_clock::time_point deadline() const;
  Error connection_error(std::string_view action);
  Error result_error(const PgResult& result, std::string_view action);

  pg_conn* conn_;
  PgConnectOptions options_;
  std::unordered_set<std::string_view> prepared_;  ///< names of static Statements
  bool broken_ = false;
  std::int64_t round_trips_ = 0;
};

/// True for SQLSTATEs meaning "the connection or server went away" (class 08, 57P01..57P03).
bool is_connection_sqlstate(std::string_view sqlstate);

}  // namespace kt::storage::postgres
