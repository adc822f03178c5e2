#include "solana/rpc_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_rpc_client.hpp"
#include "fixtures.hpp"

namespace kt::solana {
namespace {

using testing::answer;
using testing::FakeRpcClient;
using testing::network_error;
using testing::raw;
using testing::rpc_error;

const std::string kPrimary = "https://primary.example:8899/";
const std::string kBackup = "https://backup.example/";

/// A pool over a fake client whose sleeper advances a manual clock and records each pause.
struct PoolFixture {
  explicit PoolFixture(RpcPoolConfig config = {}, std::vector<std::string> urls = {kPrimary, kBackup}) {
    config.urls = std::move(urls);
    pool = std::make_unique<RpcPool>(
        config, client, clock,
        [this](Millis d) {
          sleeps.push_back(d);
          clock.advance(d);
        },
        [this](std::string line) { log.push_back(std::move(line)); });
  }
  bool logged(std::string_view needle) const {
    for (const auto& l : log) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  }

  FakeRpcClient client;
  ManualClock clock;
  std::vector<Millis> sleeps;
  std::vector<std::string> log;
  std::unique_ptr<RpcPool> pool;
};

void expect_backup_answers_after(testing::Handler primary_failure, std::string_view why) {
  PoolFixture f;
  f.client.on(kPrimary, std::move(primary_failure));
  f.client.on(kBackup, answer(1234));
  const auto slot = f.pool->get_slot();
  ASSERT_TRUE(slot.ok()) << why << ": " << slot.error().message;
  EXPECT_EQ(*slot, 1234u) << why;
  EXPECT_EQ(f.client.count(kPrimary), 1) << why;
  EXPECT_EQ(f.client.count(kBackup), 1) << why;
  EXPECT_TRUE(f.sleeps.empty()) << why;  // failover to a healthy endpoint does not wait
  const auto st = f.pool->status();
  EXPECT_EQ(st[0].errors, 1u) << why;
  EXPECT_EQ(st[1].errors, 0u) << why;
  EXPECT_EQ(st[1].requests, 1u) << why;
}

TEST(RpcPool, fails_over_to_backup_on_http_500) {
  expect_backup_answers_after(raw(500, "Internal Server Error"), "500");
}
TEST(RpcPool, fails_over_to_backup_on_node_unhealthy_32005) {
  expect_backup_answers_after(rpc_error(-32005, "Node is behind by 42 slots", {{"numSlotsBehind", 42}}), "-32005");
}
TEST(RpcPool, fails_over_to_backup_on_timeout) { expect_backup_answers_after(network_error(), "timeout"); }
TEST(RpcPool, fails_over_to_backup_on_garbage_json) {
  expect_backup_answers_after(raw(200, "<html>502 Bad Gateway</html>"), "garbage");
}
TEST(RpcPool, fails_over_to_backup_on_a_response_to_another_request) {
  expect_backup_answers_after(raw(200, R"({"jsonrpc":"2.0","result":1,"id":999})"), "wrong id");
}

TEST(RpcPool, honours_retry_after_of_a_429_and_uses_the_backup_meanwhile) {
  PoolFixture f;
  f.client.once(kPrimary,
                raw(429, testing::read_fixture("solana_http429_rate_limit_body.json"), {{"retry-after", "7"}}));
  f.client.on(kPrimary, answer(1));
  f.client.on(kBackup, answer(2));
  EXPECT_EQ(*f.pool->get_slot(), 2u);
  EXPECT_EQ(f.pool->status()[0].rate_limited_until, f.clock.now() + Millis{7'000});
  EXPECT_EQ(f.pool->status()[0].consecutive_failures, 0);  // rate limited is not broken
  EXPECT_TRUE(f.logged("rate limited, paused for 7000 ms"));
  f.clock.advance(Millis{6'999});
  EXPECT_EQ(*f.pool->get_slot(), 2u);
  EXPECT_EQ(f.client.count(kPrimary), 1);
  f.clock.advance(Millis{1});
  EXPECT_EQ(*f.pool->get_slot(), 1u);
  EXPECT_EQ(f.client.count(kPrimary), 2);
}

TEST(RpcPool, treats_429_inside_a_200_body_as_rate_limit_with_default_pause) {
  PoolFixture f;
  f.client.once(kPrimary, raw(200, testing::read_fixture("solana_http429_rate_limit_body.json")));
  f.client.on(kBackup, answer(2));
  EXPECT_EQ(*f.pool->get_slot(), 2u);
  EXPECT_EQ(f.pool->status()[0].rate_limited_until, f.clock.now() + Millis{1'000});
}

TEST(RpcPool, returns_a_request_error_without_retry_or_failover) {
  PoolFixture f;
  f.client.on(kPrimary, testing::fixture_body(testing::read_fixture("solana_error_invalid_params_32602.json")));
  f.client.on(kBackup, answer(2));
  const auto r = f.pool->call("getAccountInfo", Json::array({"x"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-RPC-ERROR");
  EXPECT_NE(r.error().message.find("Invalid param: WrongSize"), std::string::npos);
  EXPECT_EQ(f.client.count(kBackup), 0);
  EXPECT_EQ(f.pool->status()[0].errors, 0u);
}

TEST(RpcPool, breaker_opens_after_5_failures_stays_open_during_cooldown_then_probes_and_closes) {
  PoolFixture f;
  f.client.on(kPrimary, raw(503, "busy"));
  f.client.on(kBackup, answer(2));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(f.pool->get_slot().ok());
  auto st = f.pool->status();
  EXPECT_EQ(st[0].breaker, BreakerState::kOpen);
  EXPECT_EQ(st[0].consecutive_failures, 5);
  EXPECT_EQ(st[0].requests, 5u);
  EXPECT_TRUE(f.logged("breaker closed -> open after 5 consecutive failures"));

  f.clock.advance(Millis{29'999});
  ASSERT_TRUE(f.pool->get_slot().ok());
  EXPECT_EQ(f.client.count(kPrimary), 5);  // untouched while open

  f.clock.advance(Millis{1});
  f.client.on(kPrimary, [](const testing::SeenRequest& req) -> Result<http::Response> {
    if (req.method() == "getHealth") return answer("ok")(req);
    return answer(1)(req);
  });
  const auto slot = f.pool->get_slot();
  ASSERT_TRUE(slot.ok());
  EXPECT_EQ(*slot, 1u);  // the real request went to the recovered primary
  EXPECT_EQ(f.client.count(kPrimary, "getHealth"), 1);
  EXPECT_EQ(f.client.count(kPrimary, "getSlot"), 6);
  // The probe came before the real traffic.
  EXPECT_EQ(f.client.seen()[f.client.seen().size() - 2].method(), "getHealth");
  st = f.pool->status();
  EXPECT_EQ(st[0].breaker, BreakerState::kClosed);
  EXPECT_EQ(st[0].consecutive_failures, 0);
  EXPECT_TRUE(f.logged("breaker open -> half-open, probing with getHealth"));
  EXPECT_TRUE(f.logged("breaker half-open -> closed"));
}

TEST(RpcPool, failed_probe_reopens_the_breaker_and_traffic_stays_on_the_backup) {
  RpcPoolConfig config;
  config.breaker_threshold = 2;
  config.breaker_cooldown = Millis{10'000};
  PoolFixture f(config);
  f.client.on(kPrimary, rpc_error(-32005, "Node is unhealthy", Json::object()));
  f.client.on(kBackup, answer(2));
  ASSERT_TRUE(f.pool->get_slot().ok());
  ASSERT_TRUE(f.pool->get_slot().ok());
  EXPECT_EQ(f.pool->status()[0].breaker, BreakerState::kOpen);
  f.clock.advance(Millis{10'000});
  EXPECT_EQ(*f.pool->get_slot(), 2u);
  EXPECT_EQ(f.client.count(kPrimary, "getHealth"), 1);
  EXPECT_EQ(f.client.count(kPrimary, "getSlot"), 2);
  EXPECT_EQ(f.pool->status()[0].breaker, BreakerState::kOpen);
  EXPECT_TRUE(f.logged("breaker half-open -> open"));
  // A new cool-down: no probe before another 10 s.
  f.clock.advance(Millis{9'999});
  ASSERT_TRUE(f.pool->get_slot().ok());
  EXPECT_EQ(f.client.count(kPrimary, "getHealth"), 1);
}

TEST(RpcPool, token_bucket_paces_a_burst_with_injected_time) {
  PoolFixture f({}, {kPrimary});
  f.client.on(kPrimary, answer(7));
  const TimePoint start = f.clock.now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(f.pool->get_slot().ok()) << i;
  // 8 at once, then one every 125 ms: 12 × 125 ms.
  EXPECT_EQ(f.clock.now() - start, Millis{1'500});
  EXPECT_EQ(f.sleeps.size(), 12u);
  EXPECT_EQ(f.client.count(kPrimary), 20);
}

TEST(RpcPool, spreads_a_burst_over_the_backup_when_the_primary_is_out_of_tokens) {
  PoolFixture f;
  f.client.on(kPrimary, answer(1));
  f.client.on(kBackup, answer(2));
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(f.pool->get_slot().ok());
  EXPECT_EQ(f.client.count(kPrimary), 8);
  EXPECT_EQ(f.client.count(kBackup), 8);
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(RpcPool, gives_up_with_unavailable_after_max_attempts_with_jittered_backoff) {
  RpcPoolConfig config;
  config.max_attempts = 4;
  PoolFixture f(config);
  f.client.on(kPrimary, network_error());
  f.client.on(kBackup, raw(502, "bad gateway"));
  const auto r = f.pool->get_slot();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-RPC-UNAVAILABLE");
  EXPECT_TRUE(r.error().retryable());
  EXPECT_EQ(f.client.seen().size(), 4u);
  ASSERT_EQ(f.sleeps.size(), 1u);  // one back-off between the two rounds
  EXPECT_LE(f.sleeps[0], Millis{250});
  EXPECT_GE(f.sleeps[0], Millis{0});
}

TEST(RpcPool, backoff_is_deterministic_for_a_seed) {
  const auto run = [] {
    RpcPoolConfig config;
    config.max_attempts = 6;
    PoolFixture f(config, {kPrimary});
    f.client.on(kPrimary, network_error());
    (void)f.pool->get_slot();
    return f.sleeps;
  };
  const auto a = run();
  EXPECT_EQ(a, run());
  ASSERT_EQ(a.size(), 5u);
  EXPECT_LE(a[0], Millis{250});
  EXPECT_LE(a[1], Millis{500});
  EXPECT_LE(a[2], Millis{1000});
  EXPECT_LE(a[3], Millis{2000});
  EXPECT_LE(a[4], Millis{4000});
}

TEST(RpcPool, returns_unavailable_at_once_when_every_breaker_is_open) {
  RpcPoolConfig config;
  config.breaker_threshold = 1;
  config.max_attempts = 2;
  PoolFixture f(config);
  f.client.on(kPrimary, raw(500, ""));
  f.client.on(kBackup, raw(500, ""));
  EXPECT_FALSE(f.pool->get_slot().ok());
  const std::size_t before = f.client.seen().size();
  const auto r = f.pool->get_slot();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-RPC-UNAVAILABLE");
  EXPECT_EQ(f.client.seen().size(), before);
  EXPECT_EQ(r.error().retry_after, Millis{30'000});
}

TEST(RpcPool, splits_101_keys_into_two_get_multiple_accounts_calls) {
  PoolFixture f({}, {kPrimary});
  std::vector<Pubkey> keys;
  for (int i = 0; i < 101; ++i) {
    Pubkey::Bytes b{};
    b[0] = static_cast<std::uint8_t>(i + 1);
    keys.emplace_back(b);
  }
  f.client.on(kPrimary, [](const testing::SeenRequest& req) -> Result<http::Response> {
    const auto& asked = req.body["params"][0];
    Json accounts = Json::array();
    for (const auto& k : asked) {
      const auto key = *Pubkey::parse(k.get<std::string>());
      if (key.bytes()[0] % 2 == 0) {
        accounts.push_back(nullptr);
      } else {
        accounts.push_back({{"data", {"AAAAAAEAAAACtzNsyJrW0g==", "base64"}},
                            {"executable", false},
                            {"lamports", key.bytes()[0]},
                            {"owner", "11111111111111111111111111111111"},
                            {"rentEpoch", 2}});
      }
    }
    const int slot = asked.size() == 100 ? 500 : 499;
    return answer(Json{{"context", {{"slot", slot}}}, {"value", accounts}})(req);
  });
  const auto r = f.pool->get_multiple_accounts(keys);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(f.client.count(kPrimary, "getMultipleAccounts"), 2);
  EXPECT_EQ(f.client.seen()[0].body["params"][0].size(), 100u);
  EXPECT_EQ(f.client.seen()[1].body["params"][0].size(), 1u);
  EXPECT_EQ(f.client.seen()[0].body["params"][1]["encoding"], "base64");
  ASSERT_EQ(r->value.size(), 101u);
  EXPECT_EQ(r->value[0]->lamports, 1u);
  EXPECT_FALSE(r->value[1].has_value());
  EXPECT_EQ(r->value[100]->lamports, 101u);
  EXPECT_EQ(r->slot, 499u);
}

TEST(RpcPool, asks_for_uncompressed_json_answers) {
  PoolFixture f({}, {kPrimary});
  f.client.on(kPrimary, answer(Json(42)));
  ASSERT_TRUE(f.pool->get_slot().ok());
  ASSERT_EQ(f.client.seen().size(), 1u);
  const auto& headers = f.client.seen()[0].http.headers;
  const auto has = [&](const std::string& name, const std::string& value) {
    return std::find(headers.begin(), headers.end(), std::pair{name, value}) != headers.end();
  };
  EXPECT_TRUE(has("Content-Type", "application/json"));
  EXPECT_TRUE(has("Accept-Encoding", "identity"));
}

TEST(RpcPool, get_account_info_reads_fixture_and_null_account) {
  PoolFixture f({}, {kPrimary});
  f.client.once(kPrimary, testing::fixture_body(testing::read_fixture("solana_getAccountInfo_base58_system.json")));
  f.client.once(kPrimary, testing::fixture_body(testing::read_fixture("solana_getAccountInfo_null_value.json")));
  const auto key = *Pubkey::parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  const auto a = f.pool->get_account_info(key);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ((*a).value->lamports, 1000000000u);
  const auto missing = f.pool->get_account_info(key);
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_FALSE(missing->value.has_value());
  EXPECT_EQ(f.client.seen()[0].http.method, "POST");
  EXPECT_EQ(f.client.seen()[0].http.timeout, Millis{5'000});
}

TEST(RpcPool, batch_answers_are_matched_by_id_even_out_of_order) {
  PoolFixture f({}, {kPrimary});
  f.client.on(kPrimary, [](const testing::SeenRequest& req) -> Result<http::Response> {
    const auto first = req.body[0]["id"].get<std::uint64_t>();
    const Json reply = Json::array({{{"jsonrpc", "2.0"}, {"result", "b"}, {"id", first + 1}},
                                    {{"jsonrpc", "2.0"}, {"result", "a"}, {"id", first}}});
    return testing::http_response(200, reply.dump());
  });
  const auto r = f.pool->call_batch({{"getSlot", nullptr}, {"getHealth", nullptr}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(*(*r)[0], "a");
  EXPECT_EQ(*(*r)[1], "b");
}

TEST(RpcPool, get_health_reports_slots_behind_of_one_endpoint) {
  PoolFixture f;
  f.client.on(kPrimary, raw(200, testing::read_fixture("solana_getHealth_unhealthy_behind_32005.json")));
  const auto h = f.pool->get_health(0);
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h->healthy);
  EXPECT_EQ(h->num_slots_behind, 42u);
}

TEST(RpcPool, status_never_shows_credentials_path_tokens_or_query) {
  PoolFixture f({}, {"https://user:secret@rpc.example.com:8899/abc123token/?api-key=SECRET",
                     "https://api.mainnet-beta.solana.com"});
  const auto st = f.pool->status();
  EXPECT_EQ(st[0].url, "https://rpc.example.com:8899/\u2026");
  EXPECT_EQ(st[1].url, "https://api.mainnet-beta.solana.com");
}

TEST(RedactUrl, keeps_scheme_host_and_port_only) {
  EXPECT_EQ(redact_url("https://mainnet.helius-rpc.com/?api-key=abc"), "https://mainnet.helius-rpc.com/\u2026");
  EXPECT_EQ(redact_url("http://127.0.0.1:8899/"), "http://127.0.0.1:8899");
  EXPECT_EQ(redact_url("http://u:p@h"), "http://h");
  EXPECT_EQ(redact_url("not a url"), "<url>");
}

}  // namespace
}  // namespace kt::solana
