// kt_bench_storage: the engine's trade transactions through the PostgreSQL repository versus
// pgbench's built-in tpcb-like script, on the same cluster, at 1/4/16 concurrent clients.
//
//   kt_bench_storage [--dsn URL] [--seconds S] [--rounds R] [--users N] [--clients 1,4,16] [--pgbench PATH]
//
// For each client count the two workloads run alternately R times (S seconds each) and the
// medians are reported, so both see the same machine load.
//
// Also reported: CPU time per committed transaction, client + server (our process and the
// server's backends; pgbench and the server's backends), which other jobs on a shared machine
// disturb far less than the rates.
//
// Counted: committed repository transactions per second (tx/s). One trade = two transactions, as
// the engine does them:
//   open  = write{claim_update_and_lock_wallet; count_open_positions; insert_position;
//                 append_ledger_deferred(-size)}
//   close = write{claim_update_and_lock_wallet; lock_position; update_position;
//                 append_ledger_deferred(+proceeds)}
// On PostgreSQL that is 4 round trips for an open and 3 for a close, COMMIT included (the claim
// and the wallet lock share one; update_position and the ledger entry go with the COMMIT).
// pgbench's tps counts its tpcb-like transaction (BEGIN; 3 UPDATEs; SELECT; INSERT; END).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
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
    KT_TRY(std::optional<Wallet> w, tx.claim_update_and_lock_wallet(update_id, user, from_unix_millis(now_ms)));
    if (!w) return rejected("E-DUP", "duplicate update");
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
    e.balance_after = Lamports{w->balance.value - size};
    e.position = stored.id;
    e.mint = bench_mint();
    e.qty_raw = p.qty_raw;
    e.price = p.entry_price;
    e.update_id = update_id;
    e.created_at = p.opened_at;
    return tx.append_ledger_deferred(e);
  });
  if (!r.ok()) return r.error();
  return id;
}

/// The engine's close: credit the proceeds, close the position.
Result<void> close_trade(Repository& repo, UserId user, PositionId id, std::int64_t update_id, std::int64_t now_ms) {
  return repo.write([&](Transaction& tx) -> Result<void> {
    KT_TRY(std::optional<Wallet> w, tx.claim_update_and_lock_wallet(update_id, user, from_unix_millis(now_ms)));
    if (!w) return rejected("E-DUP", "duplicate update");
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
    e.balance_after = Lamports{w->balance.value + proceeds};
    e.position = id;
    e.mint = bench_mint();
    e.price = p.exit_price;
    e.pnl = p.realized_pnl;
    e.update_id = update_id;
    e.created_at = *p.closed_at;
    return tx.append_ledger_deferred(e);
  });
}

// --- CPU accounting ----------------------------------------------------------------------------
// On a shared machine the rates move with other jobs' load; CPU time per transaction (ours: this
// process + the server's processes; pgbench: its process + the server's) does not, so it is
// reported beside the rates as the load-independent comparison.

/// /proc/<pid>/stat, "" if the process is gone (it may exit while being read: plain stdio, since
/// an ifstream throws on that read error).
std::string read_proc_stat(const std::string& pid) {
  std::string out;
  std::FILE* file = std::fopen(("/proc/" + pid + "/stat").c_str(), "r");
  if (file == nullptr) return out;
  char buf[1024];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, file)) > 0) out.append(buf, n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  return failed ? std::string() : out;
}

/// utime + stime of one process from /proc/<pid>/stat, in seconds (0 if it is gone).
double process_cpu_seconds(const std::string& pid) {
  const std::string stat = read_proc_stat(pid);
  const auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state; 14 utime, 15 stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// The parent pid (field 4) of a process, or "" if it is gone.
std::string parent_pid(const std::string& pid) {
  const std::string stat = read_proc_stat(pid);
  const auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return {};
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string state, ppid;
  fields >> state >> ppid;
  return ppid;
}

/// CPU seconds used so far by the server: the postmaster and its live children. Backends that
/// exited are lost, so both workloads keep their connections for the whole measured phase.
double server_cpu_seconds(const std::string& postmaster_pid) {
  if (postmaster_pid.empty()) return 0;
  double total = process_cpu_seconds(postmaster_pid);
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string pid = it->path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (parent_pid(pid) == postmaster_pid) total += process_cpu_seconds(pid);
  }
  return total;
}

double rusage_seconds(int who) {
  rusage usage{};
  ::getrusage(who, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct RunResult {
  double tx_per_s = 0;
  long errors = 0;
  double cpu_us_per_tx = 0;     ///< client + server CPU per committed transaction
  double client_us_per_tx = 0;  ///< the client's share of it (our process, or pgbench)
};

/// C threads, each trading its own slice of the users (the bot shards work by user).
RunResult run_trades(Repository& repo, const std::vector<UserId>& users, int clients, int seconds,
                     std::atomic<std::int64_t>& update_ids, const std::string& postmaster_pid) {
  const double client_before = rusage_seconds(RUSAGE_SELF);
  const double server_before = server_cpu_seconds(postmaster_pid);
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
  const double client = rusage_seconds(RUSAGE_SELF) - client_before;
  const double server = server_cpu_seconds(postmaster_pid) - server_before;
  const auto n = static_cast<double>(committed.load());
  if (n == 0) return RunResult{0, errors.load(), 0, 0};
  return RunResult{n / elapsed, errors.load(), (client + server) * 1e6 / n, client * 1e6 / n};
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

/// pgbench's "tps = X (without initial connection time)" (0 if it did not run) and the CPU per
/// transaction of pgbench + the server. pgbench's backends exit with it, so the server's share is
/// sampled while it runs, just before its end.
RunResult pgbench_run(const Config& config, int clients, const std::string& postmaster_pid) {
  const double children_before = rusage_seconds(RUSAGE_CHILDREN);
  const double server_before = server_cpu_seconds(postmaster_pid);
  double server_near_end = server_before;
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done.load()) {
      server_near_end = std::max(server_near_end, server_cpu_seconds(postmaster_pid));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  const std::string out = run_command(fmt::format("{} -n -c {} -j {} -T {} -M prepared '{}' 2>/dev/null",
                                                  config.pgbench, clients, clients, config.seconds, config.dsn));
  done.store(true);
  sampler.join();
  RunResult r;
  const auto tps_at = out.find("tps = ");
  r.tx_per_s = tps_at == std::string::npos ? 0.0 : std::atof(out.c_str() + tps_at + 6);
  const std::string processed_label = "number of transactions actually processed: ";
  const auto processed_at = out.find(processed_label);
  const double processed =
      processed_at == std::string::npos ? 0.0 : std::atof(out.c_str() + processed_at + processed_label.size());
  const double client = rusage_seconds(RUSAGE_CHILDREN) - children_before;
  const double cpu = client + server_near_end - server_before;
  r.cpu_us_per_tx = processed > 0 ? cpu * 1e6 / processed : 0;
  r.client_us_per_tx = processed > 0 ? client * 1e6 / processed : 0;
  return r;
}

/// The postmaster's pid: the parent of one of our backends ("" for a server on another host;
/// the CPU columns then show the client side only).
std::string postmaster_pid(const std::string& dsn) {
  postgres::PgConnectOptions options;
  options.conninfo = dsn;
  auto conn = postgres::PgConnection::connect(options);
  if (!conn.ok()) return {};
  auto backend = (*conn)->exec("SELECT pg_backend_pid()");
  if (!backend.ok() || backend->rows() != 1) return {};
  return parent_pid(std::string(backend->text(0, 0)));
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
  const std::string server_pid = postmaster_pid(config.dsn);
  run_trades(repo, users, max_clients, 1, update_ids, server_pid);  // warm-up: connect and prepare everywhere
  std::printf(
      "| clients | kitrader tx/s | trades/s (open+close) | pgbench tps (tpcb-like) | ratio | errors "
      "| kitrader CPU µs/tx (client) | pgbench CPU µs/tx (client) | CPU ratio (pgbench/ours) |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int clients : config.clients) {
    std::vector<double> ours_runs, theirs_runs, ours_cpu, theirs_cpu, ours_client, theirs_client;
    long errors = 0;
    for (int round = 0; round < config.rounds; ++round) {
      const RunResult ours = run_trades(repo, users, clients, config.seconds, update_ids, server_pid);
      ours_runs.push_back(ours.tx_per_s);
      ours_cpu.push_back(ours.cpu_us_per_tx);
      ours_client.push_back(ours.client_us_per_tx);
      errors += ours.errors;
      const RunResult theirs = pgbench_run(config, clients, server_pid);
      theirs_runs.push_back(theirs.tx_per_s);
      theirs_cpu.push_back(theirs.cpu_us_per_tx);
      theirs_client.push_back(theirs.client_us_per_tx);
    }
    const double ours = median(ours_runs), theirs = median(theirs_runs);
    const double our_cpu = median(ours_cpu), their_cpu = median(theirs_cpu);
    std::printf("| %d | %.0f | %.0f | %.0f | %.2f | %ld | %.0f (%.0f) | %.0f (%.0f) | %.2f |\n", clients, ours,
                ours / 2, theirs, theirs > 0 ? ours / theirs : 0.0, errors, our_cpu, median(ours_client), their_cpu,
                median(theirs_client), our_cpu > 0 ? their_cpu / our_cpu : 0.0);
    std::fflush(stdout);
  }
  return 0;
}
