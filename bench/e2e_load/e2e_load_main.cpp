// End-to-end load: the real `kitrader run` (a child process) against a lean Bot API on loopback,
// many users playing a mix of price/info/wallet/positions/open/close/button presses on the demo
// market, open loop at increasing rates. Prints a markdown table: offered and answered updates/s,
// latency (update available → first reply received) p50/p99/max, the bot's and the driver's CPU
// per answered update (utime + stime from /proc, robust on a shared machine where latency is not),
// the bot's context switches per answered update, the bot's resident memory, and the database's
// own limit measured in the same run (a raw sqlite3 trade loop, or pgbench).
//   kt_bench_e2e_load [--backends sqlite,pg] [--users 1000,100000] [--rates 500,1000,2000,5000]
//                     [--modes polling,webhook] [--seconds 5] [--workers 8] [--memory-positions 1000000]
//                     [--pool-size N] [--pg-dsn URL]
// Webhook mode: the bot listens on a free loopback port and the fake POSTs each update to it over
// up to 40 keep-alive connections (Telegram's default max_connections).
// PostgreSQL runs need --pg-dsn or KITRADER_PG_TEST_DSN (scripts/pg-test-cluster start DIR).
#include <dirent.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "cli_args.hpp"
#include "e2e/kitrader_process.hpp"
#include "load_bot_api.hpp"
#include "seed.hpp"

namespace kt::bench {
namespace {

using namespace std::chrono_literals;
constexpr const char* kToken = "123456789:AAHk3Jx9QpL2mZ7vR4tW8yB1nC5dF0gHs6E";
constexpr std::int64_t kFirstUser = 10'000'000;
/// The webhook secret the bot is started with; drawn per run, so no secret-shaped literal is kept.
const std::string& webhook_secret() {
  static const std::string secret = [] {
    std::random_device random;
    return fmt::format("load-{:08x}{:08x}{:08x}", random(), random(), random());
  }();
  return secret;
}
constexpr const char* kWebhookPath = "/tg";
constexpr std::size_t kWebhookConnections = 40;

struct Options {
  std::vector<std::string> backends{"sqlite", "pg"};
  std::vector<std::size_t> users{1'000, 100'000};
  std::vector<double> rates{500, 1000, 2000, 3000, 5000};
  std::vector<std::string> modes{"polling"};
  int seconds = 5;
  int workers = 8;
  int calls_in_flight = 0;  ///< telegram.calls_in_flight; 0: the bot's automatic count
  int call_delay_ms = 0;    ///< the fake's round trip for every call but getUpdates
  int pool_size = 0;        ///< database.pool_size; 0: the bot's default
  std::size_t memory_positions = 1'000'000;
  std::string pg_dsn;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

/// "VmRSS" or "VmHWM" of a process in MB.
double proc_mb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) return std::atof(line.c_str() + key.size() + 1) / 1024.0;
  }
  return 0;
}

/// CPU time (user + system, all threads) and context switches (voluntary + involuntary, summed
/// over the live threads) of a process at one moment.
struct CpuSample {
  double cpu_s = 0;
  long long context_switches = 0;
};

CpuSample sample_process(pid_t pid) {
  CpuSample s;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream stat(proc + "/stat");
  std::string line;
  std::getline(stat, line);
  // Fields after the parenthesised command name (which may contain spaces): utime and stime are the
  // 12th and 13th of them (14th and 15th of the line), in clock ticks.
  if (const auto close = line.rfind(')'); close != std::string::npos) {
    std::istringstream fields(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 1; i <= 13 && fields >> field; ++i) {
      if (i == 12) utime = std::stoull(field);
      if (i == 13) stime = std::stoull(field);
    }
    s.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  if (DIR* tasks = ::opendir((proc + "/task").c_str())) {
    while (const dirent* task = ::readdir(tasks)) {
      if (task->d_name[0] == '.') continue;
      std::ifstream status(proc + "/task/" + task->d_name + "/status");
      for (std::string l; std::getline(status, l);) {
        if (l.rfind("voluntary_ctxt_switches:", 0) == 0 || l.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
          s.context_switches += std::atoll(l.c_str() + l.find(':') + 1);
        }
      }
    }
    ::closedir(tasks);
  }
  return s;
}

/// This process's CPU time (all threads), in seconds: nanosecond resolution, unlike /proc's ticks.
double own_cpu_s() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string run_command(const std::string& cmd) {
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  return out;
}

/// A database for one run: a fresh SQLite file, or a fresh schema on the PostgreSQL cluster.
struct Database {
  std::string url;
  std::filesystem::path sqlite_file;
  std::string pg_schema;
};

Database make_database(const std::string& backend, const Options& o, const std::filesystem::path& dir,
                       const std::string& tag) {
  Database db;
  if (backend == "sqlite") {
    db.sqlite_file = dir / (tag + ".db");
    db.url = "sqlite://" + db.sqlite_file.string();
    return db;
  }
  db.pg_schema = "kt_load_" + tag;
  run_command(fmt::format(
      "/usr/lib/postgresql/15/bin/psql -q '{}' -c 'DROP SCHEMA IF EXISTS {} CASCADE; CREATE SCHEMA {}' 2>&1", o.pg_dsn,
      db.pg_schema, db.pg_schema));
  const char sep = o.pg_dsn.find('?') == std::string::npos ? '?' : '&';
  db.url = fmt::format("{}{}options=-csearch_path%3D{}", o.pg_dsn, sep, db.pg_schema);
  return db;
}

void drop_database(const Database& db, const Options& o) {
  if (!db.pg_schema.empty()) {
    run_command(fmt::format("/usr/lib/postgresql/15/bin/psql -q '{}' -c 'DROP SCHEMA IF EXISTS {} CASCADE' 2>&1",
                            o.pg_dsn, db.pg_schema));
  }
}

/// The raw-sqlite3 limit on this disk: the trade's writes (claim, wallet, ledger) in a loop, one
/// BEGIN IMMEDIATE … COMMIT each, WAL + synchronous=NORMAL like the backend, for `seconds`.
double sqlite_raw_tx_per_s(const std::filesystem::path& file, double seconds) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) return 0;
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", nullptr, nullptr,
               nullptr);
  sqlite3_stmt *claim = nullptr, *wallet = nullptr, *ledger = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO processed_updates(update_id, user_id, processed_at) VALUES (?, 1, 0)", -1, &claim,
                     nullptr);
  sqlite3_prepare_v2(
      db, "UPDATE virtual_wallets SET balance_lamports = balance_lamports - 1, updated_at = 0 WHERE user_id = 1", -1,
      &wallet, nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO wallet_ledger(user_id, kind, amount_lamports, balance_after_lamports, created_at) "
                     "VALUES (1, 'open', -1, 0, 0)",
                     -1, &ledger, nullptr);
  std::int64_t n = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until && claim && wallet && ledger) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_bind_int64(claim, 1, 9'000'000'000 + n);
    sqlite3_step(claim), sqlite3_reset(claim);
    sqlite3_step(wallet), sqlite3_reset(wallet);
    sqlite3_step(ledger), sqlite3_reset(ledger);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    ++n;
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(claim), sqlite3_finalize(wallet), sqlite3_finalize(ledger);
  sqlite3_close(db);
  return static_cast<double>(n) / took;
}

/// pgbench's tpcb-like tps on the same cluster (4 clients, 2 threads, `seconds`).
double pgbench_tps(const Options& o, int seconds) {
  const std::string pgbench = "/usr/lib/postgresql/15/bin/pgbench";
  run_command(fmt::format("{} -i -s 4 -q '{}' >/dev/null 2>&1", pgbench, o.pg_dsn));
  const std::string out =
      run_command(fmt::format("{} -n -c 4 -j 2 -T {} -M prepared '{}' 2>/dev/null", pgbench, seconds, o.pg_dsn));
  const auto at = out.find("tps = ");
  return at == std::string::npos ? 0 : std::atof(out.c_str() + at + 6);
}

/// A loopback port nobody listens on right now (the bot binds it a moment later).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::map<std::string, std::string> bot_env(const std::string& api_url, const std::string& db_url, const Options& o,
                                           const std::filesystem::path& dir, int webhook_port) {
  std::map<std::string, std::string> env{{"TELEGRAM_BOT_TOKEN", kToken},
                                         {"KITRADER_TELEGRAM_API_URL", api_url},
                                         {"KITRADER_DATABASE_URL", db_url},
                                         {"KITRADER_PRICES_SOURCES", "demo"},
                                         {"KITRADER_HTTP_LISTEN", ""},
                                         {"KITRADER_LOG_DIR", (dir / "logs").string()},
                                         {"KITRADER_LOG_LEVEL", "warn"},
                                         {"KITRADER_TELEGRAM_PACING_ENABLED", "false"},
                                         {"KITRADER_TELEGRAM_WORKERS", std::to_string(o.workers)},
                                         {"KITRADER_TRADING_MAX_OPEN_POSITIONS", "10000"}};
  if (o.pool_size > 0) env["KITRADER_DATABASE_POOL_SIZE"] = std::to_string(o.pool_size);
  if (o.calls_in_flight > 0) env["KITRADER_TELEGRAM_CALLS_IN_FLIGHT"] = std::to_string(o.calls_in_flight);
  if (webhook_port > 0) {
    env["KITRADER_TELEGRAM_MODE"] = "webhook";
    env["KITRADER_TELEGRAM_WEBHOOK_LISTEN"] = "127.0.0.1:" + std::to_string(webhook_port);
    env["KITRADER_TELEGRAM_WEBHOOK_URL"] = std::string("https://bot.example") + kWebhookPath;
    env["KITRADER_TELEGRAM_WEBHOOK_SECRET"] = webhook_secret();
  }
  return env;
}

struct Row {
  std::string mode;
  std::string backend;
  std::size_t users = 0;
  PhaseResult phase;
  double rss_mb = 0;
  double hwm_mb = 0;
  double bot_cpu_us_per_update = 0;     ///< the bot process's utime + stime over the phase / answered
  double driver_cpu_us_per_update = 0;  ///< this process's CPU over the phase / answered
  double bot_switches_per_update = 0;   ///< the bot's context switches over the phase / answered
  double baseline = 0;
  std::string baseline_name;
};

void print_row(const Row& r) {
  const auto& p = r.phase;
  std::printf(
      "| %s | %s | %zu | %.0f | %.0f | %.2f | %.2f | %.2f | %.0f | %.0f | %.1f | %zu | %zu | %zu | %.0f / %.0f | %.0f "
      "%s |\n",
      r.mode.c_str(), r.backend.c_str(), r.users, p.offered_per_s, p.replied_per_s, percentile(p.latencies_ms, 0.5),
      percentile(p.latencies_ms, 0.99),
      p.latencies_ms.empty() ? 0.0 : *std::max_element(p.latencies_ms.begin(), p.latencies_ms.end()),
      r.bot_cpu_us_per_update, r.driver_cpu_us_per_update, r.bot_switches_per_update, p.unanswered, p.no_idle_user,
      p.error_replies, r.rss_mb, r.hwm_mb, r.baseline, r.baseline_name.c_str());
  std::fflush(stdout);
}

void print_header() {
  std::printf(
      "| mode | backend | users | offered/s | answered/s | p50 ms | p99 ms | max ms | bot CPU µs/update | driver CPU "
      "µs/update | bot ctx switches/update | unanswered | skipped (no idle user) | error replies | RSS / peak MB | "
      "storage baseline |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::fflush(stdout);
}

/// Seeds, starts the bot, plays every rate, stops. Returns one row per rate.
void run_backend(const std::string& mode, const std::string& backend, std::size_t users, const Options& o,
                 const std::filesystem::path& dir) {
  const std::string tag = fmt::format("{}_{}_{}", mode, backend, users);
  Database db = make_database(backend, o, dir, tag);
  const auto seed_start = std::chrono::steady_clock::now();
  if (auto r = seed_database(db.url, kFirstUser, users, 0); !r.ok()) {
    std::fprintf(stderr, "seeding %s failed: %s\n", tag.c_str(), r.error().message.c_str());
    return;
  }
  const double seed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count();
  std::fprintf(stderr, "[%s] %zu users seeded through the repository in %.1f s\n", tag.c_str(), users, seed_s);

  std::vector<Row> rows;
  {
    LoadBotApi api(kToken, kFirstUser, users, Mix{}, 42);
    api.set_call_delay(std::chrono::milliseconds(o.call_delay_ms));
    const int webhook_port = mode == "webhook" ? free_port() : 0;
    e2e::KitraderProcess bot({"run"}, bot_env(api.api_url(), db.url, o, dir, webhook_port), dir, tag);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!api.bot_started() && std::chrono::steady_clock::now() < deadline && bot.running())
      std::this_thread::sleep_for(10ms);
    if (!api.bot_started()) {
      std::fprintf(stderr, "[%s] the bot did not start taking updates: %s\n", tag.c_str(), bot.err().c_str());
      return;
    }
    if (webhook_port > 0) api.start_webhook(webhook_port, kWebhookPath, webhook_secret(), kWebhookConnections);
    api.run_phase(200, 1s, 2s);  // warm-up: connections, caches, the first positions
    for (double rate : o.rates) {
      Row row;
      row.mode = mode;
      row.backend = backend;
      row.users = users;
      const CpuSample bot_before = sample_process(bot.pid());
      const double driver_before = own_cpu_s();
      row.phase = api.run_phase(rate, std::chrono::seconds(o.seconds), 3s);
      const CpuSample bot_after = sample_process(bot.pid());
      const double driver_after = own_cpu_s();
      if (row.phase.replied > 0) {
        const auto answered = static_cast<double>(row.phase.replied);
        row.bot_cpu_us_per_update = (bot_after.cpu_s - bot_before.cpu_s) * 1e6 / answered;
        row.driver_cpu_us_per_update = (driver_after - driver_before) * 1e6 / answered;
        row.bot_switches_per_update =
            static_cast<double>(bot_after.context_switches - bot_before.context_switches) / answered;
      }
      row.rss_mb = proc_mb(bot.pid(), "VmRSS");
      row.hwm_mb = proc_mb(bot.pid(), "VmHWM");
      rows.push_back(row);
      if (bot.wait_exit(0ms)) {
        const std::string err = bot.err();
        std::fprintf(stderr, "[%s] the bot exited (%d): %s\n", tag.c_str(), bot.exit_code().value_or(0),
                     err.substr(err.size() > 3000 ? err.size() - 3000 : 0).c_str());
        break;
      }
      std::fprintf(stderr,
                   "[%s] %.0f/s offered: %.0f/s answered, p99 %.2f ms, bot CPU %.0f µs/update, by kind:", tag.c_str(),
                   rate, row.phase.replied_per_s, percentile(row.phase.latencies_ms, 0.99), row.bot_cpu_us_per_update);
      for (const auto& [k, n] : row.phase.by_kind) {
        std::fprintf(stderr, " %s=%zu (p50 %.1f ms)", k.c_str(), n, percentile(row.phase.latencies_by_kind[k], 0.5));
      }
      std::fprintf(stderr, "; of which available → fetched p50 %.1f ms p99 %.1f ms\n",
                   percentile(row.phase.fetch_delays_ms, 0.5), percentile(row.phase.fetch_delays_ms, 0.99));
      // Far past saturation further rates only add queueing: stop.
      if (row.phase.replied_per_s < 0.7 * rate) break;
    }
    bot.signal(SIGTERM);
    if (!bot.wait_exit(10s)) bot.signal(SIGKILL);
  }
  const double baseline = backend == "sqlite" ? sqlite_raw_tx_per_s(db.sqlite_file, 3) : pgbench_tps(o, 5);
  for (auto& r : rows) {
    r.baseline = baseline;
    r.baseline_name = backend == "sqlite" ? "raw sqlite3 trade tx/s" : "pgbench tpcb-like tps (4 clients)";
    print_row(r);
  }
  drop_database(db, o);
}

/// 100,000 users and `positions` open positions stored, then a short mixed load: the bot's memory.
void run_memory_check(const std::string& backend, const Options& o, const std::filesystem::path& dir) {
  constexpr std::size_t kUsers = 100'000;
  const std::string tag = fmt::format("{}_memory", backend);
  Database db = make_database(backend, o, dir, tag);
  const auto seed_start = std::chrono::steady_clock::now();
  if (auto r = seed_database(db.url, kFirstUser, kUsers, o.memory_positions); !r.ok()) {
    std::fprintf(stderr, "seeding %s failed: %s\n", tag.c_str(), r.error().message.c_str());
    return;
  }
  const double seed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count();
  LoadBotApi api(kToken, kFirstUser, kUsers, Mix{}, 7);
  e2e::KitraderProcess bot({"run"}, bot_env(api.api_url(), db.url, o, dir, 0), dir, tag);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (api.polls() == 0 && std::chrono::steady_clock::now() < deadline && bot.running())
    std::this_thread::sleep_for(10ms);
  const double idle_rss = proc_mb(bot.pid(), "VmRSS");
  PhaseResult p = api.run_phase(1000, 5s, 3s);
  std::printf(
      "| %s | %zu users, %zu positions (seeded in %.0f s) | idle %.1f MB | after 5 s at 1000/s: RSS %.1f MB, peak %.1f "
      "MB "
      "| p99 %.2f ms | %s |\n",
      backend.c_str(), kUsers, o.memory_positions, seed_s, idle_rss, proc_mb(bot.pid(), "VmRSS"),
      proc_mb(bot.pid(), "VmHWM"), percentile(p.latencies_ms, 0.99),
      proc_mb(bot.pid(), "VmHWM") <= 100 ? "≤ 100 MB: met" : "> 100 MB: NOT met");
  std::fflush(stdout);
  bot.signal(SIGTERM);
  if (!bot.wait_exit(10s)) bot.signal(SIGKILL);
  drop_database(db, o);
}

constexpr const char* kUsage =
    "kt_bench_e2e_load: many users against the real `kitrader run` through a loopback Bot API\n"
    "(docs/benchmarks.md, issue 7). Every option takes a value; lists are comma-separated.\n"
    "  --backends sqlite,pg     storages to measure (default both; pg needs KITRADER_PG_TEST_DSN or --pg-dsn)\n"
    "  --users 1000,100000      registered users seeded before each backend's runs\n"
    "  --rates 500,...,5000     updates/s offered, each for --seconds (stops rising below 70 % answered)\n"
    "  --modes polling,webhook  how the bot receives updates (default polling)\n"
    "  --seconds 5              length of each rate's run, 1-60\n"
    "  --workers 8              the bot's worker shards\n"
    "  --calls-in-flight N      telegram.calls_in_flight (default: the bot's automatic count)\n"
    "  --call-delay-ms 0        the fake's round trip for each call but getUpdates (a local Bot API server)\n"
    "  --pool-size N            database.pool_size for PostgreSQL (default: the bot's)\n"
    "  --memory-positions N     positions stored for the resident-memory check (default 1000000; 0 skips it)\n"
    "  --pg-dsn DSN             PostgreSQL to create throwaway databases in\n"
    "Environment: KT_KITRADER_BINARY runs another build of kitrader; KT_LOAD_TRACE=1 traces each getUpdates.\n";

}  // namespace
}  // namespace kt::bench

int main(int argc, char** argv) {
  using namespace kt::bench;
  Options o;
  if (const char* dsn = std::getenv("KITRADER_PG_TEST_DSN")) o.pg_dsn = dsn;
  const int status = parse_cli(argc, argv, kUsage, [&](const std::string& key, const std::string& value) {
    if (key == "--backends")
      o.backends = cli_choices(key, value, {"sqlite", "pg"});
    else if (key == "--users")
      o.users = cli_numbers<std::size_t>(key, value, 1, 10'000'000);
    else if (key == "--rates")
      o.rates = cli_numbers<double>(key, value, 1, 100'000);
    else if (key == "--modes")
      o.modes = cli_choices(key, value, {"polling", "webhook"});
    else if (key == "--seconds")
      o.seconds = cli_number<int>(key, value, 1, 60);
    else if (key == "--pool-size")
      o.pool_size = cli_number<int>(key, value, 0, 1'000);
    else if (key == "--workers")
      o.workers = cli_number<int>(key, value, 1, 256);
    else if (key == "--calls-in-flight")
      o.calls_in_flight = cli_number<int>(key, value, 1, 1024);
    else if (key == "--call-delay-ms")
      o.call_delay_ms = cli_number<int>(key, value, 0, 10'000);
    else if (key == "--memory-positions")
      o.memory_positions = cli_number<std::size_t>(key, value, 0, 100'000'000);
    else if (key == "--pg-dsn")
      o.pg_dsn = value;
    else
      throw CliError("unknown option " + key);
  });
  if (status >= 0) return status;
  kt::e2e::TempDir dir("e2e_load");
  std::printf(
      "kitrader run, %d workers, pacing off, demo prices, %d s per rate; latency = update available → first reply "
      "received\n\n",
      o.workers, o.seconds);
  print_header();
  for (const auto& backend : o.backends) {
    if (backend == "pg" && o.pg_dsn.empty()) {
      std::printf("| - | pg | skipped: set KITRADER_PG_TEST_DSN or --pg-dsn (scripts/pg-test-cluster start DIR) |\n");
      continue;
    }
    for (const auto& mode : o.modes) {
      for (std::size_t users : o.users) run_backend(mode, backend, users, o, dir.path());
    }
  }
  if (o.memory_positions > 0) {
    std::printf("\n| backend | stored | bot RSS idle | under load | latency | goal |\n|---|---|---|---|---|---|\n");
    // SQLite: its page cache lives in the bot's own process, the harder case for resident memory.
    run_memory_check("sqlite", o, dir.path());
  }
  return 0;
}
