// Validation: every problem is reported at once, with its key and the expected form.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "ops/config.hpp"
#include "ops/config_test_util.hpp"

namespace kt::ops {
namespace {

using testing::ScratchDir;
using Env = std::map<std::string, std::string>;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Error load_error(const std::optional<std::string>& path, const Env& env) {
  auto config = load_config(path, env);
  EXPECT_FALSE(config.ok());
  return config.ok() ? Error{} : config.error();
}

TEST(ConfigValidation, bad_fee_names_the_key_the_expected_form_and_the_origin) {
  const Error e = load_error(std::nullopt, {{"KITRADER_TRADING_FEE", "abc"}});
  EXPECT_EQ(e.kind, ErrorKind::kFatal);
  EXPECT_EQ(e.code, "E-CONFIG");
  EXPECT_EQ(e.message,
            "trading.fee: expected a fraction between 0 and 0.1 such as 0.0025 (at most 6 decimals), got \"abc\" "
            "(env KITRADER_TRADING_FEE)");
}

TEST(ConfigValidation, calls_in_flight_out_of_range_is_refused_with_its_bounds) {
  const Error e = load_error(std::nullopt, {{"KITRADER_TELEGRAM_CALLS_IN_FLIGHT", "5000"}});
  EXPECT_EQ(e.code, "E-CONFIG");
  EXPECT_NE(e.message.find("telegram.calls_in_flight"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("1024"), std::string::npos) << e.message;
}

TEST(ConfigValidation, several_bad_values_are_all_reported_at_once) {
  ScratchDir dir("config-many");
  const auto path =
      dir.write("k.toml", "[database]\npool_size = 0\n[log]\nlevel = \"loud\"\n[trading]\nslippage_bps = -1\n");
  const Error e = load_error(path, {{"KITRADER_TRADING_FEE", "0.5"},
                                    {"KITRADER_TELEGRAM_ADMINS", "12,abc"},
                                    {"KITRADER_HTTP_LISTEN", "localhost"},
                                    {"KITRADER_TRADING_NETWORK_FEE_SOL", "-0.1"}});
  const auto lines = lines_of(e.message);
  ASSERT_EQ(lines.size(), 7u) << e.message;
  EXPECT_EQ(lines[0], "database.pool_size: expected an integer from 1 to 256, got \"0\" (line 2)");
  EXPECT_EQ(lines[1],
            "telegram.admins: expected a list of Telegram user ids such as [123456789], got \"12,abc\" "
            "(env KITRADER_TELEGRAM_ADMINS)");
  EXPECT_TRUE(lines[2].starts_with("trading.fee: expected a fraction between 0 and 0.1")) << lines[2];
  EXPECT_EQ(lines[3], "trading.slippage_bps: expected an integer from 0 to 5000, got \"-1\" (line 6)");
  EXPECT_TRUE(lines[4].starts_with("trading.network_fee_sol: expected a SOL amount from 0 to 1")) << lines[4];
  EXPECT_TRUE(lines[5].starts_with("http.listen: expected empty (disabled) or HOST:PORT")) << lines[5];
  EXPECT_EQ(lines[6],
            "log.level: expected one of trace, debug, info, warn, error, critical, off, got \"loud\" (line 4)");
}

TEST(ConfigValidation, unknown_keys_are_reported_with_a_suggestion) {
  ScratchDir dir("config-unknown");
  const auto path =
      dir.write("k.toml", "[trading]\nfees = 0.001\n[trading.position_limit]\nbasic = 5\n[nonsense]\nx = 1\n");
  const auto lines = lines_of(load_error(path, {}).message);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "trading.fees: unknown key (line 2); did you mean trading.fee?");
  EXPECT_EQ(lines[1],
            "trading.position_limit.basic: unknown key (line 4); did you mean trading.position_limit_sol.basic?");
  EXPECT_EQ(lines[2], "nonsense.x: unknown key (line 6)");
}

TEST(ConfigValidation, wrong_toml_types_are_named) {
  ScratchDir dir("config-types");
  const auto path = dir.write("k.toml", "[database]\nurl = 5\n[prices]\nsources = \"demo\"\n");
  const auto lines = lines_of(load_error(path, {}).message);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "database.url: expected sqlite://PATH or postgresql://USER@HOST/DB, got an integer (line 2)");
  EXPECT_EQ(lines[1],
            "prices.sources: expected a non-empty list of demo, replay, pumpfun, dexscreener, jupiter, "
            "got a string (line 4)");
}

TEST(ConfigValidation, toml_syntax_error_names_file_line_and_column) {
  ScratchDir dir("config-syntax");
  const auto path = dir.write("k.toml", "[trading]\nfee = = 1\n");
  const Error e = load_error(path, {});
  EXPECT_TRUE(e.message.starts_with("config file " + path + " line 2 column")) << e.message;
}

TEST(ConfigValidation, missing_file_is_a_clear_error) {
  const Error e = load_error(std::string("/nonexistent/kitrader.toml"), {});
  EXPECT_EQ(e.message, "config file /nonexistent/kitrader.toml: cannot read it (No such file or directory)");
}

TEST(ConfigExactness, sol_amounts_parse_to_exact_lamports) {
  auto c = load_config(std::nullopt, {{"KITRADER_TRADING_NETWORK_FEE_SOL", "0.0001"},
                                      {"KITRADER_TRADING_MIN_POSITION_SOL", "0.000000001"},
                                      {"KITRADER_TRADING_INITIAL_BALANCE_SOL", "123456.789123456"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->trading.network_fee.value, 100'000);
  EXPECT_EQ(c->trading.min_position.value, 1);
  EXPECT_EQ(c->trading.initial_balance.value, 123'456'789'123'456);
}

TEST(ConfigExactness, fee_parses_to_exact_parts_per_million) {
  auto fee = [](const std::string& text) {
    auto c = load_config(std::nullopt, {{"KITRADER_TRADING_FEE", text}});
    return c.ok() ? c->trading.fee_ppm : -1;
  };
  EXPECT_EQ(fee("0.0025"), 2500);
  EXPECT_EQ(fee("0.1"), 100'000);
  EXPECT_EQ(fee("0"), 0);
  EXPECT_EQ(fee("0.000001"), 1);
  EXPECT_EQ(fee("0.0000001"), -1);  // below one ppm: refused, not rounded
  EXPECT_EQ(fee("0.1000001"), -1);
  EXPECT_EQ(fee("0.25%"), -1);
}

TEST(ConfigExactness, fee_in_exponent_form_is_refused_with_the_expected_form) {
  const Error e = load_error(std::nullopt, {{"KITRADER_TRADING_FEE", "1e-3"}});
  EXPECT_EQ(e.message,
            "trading.fee: expected a fraction between 0 and 0.1 such as 0.0025 (at most 6 decimals), got \"1e-3\" "
            "(env KITRADER_TRADING_FEE)");
}

TEST(ConfigExactness, toml_float_fee_reads_back_as_its_shortest_decimal) {
  ScratchDir dir("config-float");
  const auto path = dir.write("k.toml", "[trading]\nfee = 0.0007\nnetwork_fee_sol = 0.000123456\n");
  auto c = load_config(path, {});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->trading.fee_ppm, 700);
  EXPECT_EQ(c->trading.network_fee.value, 123'456);
}

TEST(ConfigSources, demo_mixed_with_live_sources_is_refused) {
  const Error e = load_error(std::nullopt, {{"KITRADER_PRICES_SOURCES", "demo,jupiter"}});
  EXPECT_TRUE(
      e.message.starts_with("prices.sources: demo and replay are simulated and must not be mixed with live "
                            "sources"))
      << e.message;
}

TEST(ConfigSources, unknown_source_and_duplicates_are_refused) {
  EXPECT_EQ(load_error(std::nullopt, {{"KITRADER_PRICES_SOURCES", "demo,birdeye"}}).message,
            "prices.sources: expected a non-empty list of demo, replay, pumpfun, dexscreener, jupiter, got "
            "\"demo,birdeye\" (env KITRADER_PRICES_SOURCES)");
  EXPECT_EQ(load_error(std::nullopt, {{"KITRADER_PRICES_SOURCES", "jupiter,jupiter"}}).message,
            "prices.sources: \"jupiter\" is listed twice");
  EXPECT_FALSE(load_config(std::nullopt, {{"KITRADER_PRICES_SOURCES", ""}}).ok());
}

TEST(ConfigSources, replay_requires_a_replay_file) {
  EXPECT_EQ(load_error(std::nullopt, {{"KITRADER_PRICES_SOURCES", "replay"}}).message,
            "prices.replay_file: required when prices.sources includes replay; expected a CSV file path");
  EXPECT_TRUE(
      load_config(std::nullopt, {{"KITRADER_PRICES_SOURCES", "replay"}, {"KITRADER_PRICES_REPLAY_FILE", "p.csv"}})
          .ok());
}

TEST(ConfigCross, webhook_mode_needs_a_webhook_url) {
  EXPECT_TRUE(load_error(std::nullopt, {{"KITRADER_TELEGRAM_MODE", "webhook"}})
                  .message.starts_with("telegram.webhook_url: required when telegram.mode is webhook"));
}

TEST(ConfigCross, minimum_position_above_a_role_limit_is_refused) {
  EXPECT_EQ(load_error(std::nullopt, {{"KITRADER_TRADING_MIN_POSITION_SOL", "150"}}).message,
            "trading.min_position_sol: 150 is above trading.position_limit_sol.basic (100)");
}

TEST(ConfigCross, quote_reuse_above_the_price_age_limit_is_refused) {
  EXPECT_EQ(load_error(std::nullopt, {{"KITRADER_PRICES_MAX_AGE_SECONDS", "1"}}).message,
            "trading.quote_reuse_ms: 2000 is above prices.max_age_seconds (1 s); a reused quote would be refused as "
            "stale while prices are fine");
  EXPECT_TRUE(load_config(std::nullopt, {{"KITRADER_PRICES_MAX_AGE_SECONDS", "2"}}).ok());
}

TEST(ConfigSecrets, invalid_secret_values_are_not_echoed) {
  const Error e = load_error(std::nullopt, {{"KITRADER_TELEGRAM_WEBHOOK_SECRET", "has space hunter2"}});
  EXPECT_EQ(e.message.find("hunter2"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("telegram.webhook_secret: expected"), std::string::npos) << e.message;
}

TEST(ConfigTokenFile, mode_check_refuses_group_or_other_readable_files) {
  EXPECT_TRUE(check_secret_file_mode(S_IFREG | 0600, "t").ok());
  EXPECT_TRUE(check_secret_file_mode(S_IFREG | 0400, "t").ok());
  EXPECT_TRUE(check_secret_file_mode(S_IFREG | 0620, "t").ok());  // group-writable is not a leak
  EXPECT_FALSE(check_secret_file_mode(S_IFREG | 0640, "t").ok());
  EXPECT_FALSE(check_secret_file_mode(S_IFREG | 0604, "t").ok());
  const auto refused = check_secret_file_mode(S_IFREG | 0644, "/etc/kt/token");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(
      refused.error().message,
      "/etc/kt/token is readable by group or others (mode 0644); expected mode 0600 or 0400 (chmod 600 /etc/kt/token)");
}

TEST(ConfigTokenFile, token_is_read_from_a_private_file_and_refused_from_a_readable_one) {
  ScratchDir dir("config-token");
  const auto path = dir.write("token", "123456:FROM-FILE\n");
  ::chmod(path.c_str(), 0600);
  auto c = load_config(std::nullopt, {{"KITRADER_TELEGRAM_TOKEN_FILE", path}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->telegram.token, "123456:FROM-FILE");

  ::chmod(path.c_str(), 0644);
  EXPECT_EQ(load_error(std::nullopt, {{"KITRADER_TELEGRAM_TOKEN_FILE", path}}).message,
            "telegram.token_file: " + path +
                " is readable by group or others (mode 0644); expected mode 0600 or 0400 "
                "(chmod 600 " +
                path + ")");
}

TEST(ConfigTokenFile, token_and_token_file_together_are_refused) {
  ScratchDir dir("config-token-both");
  const auto path = dir.write("token", "123456:FROM-FILE\n");
  ::chmod(path.c_str(), 0600);
  EXPECT_EQ(load_error(std::nullopt, {{"KITRADER_TELEGRAM_TOKEN_FILE", path}, {"TELEGRAM_BOT_TOKEN", "1:x"}}).message,
            "telegram.token_file: set either telegram.token (or TELEGRAM_BOT_TOKEN) or telegram.token_file, not both");
}

}  // namespace
}  // namespace kt::ops
