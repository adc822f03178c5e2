#pragma once
// Reads a bot's SQLite database directly (read-only) to check what the faults must not break:
// balance == initial + Σ ledger for every user, and which update ids were applied.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace kt::faults {

/// One user's wallet against its ledger.
struct WalletCheck {
  std::int64_t telegram_id = 0;
  std::int64_t balance = 0;
  std::int64_t initial = 0;
  std::int64_t ledger_sum = 0;
  std::int64_t ledger_entries = 0;
  std::int64_t positions = 0;     ///< all positions ever opened (open or closed)
  std::int64_t open_entries = 0;  ///< ledger entries of kind 'open' (one per position)
};

// The same SQL reads either backend (tests/faults/pg_ledger_check.hpp runs it on PostgreSQL).
inline constexpr const char* kWalletChecksSql =
    "SELECT u.telegram_id, w.balance_lamports, w.initial_lamports,"
    " (SELECT COALESCE(SUM(amount_lamports), 0) FROM wallet_ledger l WHERE l.user_id = u.id),"
    " (SELECT COUNT(*) FROM wallet_ledger l WHERE l.user_id = u.id),"
    " (SELECT COUNT(*) FROM positions p WHERE p.user_id = u.id),"
    " (SELECT COUNT(*) FROM wallet_ledger l WHERE l.user_id = u.id AND l.kind = 'open')"
    " FROM users u JOIN virtual_wallets w ON w.user_id = u.id ORDER BY u.telegram_id";
inline constexpr const char* kProcessedUpdatesSql = "SELECT update_id FROM processed_updates";
inline constexpr const char* kLedgerEntriesPerUpdateSql =
    "SELECT update_id, COUNT(*) FROM wallet_ledger WHERE update_id IS NOT NULL GROUP BY update_id";

/// A stored position's fill: its entry price (lamports per raw unit, exact ratio as text) and when.
struct PositionFill {
  std::int64_t id = 0;
  std::string price_num;
  std::string price_den;
  std::int64_t opened_at_ms = 0;
  long double price() const { return std::stold(price_num) / std::stold(price_den); }
};

class DatabaseView {
 public:
  explicit DatabaseView(const std::filesystem::path& file) {
    const std::string uri = "file:" + file.string() + "?mode=ro";
    if (sqlite3_open_v2(uri.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
    }
    if (db_) sqlite3_busy_timeout(db_, 5000);
  }
  ~DatabaseView() { sqlite3_close(db_); }
  DatabaseView(const DatabaseView&) = delete;
  DatabaseView& operator=(const DatabaseView&) = delete;

  bool ok() const { return db_ != nullptr; }

  std::vector<WalletCheck> wallets() const {
    std::vector<WalletCheck> out;
    query(kWalletChecksSql, [&](sqlite3_stmt* st) {
      out.push_back({sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                     sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                     sqlite3_column_int64(st, 6)});
    });
    return out;
  }
  std::set<std::int64_t> processed_updates() const {
    std::set<std::int64_t> out;
    query(kProcessedUpdatesSql, [&](sqlite3_stmt* st) { out.insert(sqlite3_column_int64(st, 0)); });
    return out;
  }
  /// Ledger entries per update id (an update that moved money twice would show 2).
  std::map<std::int64_t, int> ledger_entries_per_update() const {
    std::map<std::int64_t, int> out;
    query(kLedgerEntriesPerUpdateSql,
          [&](sqlite3_stmt* st) { out[sqlite3_column_int64(st, 0)] = static_cast<int>(sqlite3_column_int64(st, 1)); });
    return out;
  }
  std::vector<PositionFill> position_fills() const {
    std::vector<PositionFill> out;
    query("SELECT id, entry_price_num, entry_price_den, opened_at FROM positions ORDER BY id", [&](sqlite3_stmt* st) {
      out.push_back({sqlite3_column_int64(st, 0), reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                     reinterpret_cast<const char*>(sqlite3_column_text(st, 2)), sqlite3_column_int64(st, 3)});
    });
    return out;
  }
  std::string integrity() const {
    std::string out;
    query("PRAGMA integrity_check",
          [&](sqlite3_stmt* st) { out += reinterpret_cast<const char*>(sqlite3_column_text(st, 0)); });
    return out;
  }

 private:
  template <typename F>
  void query(const char* sql, F&& row) const {
    if (!db_) return;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) return;
    while (sqlite3_step(st) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
  }
  sqlite3* db_ = nullptr;
};

}  // namespace kt::faults
