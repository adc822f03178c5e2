#include "ops/metrics.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace kt::ops {
namespace {

TEST(Metrics, renders_counters_and_gauges_in_exposition_format) {
  Registry r;
  auto& updates = r.counter("kt_updates_total", "Updates taken in.").get();
  auto& commands = r.counter("kt_commands_total", "Commands by name.", {"command", "outcome"});
  auto& depth = r.gauge("kt_queue_depth", "Queue depth.").get();
  updates.inc(3);
  commands.with({"buy", "ok"}).inc();
  commands.with({"buy", "ok"}).inc();
  commands.with({"balance", "ok"}).inc();
  depth.set(2.5);
  EXPECT_EQ(r.render(),
            "# HELP kt_updates_total Updates taken in.\n"
            "# TYPE kt_updates_total counter\n"
            "kt_updates_total 3\n"
            "# HELP kt_commands_total Commands by name.\n"
            "# TYPE kt_commands_total counter\n"
            "kt_commands_total{command=\"balance\",outcome=\"ok\"} 1\n"
            "kt_commands_total{command=\"buy\",outcome=\"ok\"} 2\n"
            "# HELP kt_queue_depth Queue depth.\n"
            "# TYPE kt_queue_depth gauge\n"
            "kt_queue_depth 2.5\n");
}

TEST(Metrics, escapes_label_values_and_help_text) {
  Registry r;
  r.counter("kt_x_total", "Line one\nback\\slash", {"v"}).with({"a\"b\\c\nd"}).inc();
  EXPECT_EQ(r.render(),
            "# HELP kt_x_total Line one\\nback\\\\slash\n"
            "# TYPE kt_x_total counter\n"
            "kt_x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Metrics, histogram_counts_into_cumulative_buckets_with_sum_and_count) {
  Registry r;
  auto& h = r.histogram("kt_latency_seconds", "Latency.", {0.1, 0.5, 1}).get();
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive: lands in the 0.1 bucket
  h.observe(0.3);
  h.observe(2);
  EXPECT_EQ(r.render(),
            "# HELP kt_latency_seconds Latency.\n"
            "# TYPE kt_latency_seconds histogram\n"
            "kt_latency_seconds_bucket{le=\"0.1\"} 2\n"
            "kt_latency_seconds_bucket{le=\"0.5\"} 3\n"
            "kt_latency_seconds_bucket{le=\"1\"} 3\n"
            "kt_latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "kt_latency_seconds_sum 2.45\n"
            "kt_latency_seconds_count 4\n");
}

TEST(Metrics, labelled_histogram_puts_le_last) {
  Registry r;
  r.histogram("kt_cmd_seconds", "By command.", {1}, {"command"}).with({"buy"}).observe(0.5);
  const std::string text = r.render();
  EXPECT_NE(text.find("kt_cmd_seconds_bucket{command=\"buy\",le=\"1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kt_cmd_seconds_bucket{command=\"buy\",le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kt_cmd_seconds_sum{command=\"buy\"} 0.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kt_cmd_seconds_count{command=\"buy\"} 1\n"), std::string::npos) << text;
}

TEST(Metrics, callback_family_is_evaluated_at_every_scrape) {
  Registry r;
  int calls = 0;
  r.callback("kt_age_seconds", "Age.", MetricType::kGauge, {"source"}, [&calls] {
    ++calls;
    return std::vector<Sample>{{{"jupiter"}, std::numeric_limits<double>::infinity()}, {{"dexscreener"}, 12}};
  });
  const std::string expected =
      "# HELP kt_age_seconds Age.\n"
      "# TYPE kt_age_seconds gauge\n"
      "kt_age_seconds{source=\"dexscreener\"} 12\n"
      "kt_age_seconds{source=\"jupiter\"} +Inf\n";
  EXPECT_EQ(r.render(), expected);
  EXPECT_EQ(r.render(), expected);
  EXPECT_EQ(calls, 2);
}

TEST(Metrics, throwing_callback_yields_no_samples_but_scrape_succeeds) {
  Registry r;
  r.callback("kt_bad", "Bad.", MetricType::kGauge, {}, []() -> std::vector<Sample> { throw std::runtime_error("x"); });
  EXPECT_EQ(r.render(), "# HELP kt_bad Bad.\n# TYPE kt_bad gauge\n");
}

TEST(Metrics, formats_values_like_prometheus) {
  EXPECT_EQ(format_metric_value(1), "1");
  EXPECT_EQ(format_metric_value(0.005), "0.005");
  EXPECT_EQ(format_metric_value(-2.5), "-2.5");
  EXPECT_EQ(format_metric_value(1e21), "1e+21");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(Metrics, rejects_duplicate_and_invalid_names_and_wrong_label_count) {
  Registry r;
  r.counter("kt_a_total", "A.");
  EXPECT_THROW(r.counter("kt_a_total", "again"), std::logic_error);
  EXPECT_THROW(r.gauge("9bad", "x"), std::logic_error);
  EXPECT_THROW(r.gauge("kt_b", "x", {"le"}), std::logic_error);
  EXPECT_THROW(r.histogram("kt_h", "x", {1, 0.5}), std::logic_error);
  auto& f = r.counter("kt_c_total", "C.", {"x"});
  EXPECT_THROW(f.with({}), std::logic_error);
}

TEST(Metrics, folds_label_sets_beyond_the_series_cap_into_other) {
  Registry r;
  auto& f = r.counter("kt_many_total", "Many.", {"k"});
  for (std::size_t i = 0; i < Family<Counter>::kMaxSeries + 10; ++i) f.with({std::to_string(i)}).inc();
  f.with({"0"}).inc();  // an existing child still resolves to itself
  const std::string text = r.render();
  EXPECT_NE(text.find("kt_many_total{k=\"other\"} 10\n"), std::string::npos);
  EXPECT_NE(text.find("kt_many_total{k=\"0\"} 2\n"), std::string::npos);
}

TEST(Metrics, concurrent_increments_from_eight_threads_sum_exactly) {
  Registry r;
  auto& counter = r.counter("kt_n_total", "N.").get();
  auto& labelled = r.counter("kt_l_total", "L.", {"t"});
  auto& gauge = r.gauge("kt_g", "G.").get();
  auto& hist = r.histogram("kt_h_seconds", "H.", {0.5}).get();
  constexpr int kThreads = 8, kPerThread = 100'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        counter.inc();
        labelled.with({std::to_string(t % 2)}).inc();
        gauge.add(1);
        hist.observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(counter.value(), 800'000u);
  EXPECT_EQ(labelled.with({"0"}).value(), 400'000u);
  EXPECT_EQ(labelled.with({"1"}).value(), 400'000u);
  EXPECT_EQ(gauge.value(), 800'000.0);
  EXPECT_EQ(hist.count(), 800'000u);
  EXPECT_EQ(hist.cumulative_counts(), (std::vector<std::uint64_t>{400'000, 800'000}));
  EXPECT_EQ(hist.sum(), 400'000 * 0.25 + 400'000 * 1.0);
}

TEST(BotMetrics, exports_every_bot_metric_with_its_sources) {
  Registry r;
  BotMetrics m(r);
  m.update_received();
  m.update_received();
  m.command_finished("buy", "ok", 0.02);
  m.command_finished("buy", "rejected", 0.004);
  m.trade_opened();
  m.trade_closed();
  m.trade_closed();
  m.tracker_cycle(1.5);
  m.rate_limited(RateLimitedService::kRpc);
  m.rate_limited(RateLimitedService::kTelegram);
  m.set_open_positions([] { return std::optional<double>(7); });
  m.set_rpc_endpoints([] {
    return std::vector<RpcEndpointSample>{{"https://a.example", 10, 2, 0}, {"https://b.example", 4, 4, 2}};
  });
  m.set_price_sources([] { return std::vector<PriceSourceSample>{{"dexscreener", 3.5}, {"jupiter", std::nullopt}}; });
  m.set_outbound([] { return OutboundSample{5, 3}; });
  EXPECT_EQ(r.render().find("\nkitrader_webhook_connections_open "), std::string::npos)
      << "polling: no webhook metrics";
  m.set_webhook([] { return WebhookSample{3, 40, 2, 1000, 4}; });
  EXPECT_EQ(r.render().find("\nkitrader_sqlite_wal_checkpoints_total"), std::string::npos)
      << "PostgreSQL or an in-memory database: no checkpoint metrics";
  m.set_wal_checkpoints([] { return WalCheckpointSample{120, 15, 1, 2}; });
  const std::string text = r.render();
  for (const char* line : {
           "kitrader_updates_received_total 2\n",
           "kitrader_commands_total{command=\"buy\",outcome=\"ok\"} 1\n",
           "kitrader_commands_total{command=\"buy\",outcome=\"rejected\"} 1\n",
           "kitrader_command_duration_seconds_bucket{command=\"buy\",le=\"0.005\"} 1\n",
           "kitrader_command_duration_seconds_bucket{command=\"buy\",le=\"0.025\"} 2\n",
           "kitrader_command_duration_seconds_count{command=\"buy\"} 2\n",
           "kitrader_trades_total{action=\"close\"} 2\n",
           "kitrader_trades_total{action=\"open\"} 1\n",
           "kitrader_open_positions 7\n",
           "kitrader_webhook_connections_open 3\n",
           "kitrader_webhook_connections_total{outcome=\"accepted\"} 40\n",
           "kitrader_webhook_connections_total{outcome=\"refused\"} 2\n",
           "kitrader_webhook_requests_total 1000\n",
           "kitrader_webhook_timeouts_total 4\n",
           "kitrader_sqlite_wal_checkpoints_total{pass=\"passive\"} 120\n",
           "kitrader_sqlite_wal_checkpoints_total{pass=\"locked\"} 15\n",
           "kitrader_sqlite_wal_checkpoints_total{pass=\"inline\"} 1\n",
           "kitrader_sqlite_wal_checkpoint_failures_total 2\n",
           "kitrader_rpc_requests_total{endpoint=\"https://a.example\"} 10\n",
           "kitrader_rpc_errors_total{endpoint=\"https://b.example\"} 4\n",
           "kitrader_rpc_breaker_state{endpoint=\"https://a.example\"} 0\n",
           "kitrader_rpc_breaker_state{endpoint=\"https://b.example\"} 2\n",
           "kitrader_price_age_seconds{source=\"dexscreener\"} 3.5\n",
           "kitrader_price_age_seconds{source=\"jupiter\"} +Inf\n",
           "kitrader_tracker_cycle_duration_seconds_bucket{le=\"2.5\"} 1\n",
           "kitrader_tracker_cycle_duration_seconds_bucket{le=\"1\"} 0\n",
           "kitrader_outbound_queue_depth 5\n",
           "kitrader_http_429_total{service=\"telegram\"} 4\n",
           "kitrader_http_429_total{service=\"rpc\"} 1\n",
           "kitrader_http_429_total{service=\"jupiter\"} 0\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << text;
  }
}

TEST(BotMetrics, unset_sources_render_no_samples) {
  Registry r;
  BotMetrics m(r);
  const std::string text = r.render();
  EXPECT_NE(text.find("# TYPE kitrader_open_positions gauge\n# HELP"), std::string::npos) << text;
  EXPECT_EQ(text.find("kitrader_rpc_requests_total{"), std::string::npos);
  EXPECT_NE(text.find("kitrader_updates_received_total 0\n"), std::string::npos);
}

}  // namespace
}  // namespace kt::ops
