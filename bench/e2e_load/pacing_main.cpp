// Pacing ON: does the bot keep Telegram's 30 messages/s saturated, and is it never the bottleneck?
// The real `kitrader run` (pacing enabled, default sender count) against the loopback Bot API,
// which answers every call only after a simulated round trip (Telegram from a server: 50–300 ms).
// Users send more commands than 30 replies/s can carry, so a backlog builds and the only limit
// left should be the pacing itself. Per round trip, it prints: the rate of rate-limited calls
// (sendMessage, editMessageText, sendPhoto) once the bucket's initial burst is spent, the most
// calls in any 1 s window after it, the shortest gap between two calls to one private chat, and
// the bot's CPU share.
//   kt_bench_pacing [--delays 50,150,300] [--rate 100] [--seconds 20] [--users 300]
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
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
constexpr std::int64_t kFirstUser = 20'000'000;
/// The bucket starts full (30 calls at once): the steady rate is measured after it is spent.
constexpr auto kBurstSettle = 3s;

struct Options {
  std::vector<int> delays_ms{50, 150, 300};
  double rate = 100;
  int seconds = 20;
  std::size_t users = 300;  ///< few enough that chats get several replies: per-chat pacing shows
};

/// utime + stime of a process, in seconds.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may contain spaces.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct PacingFigures {
  double steady_per_s = 0;      ///< paced calls/s from the end of the burst to the end of the phase
  std::size_t max_in_1s = 0;    ///< most paced calls in any 1 s window after the burst
  double min_chat_gap_ms = -1;  ///< shortest gap between two paced calls to one chat; -1: none had two
  std::size_t calls = 0;
};

PacingFigures measure(const PhaseResult& p, SteadyTime start, SteadyTime end) {
  PacingFigures f;
  std::vector<SteadyTime> steady;
  std::map<std::int64_t, SteadyTime> last_by_chat;
  double min_gap = 1e18;
  for (const auto& [at, chat] : p.paced_calls) {
    if (at > end) continue;
    ++f.calls;
    if (at >= start + kBurstSettle) steady.push_back(at);
    if (auto it = last_by_chat.find(chat); it != last_by_chat.end()) {
      min_gap = std::min(min_gap, std::chrono::duration<double, std::milli>(at - it->second).count());
    }
    last_by_chat[chat] = at;
  }
  std::sort(steady.begin(), steady.end());
  for (std::size_t i = 0, j = 0; i < steady.size(); ++i) {
    while (steady[i] - steady[j] >= 1s) ++j;
    f.max_in_1s = std::max(f.max_in_1s, i - j + 1);
  }
  const double window = std::chrono::duration<double>(end - (start + kBurstSettle)).count();
  f.steady_per_s = static_cast<double>(steady.size()) / window;
  f.min_chat_gap_ms = min_gap == 1e18 ? -1 : min_gap;
  return f;
}

void run(const Options& o, int delay_ms, const std::filesystem::path& dir) {
  const std::string tag = fmt::format("pacing_{}ms", delay_ms);
  const std::string db_url = "sqlite://" + (dir / (tag + ".db")).string();
  if (auto r = seed_database(db_url, kFirstUser, o.users, 0); !r.ok()) {
    std::fprintf(stderr, "seeding failed: %s\n", r.error().message.c_str());
    return;
  }
  LoadBotApi api(kToken, kFirstUser, o.users, Mix{}, 11);
  api.set_call_delay(std::chrono::milliseconds(delay_ms));
  const std::map<std::string, std::string> env{
      {"TELEGRAM_BOT_TOKEN", kToken},    {"KITRADER_TELEGRAM_API_URL", api.api_url()},
      {"KITRADER_DATABASE_URL", db_url}, {"KITRADER_PRICES_SOURCES", "demo"},
      {"KITRADER_HTTP_LISTEN", ""},      {"KITRADER_LOG_DIR", (dir / "logs").string()},
      {"KITRADER_LOG_LEVEL", "warn"},    {"KITRADER_TRADING_MAX_OPEN_POSITIONS", "10000"}};
  e2e::KitraderProcess bot({"run"}, env, dir, tag);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!api.bot_started() && std::chrono::steady_clock::now() < deadline && bot.running())
    std::this_thread::sleep_for(10ms);
  if (!api.bot_started()) {
    std::fprintf(stderr, "[%s] the bot did not start: %s\n", tag.c_str(), bot.err().c_str());
    return;
  }
  const double cpu_before = cpu_seconds(bot.pid());
  const auto start = std::chrono::steady_clock::now();
  const auto duration = std::chrono::seconds(o.seconds);
  PhaseResult p = api.run_phase(o.rate, duration, 0ms);
  const double cpu = cpu_seconds(bot.pid()) - cpu_before;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const PacingFigures f = measure(p, start, start + duration);
  std::printf("| %d | %.0f | %zu | %zu | %.1f | %zu | %.0f | %.1f %% | %s |\n", delay_ms, o.rate, p.released, f.calls,
              f.steady_per_s, f.max_in_1s, f.min_chat_gap_ms, 100.0 * cpu / wall,
              f.steady_per_s >= 29.0 ? "saturated" : "NOT saturated");
  std::fflush(stdout);
  bot.signal(SIGTERM);
  if (!bot.wait_exit(15s)) bot.signal(SIGKILL);
}

constexpr const char* kUsage =
    "kt_bench_pacing: with pacing on, does the bot keep Telegram's 30 messages/s saturated?\n"
    "(docs/benchmarks.md, issue 7). Every option takes a value.\n"
    "  --delays 50,150,300  simulated Bot API round trips in ms, one run each\n"
    "  --rate 100           updates/s offered, 1-10000\n"
    "  --seconds 20         length of each run, 5-300\n"
    "  --users 300          users (few, so that chats get several replies and per-chat pacing shows)\n";

}  // namespace
}  // namespace kt::bench

int main(int argc, char** argv) {
  using namespace kt::bench;
  Options o;
  const int status = parse_cli(argc, argv, kUsage, [&](const std::string& key, const std::string& value) {
    if (key == "--delays")
      o.delays_ms = cli_numbers<int>(key, value, 0, 10'000);
    else if (key == "--rate")
      o.rate = cli_number<double>(key, value, 1, 10'000);
    else if (key == "--seconds")
      o.seconds = cli_number<int>(key, value, 5, 300);
    else if (key == "--users")
      o.users = cli_number<std::size_t>(key, value, 1, 10'000'000);
    else
      throw CliError("unknown option " + key);
  });
  if (status >= 0) return status;
  kt::e2e::TempDir dir("pacing");
  std::printf(
      "kitrader run, pacing ON (30 messages/s, 1/s per private chat), SQLite, %zu users, %.0f updates/s offered for %d "
      "s; rate-limited calls = sendMessage + editMessageText + sendPhoto, steady = after the first %lld s\n\n",
      o.users, o.rate, o.seconds, static_cast<long long>(kBurstSettle.count()));
  std::printf(
      "| round trip ms | offered updates/s | updates released | rate-limited calls | steady calls/s (goal 30) | max in "
      "any "
      "1 s | shortest gap in one chat ms | bot CPU | verdict |\n|---|---|---|---|---|---|---|---|---|\n");
  for (int delay : o.delays_ms) run(o, delay, dir.path());
  return 0;
}
