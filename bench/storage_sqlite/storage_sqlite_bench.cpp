// Trade-transaction throughput: SqliteRepository versus a raw sqlite3 loop doing the same work
// (claim the update, read the wallet, count open positions, insert the position, move the money,
// append the ledger) in one BEGIN IMMEDIATE transaction per trade, on the same schema and pragmas.
// Prints a table; the goal is repository/raw >= 0.8.
//   usage: kt_bench_storage_sqlite [trades_per_round=5000] [rounds=5] [dir=/tmp]
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_repository.hpp"

namespace {

using kt::Lamports;
using kt::storage::Repository;
using kt::storage::Transaction;
using Clock = std::chrono::steady_clock;

constexpr int kUsers = 64;
constexpr std::int64_t kInitial = 1'000'000'000'000;
constexpr std::int64_t kSize = 1'000'005;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

std::unique_ptr<Repository> fresh_repository(const std::string& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  auto repo = kt::storage::sqlite::open_sqlite_repository(path);
  if (!repo) die(repo.error().message);
  if (auto m = (*repo)->migrate(); !m) die(m.error().message);
  auto users = (*repo)->write([](Transaction& tx) -> kt::Result<void> {
    for (int i = 0; i < kUsers; ++i) {
      KT_TRY_VOID(tx.insert_user({kt::TelegramUserId{i + 1}, "", kt::Role::kBasic, Lamports{kInitial}, {}}));
    }
    return kt::ok_result();
  });
  if (!users) die(users.error().message);
  return std::move(repo).value();
}

kt::Position trade_position(kt::UserId user, const kt::Mint& mint, std::int64_t t) {
  kt::Position p;
  p.user = user;
  p.mint = mint;
  p.symbol = "BONK";
  p.decimals = 5;
  p.qty_raw = p.initial_qty_raw = 123'456'789'012;
  p.cost = p.initial_cost = Lamports{kSize};
  p.entry_notional = Lamports{1'000'000};
  p.entry_price = kt::Price::from_ratio(1'000'000, 123'456'789'012).value();
  p.opened_at = kt::from_unix_millis(t);
  p.source = "pumpfun";
  return p;
}

double run_repository(const std::string& path, int trades, std::int64_t first_update) {
  auto repo = fresh_repository(path);
  const auto mint = kt::Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263").value();
  const auto start = Clock::now();
  for (int i = 0; i < trades; ++i) {
    const kt::UserId user{1 + i % kUsers};
    const std::int64_t t = 1'700'000'000'000 + i;
    auto done = repo->write([&](Transaction& tx) -> kt::Result<void> {
      KT_TRY(const bool fresh, tx.claim_update(first_update + i, user, kt::from_unix_millis(t)));
      if (!fresh) return kt::ok_result();
      KT_TRY(const auto wallet, tx.lock_wallet(user));
      KT_TRY(const auto open, tx.count_open_positions(user));
      if (open > 1'000'000) return kt::rejected("E-LIMIT", "too many positions");
      KT_TRY(const auto position, tx.insert_position(trade_position(user, mint, t)));
      kt::LedgerEntry e;
      e.user = user;
      e.amount = Lamports{-kSize};
      e.balance_after = wallet.balance - Lamports{kSize};
      e.position = position.id;
      e.mint = mint;
      e.qty_raw = position.qty_raw;
      e.price = position.entry_price;
      e.fee = Lamports{5};
      e.update_id = first_update + i;
      e.created_at = kt::from_unix_millis(t);
      KT_TRY_VOID(tx.append_ledger(e));
      return kt::ok_result();
    });
    if (!done) die(done.error().message);
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Raw {
  sqlite3* db = nullptr;
  std::vector<sqlite3_stmt*> statements;
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) die(sqlite3_errmsg(db));
    statements.push_back(st);
    return st;
  }
  void step(sqlite3_stmt* st, int expect) {
    if (sqlite3_step(st) != expect) die(sqlite3_errmsg(db));
  }
  ~Raw() {
    for (auto* st : statements) sqlite3_finalize(st);
    sqlite3_close_v2(db);
  }
};

double run_raw(const std::string& path, int trades, std::int64_t first_update) {
  fresh_repository(path).reset();  // same schema and users, then closed
  Raw raw;
  if (sqlite3_open_v2(path.c_str(), &raw.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    die("open");
  sqlite3_busy_timeout(raw.db, 5000);
  sqlite3_exec(raw.db, "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", nullptr, nullptr,
               nullptr);
  auto* begin = raw.prepare("BEGIN IMMEDIATE");
  auto* commit = raw.prepare("COMMIT");
  auto* claim = raw.prepare(
      "INSERT INTO processed_updates(update_id, user_id, processed_at) VALUES(?1, ?2, ?3) ON CONFLICT(update_id) DO "
      "NOTHING");
  auto* wallet = raw.prepare(
      "SELECT user_id, balance_lamports, initial_lamports, updated_at FROM virtual_wallets WHERE user_id = ?1");
  auto* count = raw.prepare("SELECT COUNT(*) FROM positions WHERE user_id = ?1 AND status = 'open'");
  auto* position = raw.prepare(
      "INSERT INTO positions(user_id, token_address, symbol, decimals, side, status, qty_raw, initial_qty_raw,"
      " cost_lamports, initial_cost_lamports, entry_notional_lamports, entry_price_num, entry_price_den,"
      " realized_pnl_lamports, exit_price_num, exit_price_den, source, simulated, opened_at, closed_at)"
      " VALUES(?1, ?2, 'BONK', 5, 'long', 'open', ?3, ?3, ?4, ?4, 1000000, ?5, ?6, 0, NULL, NULL, 'pumpfun', 0, ?7, "
      "NULL)");
  auto* money = raw.prepare("UPDATE virtual_wallets SET balance_lamports = ?2, updated_at = ?3 WHERE user_id = ?1");
  auto* ledger = raw.prepare(
      "INSERT INTO wallet_ledger(user_id, kind, amount_lamports, balance_after_lamports, position_id, token_address,"
      " qty_raw, price_num, price_den, fee_lamports, pnl_lamports, update_id, note, created_at)"
      " VALUES(?1, 'open', ?2, ?3, ?4, ?5, ?6, ?7, ?8, 5, 0, ?9, '', ?10)");
  const auto price = kt::Price::from_ratio(1'000'000, 123'456'789'012).value();
  const std::string mint = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
  const auto start = Clock::now();
  for (int i = 0; i < trades; ++i) {
    const std::int64_t user = 1 + i % kUsers;
    const std::int64_t t = 1'700'000'000'000 + i;
    const std::string num = kt::u128_to_string(price.num()), den = kt::u128_to_string(price.den());
    const std::string qty = std::to_string(123'456'789'012ULL);
    raw.step(begin, SQLITE_DONE);
    sqlite3_reset(begin);
    sqlite3_bind_int64(claim, 1, first_update + i);
    sqlite3_bind_int64(claim, 2, user);
    sqlite3_bind_int64(claim, 3, t);
    raw.step(claim, SQLITE_DONE);
    sqlite3_reset(claim);
    sqlite3_bind_int64(wallet, 1, user);
    raw.step(wallet, SQLITE_ROW);
    const std::int64_t balance = sqlite3_column_int64(wallet, 1);
    sqlite3_reset(wallet);
    sqlite3_bind_int64(count, 1, user);
    raw.step(count, SQLITE_ROW);
    sqlite3_reset(count);
    sqlite3_bind_int64(position, 1, user);
    sqlite3_bind_text(position, 2, mint.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(position, 3, qty.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(position, 4, kSize);
    sqlite3_bind_text(position, 5, num.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(position, 6, den.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(position, 7, t);
    raw.step(position, SQLITE_DONE);
    sqlite3_reset(position);
    const std::int64_t position_id = sqlite3_last_insert_rowid(raw.db);
    sqlite3_bind_int64(money, 1, user);
    sqlite3_bind_int64(money, 2, balance - kSize);
    sqlite3_bind_int64(money, 3, t);
    raw.step(money, SQLITE_DONE);
    sqlite3_reset(money);
    sqlite3_bind_int64(ledger, 1, user);
    sqlite3_bind_int64(ledger, 2, -kSize);
    sqlite3_bind_int64(ledger, 3, balance - kSize);
    sqlite3_bind_int64(ledger, 4, position_id);
    sqlite3_bind_text(ledger, 5, mint.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ledger, 6, qty.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ledger, 7, num.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ledger, 8, den.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(ledger, 9, first_update + i);
    sqlite3_bind_int64(ledger, 10, t);
    raw.step(ledger, SQLITE_DONE);
    sqlite3_reset(ledger);
    raw.step(commit, SQLITE_DONE);
    sqlite3_reset(commit);
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int trades = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::string dir = argc > 3 ? argv[3] : "/tmp";
  const std::string path = dir + "/kt_bench_storage_sqlite_" + std::to_string(::getpid()) + ".db";
  std::vector<double> repo_rates, raw_rates, ratios;
  for (int r = 0; r < rounds; ++r) {
    // Alternate the order so file-system warm-up does not favour one side.
    const double raw_first = r % 2 == 0 ? run_raw(path, trades, 1) : 0;
    const double repo = run_repository(path, trades, 1);
    const double raw = r % 2 == 0 ? raw_first : run_raw(path, trades, 1);
    repo_rates.push_back(trades / repo);
    raw_rates.push_back(trades / raw);
    ratios.push_back(raw / repo);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::printf(
      "SQLite trade transaction (claim + lock wallet + count open + insert position + ledger), WAL, "
      "synchronous=NORMAL\n");
  std::printf("%d trades x %d rounds, file %s\n\n", trades, rounds, path.c_str());
  std::printf("%-28s %14s\n", "variant", "trades/s (median)");
  std::printf("%-28s %14.0f\n", "raw sqlite3 loop", median(raw_rates));
  std::printf("%-28s %14.0f\n", "SqliteRepository::write", median(repo_rates));
  std::printf("\nrepository / raw = %.3f (median of per-round ratios; goal >= 0.8)\n", median(ratios));
  return 0;
}
