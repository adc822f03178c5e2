// `kitrader doctor` against loopback fakes (RPC, DexScreener, Jupiter, Telegram) and temp SQLite files.
#include "app/doctor.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace kt::app {
namespace {

namespace fs = std::filesystem;

const std::string kToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
const std::string kWsol = "So11111111111111111111111111111111111111112";

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(KT_FIXTURES_DIR) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// One loopback server playing every remote the doctor talks to.
class FakeRemotes {
 public:
  FakeRemotes() {
    server_.Post("/rpc-ok", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.body.find("getHealth") != std::string::npos ? fixture("solana_getHealth_ok.json") : "{}",
                      "application/json");
    });
    server_.Post("/rpc-behind", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(fixture("solana_getHealth_unhealthy_behind_32005.json"), "application/json");
    });
    server_.Post("/rpc-429", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_content(fixture("solana_http429_rate_limit_body.json"), "application/json");
    });
    server_.Get("/dex/latest/dex/tokens/" + kWsol, [](const httplib::Request&, httplib::Response& res) {
      res.set_content(fixture("dexscreener_tokens_wsol_response.json"), "application/json");
    });
    server_.Get("/jup/price/v3", [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_param_value("ids") != "So11111111111111111111111111111111111111112") {
        res.status = 400;
        return;
      }
      if (req.get_header_value("x-api-key") != "jup-secret-key") {
        res.status = 401;
        return;
      }
      res.set_content(fixture("jupiter_price_v3_response.json"), "application/json");
    });
    server_.Post("/tg/bot" + kToken + "/getMe", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"ok":true,"result":{"id":4242,"is_bot":true,"first_name":"KT","username":"kt_test_bot"}})",
                      "application/json");
    });
    // Any other token: Telegram's 401 (a route, not the error handler, so the body is consumed).
    server_.Post(R"(/tg/.*)", [](const httplib::Request&, httplib::Response& res) {
      res.status = 401;
      res.set_content(fixture("telegram_error_401_unauthorized.json"), "application/json");
    });
    server_.set_keep_alive_max_count(1);  // stop() need not wait for idle keep-alive connections
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeRemotes() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

struct Doctor : ::testing::Test {
  FakeRemotes remotes;
  fs::path dir;
  ManualClock clock;
  DoctorDeps deps;

  void SetUp() override {
    dir = fs::temp_directory_path() / ("kt-doctor-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    deps.clock = &clock;
  }
  void TearDown() override { fs::remove_all(dir); }

  /// A migrated SQLite database file.
  std::string migrated_db() {
    const std::string path = (dir / "kt.db").string();
    auto repo = storage::open_repository("sqlite://" + path);
    EXPECT_TRUE(repo.ok());
    EXPECT_TRUE((*repo)->migrate().ok());
    return "sqlite://" + path;
  }

  /// Everything healthy: migrated DB, two RPC endpoints (one behind), both price APIs, Telegram.
  ops::Config healthy_config() {
    ops::Config c;
    c.database.url = migrated_db();
    c.solana.rpc_urls = {remotes.url("/rpc-ok"), remotes.url("/rpc-behind")};
    c.prices.sources = {"pumpfun", "dexscreener", "jupiter"};
    c.prices.dexscreener_url = remotes.url("/dex");
    c.prices.jupiter_url = remotes.url("/jup");
    c.prices.jupiter_api_key = "jup-secret-key";
    c.telegram.api_url = remotes.url("/tg");
    c.telegram.token = kToken;
    return c;
  }
};

/// The versions of migrations/sqlite/*.sql, the way the binary embeds them.
std::vector<int> sqlite_versions() {
  std::vector<int> v;
  for (const auto& e : fs::directory_iterator(std::string(KT_SOURCE_DIR) + "/migrations/sqlite")) {
    if (e.path().extension() == ".sql") v.push_back(std::stoi(e.path().filename().string()));
  }
  std::sort(v.begin(), v.end());
  return v;
}

std::string joined(const std::vector<int>& v) {
  std::string out;
  for (int x : v) out += (out.empty() ? "" : ", ") + std::to_string(x);
  return out;
}

const DoctorLine& line(const std::vector<DoctorLine>& lines, const std::string& prefix) {
  for (const auto& l : lines) {
    if (l.check.rfind(prefix, 0) == 0) return l;
  }
  throw std::runtime_error("no line " + prefix);
}

TEST_F(Doctor, all_required_checks_pass_with_healthy_remotes) {
  const auto config = healthy_config();
  std::ostringstream out;
  EXPECT_EQ(run_doctor(config, out, deps), 0) << out.str();
  const auto lines = doctor_checks(config, deps);
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(line(lines, "config").verdict, Verdict::kOk);
  EXPECT_EQ(line(lines, "storage").verdict, Verdict::kOk);
  EXPECT_EQ(line(lines, "storage").detail,
            "sqlite, schema at version " + std::to_string(sqlite_versions().back()) + " (current), 0 user(s)");
  EXPECT_EQ(line(lines, "rpc[1]").verdict, Verdict::kOk);
  EXPECT_EQ(line(lines, "rpc[1]").detail, "healthy, 0 ms");
  EXPECT_EQ(line(lines, "rpc[2]").verdict, Verdict::kWarn);
  EXPECT_EQ(line(lines, "rpc[2]").detail, "unhealthy: behind by 42 slots (0 ms)");
  EXPECT_EQ(line(lines, "rpc (any").detail, "1 of 2 endpoint(s) healthy");
  EXPECT_EQ(line(lines, "prices dexscreener").detail, "1 pair(s) for wrapped SOL, 0 ms");
  EXPECT_EQ(line(lines, "prices jupiter").detail, "SOL = 147.48 USD, 0 ms");
  EXPECT_EQ(line(lines, "telegram").verdict, Verdict::kOk);
  EXPECT_EQ(line(lines, "telegram").detail, "@kt_test_bot (id 4242), 0 ms");
  EXPECT_NE(out.str().find("doctor: all required checks passed, 1 warning(s)\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("| verdict | detail\n"), std::string::npos);
}

TEST_F(Doctor, rejected_token_fails_and_is_never_printed) {
  auto config = healthy_config();
  config.telegram.token = "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9";
  std::ostringstream out;
  EXPECT_EQ(run_doctor(config, out, deps), 1);
  const auto lines = doctor_checks(config, deps);
  EXPECT_EQ(line(lines, "telegram").verdict, Verdict::kFail);
  EXPECT_EQ(line(lines, "telegram").detail, "E-TG-401: the bot token was rejected (401 Unauthorized)");
  EXPECT_EQ(out.str().find("987654321"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("ZZHdqTcv"), std::string::npos);
}

TEST_F(Doctor, no_healthy_rpc_endpoint_fails_when_a_live_source_is_configured) {
  auto config = healthy_config();
  config.solana.rpc_urls = {remotes.url("/rpc-behind"), remotes.url("/rpc-429"), "http://127.0.0.1:1/"};
  std::ostringstream out;
  EXPECT_EQ(run_doctor(config, out, deps), 1);
  const auto lines = doctor_checks(config, deps);
  EXPECT_EQ(line(lines, "rpc[2]").detail, "rate limited (HTTP 429) after 0 ms");
  EXPECT_EQ(line(lines, "rpc[3]").verdict, Verdict::kWarn);
  EXPECT_EQ(line(lines, "rpc[3]").detail.rfind("unreachable: E-NETWORK", 0), 0u) << line(lines, "rpc[3]").detail;
  EXPECT_EQ(line(lines, "rpc (any").verdict, Verdict::kFail);
  EXPECT_EQ(line(lines, "rpc (any").detail, "0 of 3 endpoint(s) healthy");
}

TEST_F(Doctor, demo_only_config_skips_network_checks_and_passes_without_token) {
  ops::Config config;
  config.database.url = migrated_db();
  config.prices.sources = {"demo"};
  config.solana.rpc_urls = {"http://127.0.0.1:1/"};
  std::ostringstream out;
  EXPECT_EQ(run_doctor(config, out, deps), 0) << out.str();
  const auto lines = doctor_checks(config, deps);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(line(lines, "rpc").verdict, Verdict::kSkip);
  EXPECT_EQ(line(lines, "telegram").verdict, Verdict::kSkip);
  EXPECT_EQ(line(lines, "telegram").detail, "no bot token configured (console only)");
}

TEST_F(Doctor, missing_jupiter_key_is_a_warning_not_a_failure) {
  auto config = healthy_config();
  config.prices.jupiter_api_key = "";
  std::ostringstream out;
  EXPECT_EQ(run_doctor(config, out, deps), 0);
  EXPECT_EQ(line(doctor_checks(config, deps), "prices jupiter").detail,
            "E-PRICE-HTTP: HTTP 401 (no prices.jupiter_api_key set)");
}

TEST_F(Doctor, pending_migrations_warn_and_unknown_ones_fail) {
  ops::Config config;
  config.prices.sources = {"demo"};
  const std::string path = (dir / "fresh.db").string();
  config.database.url = "sqlite://" + path;
  {
    auto repo = storage::open_repository(config.database.url);  // creates the file, no migration
    ASSERT_TRUE(repo.ok());
  }
  auto lines = doctor_checks(config, deps);
  EXPECT_EQ(line(lines, "storage").verdict, Verdict::kWarn);
  EXPECT_EQ(line(lines, "storage").detail, "sqlite reachable; " + std::to_string(sqlite_versions().size()) +
                                               " migration(s) pending (" + joined(sqlite_versions()) +
                                               "): run kitrader migrate (run also applies them)");

  config.database.url = migrated_db();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "kt.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  std::ostringstream out;
  EXPECT_EQ(run_doctor(config, out, deps), 1);
  EXPECT_EQ(line(doctor_checks(config, deps), "storage").detail,
            "sqlite: the database has migration(s) 9999 this binary does not know: upgrade kitrader");
}

TEST_F(Doctor, missing_sqlite_file_is_not_created) {
  ops::Config config;
  config.prices.sources = {"demo"};
  config.database.url = "sqlite://" + (dir / "absent" / "kt.db").string();
  const auto lines = doctor_checks(config, deps);
  EXPECT_EQ(line(lines, "storage").verdict, Verdict::kWarn);
  EXPECT_FALSE(fs::exists(dir / "absent"));
}

TEST_F(Doctor, unreachable_postgres_fails_without_showing_the_password) {
  auto config = healthy_config();
  config.database.url = "postgresql://kitrader:Sup3rS3cretPw@127.0.0.1:1/kitrader?connect_timeout=2";
  std::ostringstream out;
  EXPECT_EQ(run_doctor(config, out, deps), 1);
  const std::string text = out.str();
  EXPECT_EQ(text.find("Sup3rS3cretPw"), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
  EXPECT_EQ(text.find("jup-secret-key"), std::string::npos) << text;
  EXPECT_NE(text.find("storage"), std::string::npos);
  EXPECT_EQ(line(doctor_checks(config, deps), "storage").verdict, Verdict::kFail);
  EXPECT_NE(text.find("postgresql://127.0.0.1:1/"), std::string::npos) << text;
}

TEST_F(Doctor, output_never_contains_a_secret_even_if_a_server_echoes_it) {
  // A fake "RPC" that answers 500 with the token in its body; doctor prints only the status, and
  // its redactor would catch the token anyway.
  auto config = healthy_config();
  config.solana.rpc_urls = {remotes.url("/tg/bot" + kToken + "/nothing")};
  std::ostringstream out;
  run_doctor(config, out, deps);
  EXPECT_EQ(out.str().find(kToken), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("AAHdqTcv"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace kt::app
