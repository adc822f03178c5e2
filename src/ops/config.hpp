#pragma once
// Typed configuration: every key with its default, loaded once at start from TOML plus environment
// overrides (KITRADER_<SECTION>_<KEY>), validated in one pass that reports every problem at once.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/money.hpp"

namespace kt::ops {

using Seconds = std::chrono::seconds;

/// [database]
struct DatabaseConfig {
  std::string url = "sqlite://data/kitrader.db";  ///< sqlite://PATH or postgresql://...
  int pool_size = 4;
  Millis query_timeout{5000};  ///< database.query_timeout_ms

  bool operator==(const DatabaseConfig&) const = default;
};

/// [telegram]
struct TelegramConfig {
  std::string token;                 ///< secret; from telegram.token, TELEGRAM_BOT_TOKEN or the token file
  std::string token_file;            ///< file holding the token; must not be group/other readable
  std::vector<std::int64_t> admins;  ///< Telegram user ids that are admins
  std::string api_url = "https://api.telegram.org";
  std::string mode = "polling";  ///< "polling" or "webhook"
  std::string webhook_listen = "127.0.0.1:8443";
  std::string webhook_url;
  std::string webhook_secret;  ///< secret
  int workers = 4;
  int global_rate_per_sec = 30;
  bool pacing_enabled = true;
  int calls_in_flight = 0;  ///< concurrent Bot API calls; 0: chosen from the pacing settings

  bool operator==(const TelegramConfig&) const = default;
};

/// trading.position_limit_sol.*: the largest single position per role.
struct PositionLimits {
  Lamports basic = Lamports::from_sol(100);
  Lamports premium = Lamports::from_sol(1000);
  std::optional<Lamports> admin;  ///< nullopt = unlimited

  bool operator==(const PositionLimits&) const = default;
};

/// [trading]
struct TradingConfig {
  Lamports initial_balance = Lamports::from_sol(1000);  ///< trading.initial_balance_sol
  Lamports min_position{10'000'000};                    ///< trading.min_position_sol (0.01)
  PositionLimits position_limit;                        ///< trading.position_limit_sol.*
  int max_open_positions = 20;
  std::int64_t fee_ppm = 2500;  ///< trading.fee as parts per million (0.0025 = 2500)
  int slippage_bps = 50;
  Lamports network_fee{100'000};  ///< trading.network_fee_sol (0.0001)
  Millis quote_reuse{2000};       ///< trading.quote_reuse_ms

  bool operator==(const TradingConfig&) const = default;
};

/// [prices]
struct PricesConfig {
  std::vector<std::string> sources = {"pumpfun", "dexscreener", "jupiter"};  ///< best first
  std::string replay_file;                                                   ///< CSV for the "replay" source
  Seconds max_age{90};  ///< prices.max_age_seconds: older quotes are not traded on
  std::string dexscreener_url = "https://api.dexscreener.com";
  std::string jupiter_url = "https://lite-api.jup.ag";
  std::string jupiter_api_key;  ///< secret

  bool operator==(const PricesConfig&) const = default;
};

/// [solana]
struct SolanaConfig {
  std::vector<std::string> rpc_urls = {"https://api.mainnet-beta.solana.com"};
  int requests_per_second = 8;
  Millis timeout{10000};  ///< solana.timeout_ms
  int breaker_failures = 5;
  Seconds breaker_cooldown{30};  ///< solana.breaker_cooldown_seconds

  bool operator==(const SolanaConfig&) const = default;
};

/// [tracker]
struct TrackerConfig {
  Seconds interval{60};      ///< tracker.interval_seconds
  Seconds viewed_ttl{3600};  ///< tracker.viewed_ttl_seconds

  bool operator==(const TrackerConfig&) const = default;
};

/// [http]: /metrics and /healthz.
struct HttpConfig {
  std::string listen = "127.0.0.1:9464";  ///< "" disables the endpoint

  bool operator==(const HttpConfig&) const = default;
};

/// [log]
struct LogConfig {
  std::string level = "info";  ///< trace, debug, info, warn, error, critical, off
  std::string dir;             ///< "" = stdout only
  int max_file_mb = 10;
  int max_files = 5;

  bool operator==(const LogConfig&) const = default;
};

/// The whole validated configuration; a default-constructed Config holds every default.
struct Config {
  DatabaseConfig database;
  TelegramConfig telegram;
  TradingConfig trading;
  PricesConfig prices;
  SolanaConfig solana;
  TrackerConfig tracker;
  HttpConfig http;
  LogConfig log;

  bool operator==(const Config&) const = default;
};

/// Loads defaults, then the TOML file (if given), then overrides from `env` (the process environment,
/// passed in): KITRADER_<SECTION>_<KEY> with dots as underscores, lists comma-separated, plus
/// TELEGRAM_BOT_TOKEN for telegram.token. Every invalid value and unknown TOML key is reported in one
/// fatal "E-CONFIG" error, one line per problem, each naming the key and the expected form.
Result<Config> load_config(const std::optional<std::string>& toml_path, const std::map<std::string, std::string>& env);

/// Every key the loader knows ("database.url", "trading.position_limit_sol.basic", ...), in order.
std::vector<std::string> config_keys();
/// The environment variable that overrides `key`: "trading.fee" → "KITRADER_TRADING_FEE".
std::string env_name_for(const std::string& key);
/// KITRADER_* variables in `env` that match no key (likely typos), for a start-up warning.
std::vector<std::string> unknown_env_overrides(const std::map<std::string, std::string>& env);

/// Refuses a secret file whose permission bits (st_mode) let group or others read it.
Result<void> check_secret_file_mode(unsigned mode, const std::string& path);

/// One "key = value" line per key; secrets as "***" (or "(unset)"), URL passwords and query strings masked.
std::string describe_config_redacted(const Config& config);

/// `--demo`: trade against the deterministic simulated market only.
void apply_demo_mode(Config& config);

}  // namespace kt::ops
