#pragma once
// The PostgreSQL twin of ledger_check.hpp: reads a bot's database over libpq with the same SQL, and
// runs a throwaway cluster of its own (scripts/pg-test-cluster) that a test may stop and start
// without touching the shared one.
#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "e2e/kitrader_process.hpp"
#include "faults/ledger_check.hpp"

namespace kt::faults {

class PgDatabaseView {
 public:
  explicit PgDatabaseView(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str())) {}
  ~PgDatabaseView() { PQfinish(conn_); }
  PgDatabaseView(const PgDatabaseView&) = delete;
  PgDatabaseView& operator=(const PgDatabaseView&) = delete;

  bool ok() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  std::string error() const { return conn_ ? PQerrorMessage(conn_) : "no connection"; }

  std::vector<WalletCheck> wallets() const {
    std::vector<WalletCheck> out;
    query(kWalletChecksSql, [&](PGresult* r, int row) {
      out.push_back({integer(r, row, 0), integer(r, row, 1), integer(r, row, 2), integer(r, row, 3), integer(r, row, 4),
                     integer(r, row, 5), integer(r, row, 6)});
    });
    return out;
  }
  std::set<std::int64_t> processed_updates() const {
    std::set<std::int64_t> out;
    query(kProcessedUpdatesSql, [&](PGresult* r, int row) { out.insert(integer(r, row, 0)); });
    return out;
  }
  std::map<std::int64_t, int> ledger_entries_per_update() const {
    std::map<std::int64_t, int> out;
    query(kLedgerEntriesPerUpdateSql,
          [&](PGresult* r, int row) { out[integer(r, row, 0)] = static_cast<int>(integer(r, row, 1)); });
    return out;
  }

 private:
  static std::int64_t integer(PGresult* r, int row, int column) {
    return std::strtoll(PQgetvalue(r, row, column), nullptr, 10);
  }
  template <typename F>
  void query(const char* sql, F&& on_row) const {
    if (!ok()) return;
    PGresult* r = PQexec(conn_, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      for (int row = 0; row < PQntuples(r); ++row) on_row(r, row);
    }
    PQclear(r);
  }
  PGconn* conn_;
};

/// A PostgreSQL cluster of the test's own (scripts/pg-test-cluster), deleted on destruction.
class OwnPgCluster {
 public:
  explicit OwnPgCluster(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    started_ = script("start") == 0;
    if (started_) {
      dsn_ = kt::e2e::read_file(dir_ / "dsn");
      while (!dsn_.empty() && (dsn_.back() == '\n' || dsn_.back() == ' ')) dsn_.pop_back();
    }
  }
  ~OwnPgCluster() {
    script("stop");
    std::error_code ignored;
    for (const char* command : {"start", "stop", "pause", "resume"})
      std::filesystem::remove(dir_.string() + "." + command + ".log", ignored);
  }
  OwnPgCluster(const OwnPgCluster&) = delete;
  OwnPgCluster& operator=(const OwnPgCluster&) = delete;

  bool started() const { return started_ && !dsn_.empty(); }
  const std::string& dsn() const { return dsn_; }
  /// Stops the server, keeping its data (clients get "connection refused").
  bool pause() const { return script("pause") == 0; }
  /// Starts it again on the same port.
  bool resume() const { return script("resume") == 0; }

 private:
  int script(const std::string& command) const {
    const std::string line = std::string(KT_SOURCE_DIR) + "/scripts/pg-test-cluster " + command + " " + dir_.string() +
                             " >" + dir_.string() + "." + command + ".log 2>&1";
    return std::system(line.c_str());
  }
  std::filesystem::path dir_;
  std::string dsn_;
  bool started_ = false;
};

}  // namespace kt::faults
