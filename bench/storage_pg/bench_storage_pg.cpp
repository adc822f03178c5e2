// kt_bench_storage: the engine's trade transactions through the PostgreSQL repository versus
// pgbench's built-in tpcb-like script, on the same cluster, at 1/4/16 concurrent clients.
//
//   kt_bench_storage [--dsn URL] [--seconds S] [--rounds R] [--users N] [--clients 1,4,16] [--pgbench PATH]
//
// For each client count the two workloads run alternately R times (S seconds each) and the
// medians are reported, so both see the same machine load.
//
// Counted: committed repository transactions per second (tx/s). One trade = two transactions:
//   open  = write{claim_update; lock_wallet; count_open_positions; insert_position; append_ledger(-size)}
//   close = write{claim_update; lock_wallet; lock_position; update_position; append_ledger(+proceeds)}
// pgbench's tps counts its tpcb-like transaction (BEGIN; 3 UPDATEs; SELECT; INSERT; END).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/postgres_repository.hpp"

namespace {

using namespace kt;
using namespace kt::storage;
using SteadyClock = std::chrono::steady_clock;

struct Config {
  std::string dsn;
  int seconds = 10;
  int rounds = 3;  ///< alternating runs of ours and pgbench per client count; medians reported
  int users = 2000;
  std::vector<int> clients{1, 4, 16};
  std::string pgbench = "/usr/lib/postgresql/15/bin/pgbench";
};

const Mint& bench_mint() {
  static const Mint mint = Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263").value();
  return mint;
}

/// The engine's open: debit `size`, create the position. Returns the position id.
Result<PositionId> open_trade(Repository& repo, UserId user, std::int64_t update_id, std::int64_t now_ms) {
  PositionId id;
  auto r = repo.write([&](Transaction& tx) -> Result<void> {
    KT_TRY(bool fresh, tx.claim_update(update_id, user, from_unix_millis(now_ms)));
    if (!fresh) return rejected("E-DUP", "duplicate update");
    KT_TRY(Wallet w, tx.lock_wallet(user));
    KT_TRY(std::int64_t open, tx.count_open_positions(user));
    if (open >= 10) return rejected("E-LIMIT", "too many open positions");
    const std::int64_t size = 100'000'000;
    Position p;
    p.user = user;
    p.mint = bench_mint();
    p.symbol = "BONK";
    p.decimals = 5;
    p.qty_raw = 123'456'789;
    p.initial_qty_raw = p.qty_raw;
    p.cost = Lamports{size};
    p.initial_cost = p.cost;
    p.entry_notional = Lamports{size - 1'000'000};
    p.entry_price = Price::from_ratio(99'000'000, 123'456'789).value();
    p.opened_at = from_unix_millis(now_ms);
    p.source = "bench";
    KT_TRY(Position stored, tx.insert_position(p));
    id = stored.id;
    LedgerEntry e;
    e.user = user;
    e.kind = LedgerKind::kOpen;
    e.amount = Lamports{-size};
    e.balance_after = Lamports{w.balance.value - size};
    e.position = stored.id;
    e.mint = bench_mint();
    e.qty_raw = p.qty_raw;
    e.price = p.entry_price;
    e.update_id = update_id;
    e.created_at = p.opened_at;
    KT_TRY(std::int64_t entry, tx.append_ledger(e));
    (void)entry;
    return {};
  });
  if (!r.ok()) return r.error();
  return id;
}

/// The engine's close: credit the proceeds, close the position.
Result<void> close_trade(Repository& repo, UserId user, PositionId id, std::int64_t update_id, std::int64_t now_ms) {
  return repo.write([&](Transaction& tx) -> Result<void> {
    KT_TRY(bool fresh, tx.claim_update(update_id, user, from_unix_millis(now_ms)));
    if (!fresh) return rejected("E-DUP", "duplicate update");
    KT_TRY(Wallet w, tx.lock_wallet(user));
    KT_TRY(Position p, tx.lock_position(id));
    const std::int64_t proceeds = 98'000'000;
    p.status = PositionStatus::kClosed;
    p.realized_pnl = Lamports{proceeds - p.cost.value};
    p.qty_raw = 0;
    p.closed_at = from_unix_millis(now_ms);
    p.exit_price = Price::from_ratio(98'000'000, 123'456'789).value();
    KT_TRY_VOID(tx.update_position(p));
    LedgerEntry e;
    e.user = user;
    e.kind = LedgerKind::kClose;
    e.amount = Lamports{proceeds};
    e.balance_after = Lamports{w.balance.value + proceeds};
    e.position = id;
    e.mint = bench_mint();
    e.price = p.exit_price;
    e.pnl = p.realized_pnl;
    e.update_id = update_id;
    e.created_at = *p.closed_at;
    KT_TRY(std::int64_t entry, tx.append_ledger(e));
    (void)entry;
    return {};
  });
}

struct RunResult {
  double tx_per_s = 0;
  long errors = 0;
};

/// C threads, each trading its own slice of the users (the bot shards work by user).
RunResult run_trades(Repository& repo, const std::vector<UserId>& users, int clients, int seconds,
                     std::atomic<std::int64_t>& update_ids) {
  std::atomic<long> committed{0}, errors{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto start = SteadyClock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::size_t k = static_cast<std::size_t>(c);
      const std::int64_t now = 1'700'000'000'000;
      while (!stop.load(std::memory_order_relaxed)) {
        const UserId user = users[k % users.size()];
        k += static_cast<std::size_t>(clients);
        auto opened = open_trade(repo, user, update_ids.fetch_add(1), now);
        if (!opened.ok()) {
          errors.fetch_add(1);
          continue;
        }
        committed.fetch_add(1);
        if (close_trade(repo, user, *opened, update_ids.fetch_add(1), now).ok())
          committed.fetch_add(1);
        else
          errors.fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop.store(true);
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  return RunResult{static_cast<double>(committed.load()) / elapsed, errors.load()};
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  ::pclose(pipe);
  return out;
}

/// pgbench's "tps = X (without initial connection time)", or 0 if it did not run.
double pgbench_tps(const Config& config, int clients) {
  const std::string out = run_command(fmt::format("{} -n -c {} -j {} -T {} -M prepared '{}' 2>/dev/null",
                                                  config.pgbench, clients, clients, config.seconds, config.dsn));
  const auto pos = out.find("tps = ");
  return pos == std::string::npos ? 0.0 : std::atof(out.c_str() + pos + 6);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

Config parse_args(int argc, char** argv) {
  Config c;
  if (const char* dsn = std::getenv("KITRADER_PG_TEST_DSN")) c.dsn = dsn;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--dsn")
      c.dsn = value;
    else if (key == "--seconds")
      c.seconds = std::atoi(value.c_str());
    else if (key == "--rounds")
      c.rounds = std::max(1, std::atoi(value.c_str()));
    else if (key == "--users")
      c.users = std::atoi(value.c_str());
    else if (key == "--pgbench")
      c.pgbench = value;
    else if (key == "--clients") {
      c.clients.clear();
      std::stringstream ss(value);
      for (std::string item; std::getline(ss, item, ',');) c.clients.push_back(std::atoi(item.c_str()));
    }
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const Config config = parse_args(argc, argv);
  if (config.dsn.empty()) {
    std::fprintf(stderr, "set KITRADER_PG_TEST_DSN or pass --dsn (scripts/pg-test-cluster start <dir>)\n");
    return 2;
  }
  // A private schema for our tables; pgbench uses public.
  {
    postgres::PgConnectOptions admin_options;
    admin_options.conninfo = config.dsn;
    auto admin = postgres::PgConnection::connect(admin_options);
    if (!admin.ok() || !(*admin)->exec("DROP SCHEMA IF EXISTS kt_bench CASCADE; CREATE SCHEMA kt_bench").ok()) {
      std::fprintf(stderr, "cannot prepare the bench schema\n");
      return 1;
    }
  }
  int max_clients = 1;
  for (int c : config.clients) max_clients = std::max(max_clients, c);
  const char sep = config.dsn.find('?') == std::string::npos ? '?' : '&';
  auto opened = postgres::open_postgres_repository(config.dsn + sep + "options=-csearch_path%3Dkt_bench", max_clients);
  if (!opened.ok() || !(*opened)->migrate().ok()) {
    std::fprintf(stderr, "cannot open/migrate: %s\n", opened.ok() ? "migrate" : opened.error().message.c_str());
    return 1;
  }
  Repository& repo = **opened;
  std::vector<UserId> users;
  auto added = repo.write([&](Transaction& tx) -> Result<void> {
    for (int i = 0; i < config.users; ++i) {
      KT_TRY(User u, tx.insert_user(NewUser{TelegramUserId{1'000'000 + i}, "", Role::kBasic,
                                            Lamports::from_sol(1'000'000), from_unix_millis(0)}));
      users.push_back(u.id);
    }
    return {};
  });
  if (!added.ok()) return 1;
  run_command(fmt::format("{} -i -s 10 -q '{}' >/dev/null 2>&1", config.pgbench, config.dsn));

  std::atomic<std::int64_t> update_ids{1};
  run_trades(repo, users, max_clients, 1, update_ids);  // warm-up: connect and prepare everywhere
  std::printf("| clients | kitrader tx/s | trades/s (open+close) | pgbench tps (tpcb-like) | ratio | errors |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  for (int clients : config.clients) {
    std::vector<double> ours_runs, theirs_runs;
    long errors = 0;
    for (int round = 0; round < config.rounds; ++round) {
      const RunResult ours = run_trades(repo, users, clients, config.seconds, update_ids);
      ours_runs.push_back(ours.tx_per_s);
      errors += ours.errors;
      theirs_runs.push_back(pgbench_tps(config, clients));
    }
    const double ours = median(ours_runs), theirs = median(theirs_runs);
    std::printf("| %d | %.0f | %.0f | %.0f | %.2f | %ld |\n", clients, ours, ours / 2, theirs,
                theirs > 0 ? ours / theirs : 0.0, errors);
    std::fflush(stdout);
  }
  return 0;
}
