// kitrader: the command-line entry point. Parses arguments, loads the configuration once, and
// hands over to the chosen mode.
#include <unistd.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <string>

#include "app/application.hpp"
#include "app/backup.hpp"
#include "app/console.hpp"
#include "app/contest_watch.hpp"
#include "app/doctor.hpp"
#include "app/market_loop.hpp"
#include "app/run_telegram.hpp"
#include "app/version.hpp"
#include "ops/config.hpp"

extern char** environ;

namespace {

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

kt::Result<kt::ops::Config> load(const std::string& config_path, bool demo) {
  const auto env = process_environment();
  // Warned about before validating, so a misspelt override shows up next to the errors it may explain.
  for (const auto& name : kt::ops::unknown_env_overrides(env)) {
    std::cerr << "warning: " << name << " matches no configuration key and is ignored\n";
  }
  auto config = kt::ops::load_config(config_path.empty() ? std::nullopt : std::optional<std::string>(config_path), env);
  if (!config) return config;
  if (demo) kt::ops::apply_demo_mode(*config);
  return config;
}

int fail(const kt::Error& error) {
  std::cerr << "kitrader: " << error.message << "\n";
  return error.kind == kt::ErrorKind::kFatal ? 2 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"KiTraderBot: paper trading of Solana tokens over Telegram, or in a local console."};
  cli.require_subcommand(1);
  // `kitrader console --config my.toml` works as well as `kitrader --config my.toml console`.
  cli.fallthrough();
  std::string config_path;
  cli.add_option("--config", config_path,
                 "TOML configuration file (every key can be overridden by KITRADER_<SECTION>_<KEY>)")
      ->check(CLI::ExistingFile);

  auto* console =
      cli.add_subcommand("console", "Trade from this terminal (reads commands from stdin, a terminal or a pipe)");
  bool demo = false;
  std::int64_t as_user = 1;
  std::string username = "console";
  std::int64_t at_unix = 0;
  console->add_flag("--demo", demo, "Use the deterministic simulated market (prices are labelled SIMULATED)");
  console->add_option("--as", as_user, "Telegram user id to act as (admins come from telegram.admins)");
  console->add_option("--username", username, "Username to act as");
  console->add_option("--at", at_unix, "Freeze the clock at this Unix time (seconds): reproducible demos and tests")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{253402300799}));  // up to the year 9999
  bool no_tracker = false;
  console->add_flag("--no-tracker", no_tracker, "Do not refresh prices or fill orders in the background");

  auto* run = cli.add_subcommand("run", "Run the Telegram bot (needs TELEGRAM_BOT_TOKEN or telegram.token_file)");
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  auto* version = cli.add_subcommand("version", "Print the version and exit");
  auto* doctor = cli.add_subcommand(
      "doctor", "Check config, database, RPC endpoints, price APIs and Telegram; exit 1 if a required check fails");
  auto* backup =
      cli.add_subcommand("backup", "Back up the database (SQLite online backup or pg_dump) and keep the newest N");
  kt::app::BackupOptions backup_options;
  backup->add_option("--dir", backup_options.dir, "Backup directory (default: backups/ next to the SQLite file)");
  backup->add_option("--keep", backup_options.keep, "Backups to keep, 0 = all")->check(CLI::NonNegativeNumber);
  backup->add_option("--pg-dump", backup_options.pg_dump, "pg_dump to run");

  CLI11_PARSE(cli, argc, argv);

  if (*version) {
    std::cout << "kitrader " << kt::app::kVersion << "\n";
    return 0;
  }
  auto config = load(config_path, console->parsed() && demo);
  if (!config) return fail(config.error());

  if (*doctor) return kt::app::run_doctor(*config, std::cout);
  if (*backup)
    return kt::app::run_backup_command(*config, backup_options, kt::SystemClock().now(), std::cout, std::cerr);

  if (*migrate) {
    auto repository = kt::app::open_and_migrate(*config);
    if (!repository) return fail(repository.error());
    auto versions = (*repository)->applied_migrations();
    if (!versions) return fail(versions.error());
    std::cout << "migrations applied: " << versions->size() << " (latest " << (versions->empty() ? 0 : versions->back())
              << ") on " << (*repository)->backend_name() << "\n";
    return 0;
  }

  kt::SystemClock system_clock;
  kt::ManualClock frozen_clock(kt::from_unix_millis(at_unix * 1000));
  const kt::Clock& clock = at_unix > 0 ? static_cast<const kt::Clock&>(frozen_clock) : system_clock;

  if (*console) {
    // Standard output is the conversation; logs go to standard error, warnings and worse only.
    auto console_log = spdlog::stderr_color_mt("app");
    console_log->set_level(spdlog::level::warn);
    spdlog::set_default_logger(console_log);
    auto app = kt::app::Application::build(*config, clock);
    if (!app) return fail(app.error());
    kt::app::ConsoleOptions options;
    options.telegram_id = as_user;
    options.username = username;
    options.interactive = isatty(STDIN_FILENO) != 0;
    std::mutex output_mutex;
    options.output_mutex = &output_mutex;
    // Orders fill while the console is open: the tracker runs and fills print as they happen.
    kt::app::MarketLoop market((**app), clock, kt::app::ConsoleNotifier(std::cout, output_mutex, options.picture_dir));
    if (!no_tracker) market.start();
    // Contests of Telegram groups sharing this database end on time here too. The ranking is shown
    // and stays stored as undelivered, so the next Telegram run still posts it to the group.
    kt::app::ContestWatch contests((*app)->dispatcher(),
                                   kt::app::ConsoleNotifier(std::cout, output_mutex, options.picture_dir));
    (*app)->dispatcher().set_contest_stopped_listener([&contests] { contests.wake(); });
    contests.start();
    if (options.interactive) {
      std::cout << "KiTraderBot console (" << (*app)->repository().backend_name() << ", prices: ";
      for (std::size_t i = 0; i < config->prices.sources.size(); ++i)
        std::cout << (i ? ", " : "") << config->prices.sources[i];
      std::cout << "). Type /help; Ctrl-D quits.\n";
    }
    const int code = kt::app::run_console((*app)->dispatcher(), std::cin, std::cout, options);
    contests.stop();
    (*app)->dispatcher().set_contest_stopped_listener({});
    market.stop();
    return code;
  }
  if (*run) {
    return kt::app::run_telegram(*config, clock);
  }
  return 0;
}
