#include "ops/logging.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kt::ops {
namespace {

namespace fs = std::filesystem;

const std::string kToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";  // 35 characters after ':'

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct LogDir : ::testing::Test {
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("kt-log-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
  }
  void TearDown() override {
    spdlog::drop_all();
    fs::remove_all(dir);
  }
};

TEST(Redactor, replaces_secrets_and_token_shaped_text) {
  Redactor r({"hunter2-password"});
  EXPECT_EQ(r.redact("db pw hunter2-password end"), "db pw <redacted> end");
  EXPECT_EQ(r.redact("url https://api.telegram.org/bot" + kToken + "/getMe"),
            "url https://api.telegram.org/bot<redacted>/getMe");
  EXPECT_EQ(r.redact("time 12:30:45 id 1234567:short"), "time 12:30:45 id 1234567:short");
  EXPECT_EQ(r.redact("1234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"), "1234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1");
}

TEST(Redactor, handles_url_passwords) {
  EXPECT_EQ(url_password("postgresql://kt:p%40ss@db:5432/kitrader"), "p@ss");
  EXPECT_EQ(url_password("postgresql://db/kitrader?user=kt&password=s3cret&sslmode=require"), "s3cret");
  EXPECT_EQ(url_password("postgresql://kt@db/kitrader"), "");
  EXPECT_EQ(strip_url_password("postgresql://kt:p%40ss@db:5432/kitrader"), "postgresql://kt@db:5432/kitrader");
  EXPECT_EQ(strip_url_password("postgresql://db/k?user=kt&password=s3cret&sslmode=require"),
            "postgresql://db/k?user=kt&sslmode=require");
  EXPECT_EQ(strip_url_password("postgresql://db/k?password=s3cret"), "postgresql://db/k");
}

TEST(Redactor, secrets_of_config_covers_token_keys_and_db_password) {
  Config c;
  c.telegram.token = kToken;
  c.prices.jupiter_api_key = "jup-key";
  c.database.url = "postgresql://kt:p%40ss@db/kitrader";
  const auto s = secrets_of(c);
  EXPECT_EQ(s, (std::vector<std::string>{kToken, "jup-key", "p%40ss", "p@ss"}));
}

TEST_F(LogDir, writes_component_lines_to_main_and_error_files_with_secrets_redacted) {
  LogConfig config;
  config.dir = dir.string();
  config.level = "debug";
  auto logging = Logging::setup(config, {"db-Passw0rd"}, LogOutputs{false});
  ASSERT_TRUE(logging.ok()) << logging.error().message;
  spdlog::get("telegram")->info("calling https://api.telegram.org/bot{}/getMe", kToken);
  spdlog::get("storage")->error("connect failed for postgresql://kt:db-Passw0rd@db/k");
  spdlog::get("app")->debug("two\nlines");
  spdlog::get("engine")->trace("not shown at debug level");
  (*logging)->flush();

  const std::string main_log = read_file(dir / "kitrader.log");
  const std::string error_log = read_file(dir / "kitrader-error.log");
  EXPECT_EQ(main_log.find(kToken), std::string::npos) << main_log;
  EXPECT_EQ(main_log.find("db-Passw0rd"), std::string::npos) << main_log;
  EXPECT_EQ(error_log.find("db-Passw0rd"), std::string::npos) << error_log;
  EXPECT_NE(main_log.find("[info] [telegram] calling https://api.telegram.org/bot<redacted>/getMe\n"),
            std::string::npos)
      << main_log;
  EXPECT_NE(main_log.find("[error] [storage] connect failed for postgresql://kt:<redacted>@db/k\n"), std::string::npos);
  EXPECT_NE(main_log.find("[debug] [app] two\\nlines\n"), std::string::npos) << main_log;
  EXPECT_EQ(main_log.find("not shown"), std::string::npos);
  EXPECT_EQ(std::count(main_log.begin(), main_log.end(), '\n'), 3);
  // The error file holds only error and above.
  EXPECT_EQ(std::count(error_log.begin(), error_log.end(), '\n'), 1) << error_log;
  EXPECT_NE(error_log.find("[error] [storage]"), std::string::npos);
}

TEST_F(LogDir, default_logger_is_app_and_added_secrets_apply) {
  LogConfig config;
  config.dir = dir.string();
  auto logging = Logging::setup(config, {}, LogOutputs{false});
  ASSERT_TRUE(logging.ok());
  (*logging)->add_secret("late-secret");
  spdlog::info("value late-secret");
  (*logging)->flush();
  EXPECT_NE(read_file(dir / "kitrader.log").find("[info] [app] value <redacted>\n"), std::string::npos);
  EXPECT_EQ(component_logger("tracker")->name(), "tracker");
}

TEST_F(LogDir, reopen_recreates_files_moved_away_by_logrotate) {
  LogConfig config;
  config.dir = dir.string();
  auto logging = Logging::setup(config, {}, LogOutputs{false});
  ASSERT_TRUE(logging.ok());
  spdlog::get("app")->info("before rotation");
  fs::rename(dir / "kitrader.log", dir / "kitrader.log.1");
  ASSERT_TRUE((*logging)->reopen().ok());
  spdlog::get("app")->info("after rotation");
  (*logging)->flush();
  EXPECT_NE(read_file(dir / "kitrader.log.1").find("before rotation"), std::string::npos);
  const std::string fresh = read_file(dir / "kitrader.log");
  EXPECT_NE(fresh.find("after rotation"), std::string::npos);
  EXPECT_EQ(fresh.find("before rotation"), std::string::npos);
}

TEST_F(LogDir, unwritable_log_dir_is_a_fatal_error) {
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "x";
  LogConfig config;
  config.dir = (dir / "file" / "sub").string();
  auto logging = Logging::setup(config, {}, LogOutputs{false});
  ASSERT_FALSE(logging.ok());
  EXPECT_EQ(logging.error().code, "E-LOG");
}

}  // namespace
}  // namespace kt::ops
