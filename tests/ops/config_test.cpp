// Loading: defaults, TOML values, environment overrides, the example file, the redacted description.
#include <gtest/gtest.h>

#include <set>

#include "ops/config.hpp"
#include "ops/config_test_util.hpp"

namespace kt::ops {
namespace {

using testing::ScratchDir;
using Env = std::map<std::string, std::string>;

Config load_ok(const std::optional<std::string>& path, const Env& env) {
  auto config = load_config(path, env);
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
  return config.ok() ? *config : Config{};
}

TEST(ConfigDefaults, without_file_or_env_every_default_applies) {
  const Config c = load_ok(std::nullopt, {});
  EXPECT_EQ(c, Config{});
  EXPECT_EQ(c.database.url, "sqlite://data/kitrader.db");
  EXPECT_EQ(c.database.pool_size, 4);
  EXPECT_EQ(c.database.query_timeout, Millis{5000});
  EXPECT_EQ(c.telegram.token, "");
  EXPECT_TRUE(c.telegram.admins.empty());
  EXPECT_EQ(c.telegram.api_url, "https://api.telegram.org");
  EXPECT_EQ(c.telegram.mode, "polling");
  EXPECT_EQ(c.telegram.webhook_listen, "127.0.0.1:8443");
  EXPECT_EQ(c.telegram.workers, 4);
  EXPECT_EQ(c.telegram.global_rate_per_sec, 30);
  EXPECT_TRUE(c.telegram.pacing_enabled);
  EXPECT_EQ(c.telegram.calls_in_flight, 0) << "automatic";
  EXPECT_EQ(c.trading.initial_balance.value, 1'000'000'000'000);
  EXPECT_EQ(c.trading.min_position.value, 10'000'000);
  EXPECT_EQ(c.trading.position_limit.basic.value, 100'000'000'000);
  EXPECT_EQ(c.trading.position_limit.premium.value, 1'000'000'000'000);
  EXPECT_FALSE(c.trading.position_limit.admin.has_value());
  EXPECT_EQ(c.trading.max_open_positions, 20);
  EXPECT_EQ(c.trading.fee_ppm, 2500);
  EXPECT_EQ(c.trading.slippage_bps, 50);
  EXPECT_EQ(c.trading.network_fee.value, 100'000);
  EXPECT_EQ(c.trading.quote_reuse, Millis{2000});
  EXPECT_EQ(c.prices.sources, (std::vector<std::string>{"pumpfun", "dexscreener", "jupiter"}));
  EXPECT_EQ(c.prices.max_age, Seconds{90});
  EXPECT_EQ(c.prices.dexscreener_url, "https://api.dexscreener.com");
  EXPECT_EQ(c.prices.jupiter_url, "https://lite-api.jup.ag");
  EXPECT_EQ(c.solana.rpc_urls, std::vector<std::string>{"https://api.mainnet-beta.solana.com"});
  EXPECT_EQ(c.solana.requests_per_second, 8);
  EXPECT_EQ(c.solana.timeout, Millis{10000});
  EXPECT_EQ(c.solana.breaker_failures, 5);
  EXPECT_EQ(c.solana.breaker_cooldown, Seconds{30});
  EXPECT_EQ(c.tracker.interval, Seconds{60});
  EXPECT_EQ(c.tracker.viewed_ttl, Seconds{3600});
  EXPECT_EQ(c.http.listen, "127.0.0.1:9464");
  EXPECT_EQ(c.log.level, "info");
  EXPECT_EQ(c.log.dir, "");
  EXPECT_EQ(c.log.max_file_mb, 10);
  EXPECT_EQ(c.log.max_files, 5);
}

TEST(ConfigToml, values_from_the_file_are_typed_and_exact) {
  ScratchDir dir("config-toml");
  const auto path = dir.write("k.toml", R"(
[database]
url = "postgresql://bot@db.internal/kitrader"
pool_size = 16
[telegram]
admins = [111, 222]
mode = "webhook"
webhook_url = "https://bot.example.org/tg"
pacing_enabled = false
[trading]
initial_balance_sol = 250.5
min_position_sol = "0.000000001"
fee = 0.001
network_fee_sol = 0.000005
[trading.position_limit_sol]
basic = 50
admin = 5000
[prices]
sources = ["dexscreener"]
max_age_seconds = 30
[http]
listen = ""
)");
  const Config c = load_ok(path, {});
  EXPECT_EQ(c.database.url, "postgresql://bot@db.internal/kitrader");
  EXPECT_EQ(c.database.pool_size, 16);
  EXPECT_EQ(c.telegram.admins, (std::vector<std::int64_t>{111, 222}));
  EXPECT_EQ(c.telegram.mode, "webhook");
  EXPECT_FALSE(c.telegram.pacing_enabled);
  EXPECT_EQ(c.trading.initial_balance.value, 250'500'000'000);
  EXPECT_EQ(c.trading.min_position.value, 1);
  EXPECT_EQ(c.trading.fee_ppm, 1000);
  EXPECT_EQ(c.trading.network_fee.value, 5000);
  EXPECT_EQ(c.trading.position_limit.basic.value, 50'000'000'000);
  EXPECT_EQ(c.trading.position_limit.premium.value, 1'000'000'000'000);  // untouched default
  ASSERT_TRUE(c.trading.position_limit.admin.has_value());
  EXPECT_EQ(c.trading.position_limit.admin->value, 5'000'000'000'000);
  EXPECT_EQ(c.prices.sources, std::vector<std::string>{"dexscreener"});
  EXPECT_EQ(c.prices.max_age, Seconds{30});
  EXPECT_EQ(c.http.listen, "");
}

TEST(ConfigEnv, environment_overrides_win_over_the_file) {
  ScratchDir dir("config-env");
  const auto path =
      dir.write("k.toml", "[trading]\nfee = 0.001\nslippage_bps = 10\n[database]\nurl = \"sqlite://a.db\"\n");
  const Config c = load_ok(path, {{"KITRADER_TRADING_FEE", "0.0025"},
                                  {"KITRADER_DATABASE_URL", "sqlite://b.db"},
                                  {"KITRADER_TRADING_POSITION_LIMIT_SOL_BASIC", "7.5"},
                                  {"KITRADER_TRADING_POSITION_LIMIT_SOL_ADMIN", "unlimited"},
                                  {"KITRADER_TELEGRAM_PACING_ENABLED", "false"},
                                  {"KITRADER_TELEGRAM_CALLS_IN_FLIGHT", "200"}});
  EXPECT_EQ(c.trading.fee_ppm, 2500);
  EXPECT_EQ(c.trading.slippage_bps, 10);  // from the file, not overridden
  EXPECT_EQ(c.database.url, "sqlite://b.db");
  EXPECT_EQ(c.trading.position_limit.basic.value, 7'500'000'000);
  EXPECT_FALSE(c.trading.position_limit.admin.has_value());
  EXPECT_FALSE(c.telegram.pacing_enabled);
  EXPECT_EQ(c.telegram.calls_in_flight, 200);
}

TEST(ConfigEnv, lists_come_comma_separated_with_spaces_trimmed) {
  const Config c = load_ok(std::nullopt, {{"KITRADER_PRICES_SOURCES", "demo"},
                                          {"KITRADER_TELEGRAM_ADMINS", "42, 43 ,44"},
                                          {"KITRADER_SOLANA_RPC_URLS", "https://a.example,http://127.0.0.1:8899"}});
  EXPECT_EQ(c.prices.sources, std::vector<std::string>{"demo"});
  EXPECT_EQ(c.telegram.admins, (std::vector<std::int64_t>{42, 43, 44}));
  EXPECT_EQ(c.solana.rpc_urls, (std::vector<std::string>{"https://a.example", "http://127.0.0.1:8899"}));
}

TEST(ConfigEnv, empty_list_variable_clears_the_admins) {
  ScratchDir dir("config-env-empty");
  const auto path = dir.write("k.toml", "[telegram]\nadmins = [1]\n");
  EXPECT_TRUE(load_ok(path, {{"KITRADER_TELEGRAM_ADMINS", ""}}).telegram.admins.empty());
}

TEST(ConfigEnv, telegram_bot_token_sets_the_token_and_the_prefixed_name_wins) {
  EXPECT_EQ(load_ok(std::nullopt, {{"TELEGRAM_BOT_TOKEN", "123:abc"}}).telegram.token, "123:abc");
  EXPECT_EQ(
      load_ok(std::nullopt, {{"TELEGRAM_BOT_TOKEN", "123:abc"}, {"KITRADER_TELEGRAM_TOKEN", "456:def"}}).telegram.token,
      "456:def");
}

TEST(ConfigEnv, env_names_follow_the_documented_rule) {
  EXPECT_EQ(env_name_for("trading.fee"), "KITRADER_TRADING_FEE");
  EXPECT_EQ(env_name_for("trading.position_limit_sol.basic"), "KITRADER_TRADING_POSITION_LIMIT_SOL_BASIC");
  EXPECT_EQ(env_name_for("prices.sources"), "KITRADER_PRICES_SOURCES");
}

TEST(ConfigEnv, unknown_prefixed_variables_are_listed_for_a_warning) {
  const auto unknown =
      unknown_env_overrides({{"KITRADER_TRADING_FEES", "1"}, {"KITRADER_TRADING_FEE", "0.1"}, {"HOME", "/root"}});
  EXPECT_EQ(unknown, std::vector<std::string>{"KITRADER_TRADING_FEES"});
}

TEST(ConfigExample, example_file_parses_and_equals_the_defaults) {
  const Config c = load_ok(std::string(KT_SOURCE_DIR) + "/deploy/kitrader.example.toml", {});
  EXPECT_EQ(c, Config{});
  EXPECT_EQ(describe_config_redacted(c), describe_config_redacted(Config{}));
}

TEST(ConfigExample, example_file_documents_every_key) {
  std::ifstream in(std::string(KT_SOURCE_DIR) + "/deploy/kitrader.example.toml");
  std::string section, line;
  std::set<std::string> documented;
  while (std::getline(in, line)) {
    if (line.starts_with("["))
      section = line.substr(1, line.find(']') - 1);
    else if (!line.empty() && line[0] != '#' && line.find('=') != std::string::npos) {
      std::string key = line.substr(0, line.find_first_of(" ="));
      documented.insert(section + "." + key);
      EXPECT_NE(line.find('#'), std::string::npos) << "no comment on " << section << "." << key;
    }
  }
  for (const auto& key : config_keys()) EXPECT_TRUE(documented.contains(key)) << key << " missing from the example";
  EXPECT_EQ(documented.size(), config_keys().size());
}

TEST(ConfigDescribe, secrets_never_appear_and_urls_are_masked) {
  Config c;
  c.telegram.token = "123456:SECRET-TOKEN";
  c.prices.jupiter_api_key = "jup-SECRET";
  c.database.url = "postgresql://bot:hunter2@db/kitrader";
  c.solana.rpc_urls = {"https://rpc.example/?api-key=SECRET", "https://plain.example"};
  const std::string text = describe_config_redacted(c);
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_NE(text.find("telegram.token = ***\n"), std::string::npos) << text;
  EXPECT_NE(text.find("telegram.webhook_secret = (unset)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("database.url = \"postgresql://bot:***@db/kitrader\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("solana.rpc_urls = [\"https://rpc.example/?***\", \"https://plain.example\"]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("trading.fee = 0.0025\n"), std::string::npos) << text;
  EXPECT_NE(text.find("trading.position_limit_sol.admin = \"unlimited\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("trading.network_fee_sol = 0.0001\n"), std::string::npos) << text;
}

TEST(ConfigDemo, demo_mode_uses_only_the_demo_source) {
  Config c;
  apply_demo_mode(c);
  EXPECT_EQ(c.prices.sources, std::vector<std::string>{"demo"});
}

}  // namespace
}  // namespace kt::ops
