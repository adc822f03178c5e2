#include <gtest/gtest.h>
#include <httplib.h>

#include <stdexcept>

#include "ops/health.hpp"
#include "ops/http_endpoints.hpp"
#include "ops/metrics.hpp"

namespace kt::ops {
namespace {

TEST(Health, report_is_ok_only_when_every_check_is_ok) {
  HealthChecker checker;
  checker.add("storage", [] { return CheckResult{true, "reachable"}; });
  checker.add("rpc", [] { return CheckResult{false, "every endpoint's breaker is open: https://a"}; });
  const auto report = checker.run();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.to_json(), R"({"status":"unhealthy","checks":{"storage":{"ok":true,"detail":"reachable"},)"
                              R"("rpc":{"ok":false,"detail":"every endpoint's breaker is open: https://a"}}})");
}

TEST(Health, throwing_check_counts_as_failed) {
  HealthChecker checker;
  checker.add("x", []() -> CheckResult { throw std::runtime_error("boom"); });
  const auto report = checker.run();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.checks.at(0).second.detail, "check threw: boom");
}

TEST(Health, storage_check_reports_the_error_code) {
  EXPECT_TRUE(storage_check([] { return ok_result(); })().ok);
  const auto r = storage_check([]() -> Result<void> { return retryable("E-STORAGE", "connection refused"); })();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.detail, "E-STORAGE: connection refused");
}

TEST(Health, rpc_check_needs_one_endpoint_not_open) {
  auto one_open = rpc_check([] { return std::vector<EndpointBreaker>{{"https://a", true}, {"https://b", false}}; })();
  EXPECT_TRUE(one_open.ok);
  EXPECT_EQ(one_open.detail, "1 of 2 endpoints usable; breaker open: https://a");
  auto all_open = rpc_check([] { return std::vector<EndpointBreaker>{{"https://a", true}, {"https://b", true}}; })();
  EXPECT_FALSE(all_open.ok);
  EXPECT_EQ(all_open.detail, "every endpoint's breaker is open: https://a, https://b");
  EXPECT_FALSE(rpc_check([] { return std::vector<EndpointBreaker>{}; })().ok);
}

TEST(Health, price_feed_is_fresh_within_the_limit_inclusive) {
  ManualClock clock;
  std::optional<TimePoint> last = clock.now();
  auto check = price_feed_check([&] { return last; }, clock, std::chrono::seconds(120));
  clock.advance(std::chrono::seconds(120));
  EXPECT_TRUE(check().ok);
  EXPECT_EQ(check().detail, "newest price is 120 s old");
  clock.advance(std::chrono::seconds(1));
  EXPECT_FALSE(check().ok);
  EXPECT_EQ(check().detail, "newest price is 121 s old (limit 120 s)");
  last.reset();
  EXPECT_EQ(check().detail, "no price source has answered yet");
}

TEST(OpsHttp, parses_listen_addresses) {
  EXPECT_EQ(*parse_listen_address("127.0.0.1:9464"), (std::pair<std::string, int>{"127.0.0.1", 9464}));
  EXPECT_EQ(*parse_listen_address("[::1]:0"), (std::pair<std::string, int>{"::1", 0}));
  for (const char* bad : {"9464", ":9464", "host:", "host:99999", "host:12x"}) {
    auto r = parse_listen_address(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "E-CONFIG");
  }
}

struct ServerFixture : ::testing::Test {
  Registry registry;
  HealthChecker health;
  bool storage_ok = true;
  void SetUp() override {
    registry.counter("kt_hits_total", "Hits.").get().inc(4);
    health.add("storage", [this] { return CheckResult{storage_ok, storage_ok ? "reachable" : "E-STORAGE: down"}; });
  }
};

TEST_F(ServerFixture, serves_metrics_and_healthz_over_loopback) {
  OpsHttpServer server("127.0.0.1:0", registry, health);
  ASSERT_TRUE(server.start().ok());
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());

  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(metrics->body, "# HELP kt_hits_total Hits.\n# TYPE kt_hits_total counter\nkt_hits_total 4\n");

  auto healthy = client.Get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
  EXPECT_EQ(healthy->body, R"({"status":"ok","checks":{"storage":{"ok":true,"detail":"reachable"}}})");

  storage_ok = false;
  auto unhealthy = client.Get("/healthz");
  ASSERT_TRUE(unhealthy);
  EXPECT_EQ(unhealthy->status, 503);
  EXPECT_EQ(unhealthy->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(unhealthy->body, R"({"status":"unhealthy","checks":{"storage":{"ok":false,"detail":"E-STORAGE: down"}}})");

  auto other = client.Get("/other");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  server.stop();
  EXPECT_FALSE(client.Get("/metrics"));
}

TEST_F(ServerFixture, empty_listen_disables_the_server) {
  OpsHttpServer server("", registry, health);
  EXPECT_FALSE(server.enabled());
  EXPECT_TRUE(server.start().ok());
  EXPECT_EQ(server.port(), 0);
}

TEST_F(ServerFixture, port_in_use_is_a_bind_error) {
  OpsHttpServer first("127.0.0.1:0", registry, health);
  ASSERT_TRUE(first.start().ok());
  OpsHttpServer second("127.0.0.1:" + std::to_string(first.port()), registry, health);
  auto r = second.start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-HTTP-BIND");
}

}  // namespace
}  // namespace kt::ops
