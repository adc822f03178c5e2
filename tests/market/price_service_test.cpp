// The composite PriceService: cache window, failover with health, honest errors, thread safety.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "market/demo_market.hpp"
#include "market/price_service.hpp"

namespace kt::market {
namespace {

Mint mint(const char* text) { return Mint::parse(text).value(); }
const Mint kBonk = mint("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
const Mint kWif = mint("EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm");
const Mint kOther = mint("7GCihgDB8fe6KNjn2MYtkzZcRjQy3t9GHdC8uHYmW2hr");
const TimePoint kT0 = from_unix_millis(1'717'200'000'000);

/// A scripted source that counts its calls.
class FakeSource final : public PriceSource {
 public:
  using Answer = std::function<Result<Quote>(const Mint&, TimePoint)>;
  FakeSource(std::string name, Answer answer) : name_(std::move(name)), answer_(std::move(answer)) {}

  std::string name() const override { return name_; }
  Result<Quote> quote(const Mint& m, TimePoint now) override {
    ++calls;
    return answer_(m, now);
  }
  std::vector<Result<Quote>> quote_many(std::span<const Mint> mints, TimePoint now) override {
    ++batch_calls;
    batch_sizes.push_back(mints.size());
    std::vector<Result<Quote>> out;
    for (const auto& m : mints) out.push_back(answer_(m, now));
    return out;
  }
  Result<TokenInfo> token_info(const Mint& m, TimePoint) override {
    ++info_calls;
    TokenInfo info;
    info.mint = m;
    info.symbol = name_;
    return info;
  }
  std::optional<Mint> resolve_symbol(const std::string& s) const override {
    return s == "FAKE" ? std::optional<Mint>(kOther) : std::nullopt;
  }

  std::atomic<int> calls{0}, batch_calls{0}, info_calls{0};
  std::vector<std::size_t> batch_sizes;

 private:
  std::string name_;
  Answer answer_;
};

Quote make_quote(const Mint& m, TimePoint now, std::uint64_t lamports_per_raw, const std::string& source) {
  Quote q;
  q.mint = m;
  q.price = Price::from_ratio(lamports_per_raw, 1).value();
  q.decimals = 6;
  q.source = source;
  q.observed_at = now;
  return q;
}

FakeSource::Answer knows(std::vector<Mint> mints, std::uint64_t price, std::string source) {
  return [=](const Mint& m, TimePoint now) -> Result<Quote> {
    if (std::find(mints.begin(), mints.end(), m) == mints.end()) return not_found("E-UNKNOWN-TOKEN", "unknown");
    return make_quote(m, now, price, source);
  };
}
FakeSource::Answer fails(std::string code, std::string message) {
  return [=](const Mint&, TimePoint) -> Result<Quote> { return retryable(code, message, std::chrono::seconds(3)); };
}

struct Fixture {
  std::vector<FakeSource*> fakes;
  std::unique_ptr<PriceService> service;
};

Fixture make(std::vector<std::pair<std::string, FakeSource::Answer>> specs, PriceServiceOptions options = {}) {
  Fixture f;
  std::vector<std::unique_ptr<PriceSource>> sources;
  for (auto& [name, answer] : specs) {
    auto fake = std::make_unique<FakeSource>(name, answer);
    f.fakes.push_back(fake.get());
    sources.push_back(std::move(fake));
  }
  f.service = std::make_unique<PriceService>(std::move(sources), options);
  return f;
}

TEST(PriceService, cached_quote_is_reused_at_1_9_s_and_refetched_at_2_1_s) {
  auto f = make({{"pumpfun", knows({kBonk}, 7, "pumpfun")}});
  ASSERT_TRUE(f.service->quote(kBonk, kT0).ok());
  EXPECT_EQ(f.fakes[0]->calls, 1);
  const auto reused = f.service->quote(kBonk, kT0 + Millis(1900));
  EXPECT_EQ(f.fakes[0]->calls, 1);
  EXPECT_EQ(reused->observed_at, kT0);
  const auto fresh = f.service->quote(kBonk, kT0 + Millis(2100));
  EXPECT_EQ(f.fakes[0]->calls, 2);
  EXPECT_EQ(fresh->observed_at, kT0 + Millis(2100));
}

TEST(PriceService, reuse_window_is_configurable_and_never_serves_a_quote_from_the_future) {
  auto f = make({{"replay", knows({kBonk}, 7, "replay")}}, PriceServiceOptions{Millis(0), Millis(1000)});
  (void)f.service->quote(kBonk, kT0);
  (void)f.service->quote(kBonk, kT0);
  EXPECT_EQ(f.fakes[0]->calls, 2);  // window 0: always fetched
  auto g = make({{"replay", knows({kBonk}, 7, "replay")}});
  (void)g.service->quote(kBonk, kT0);
  (void)g.service->quote(kBonk, kT0 - Millis(500));  // time went backwards
  EXPECT_EQ(g.fakes[0]->calls, 2);
}

TEST(PriceService, failing_source_is_skipped_and_marked_unhealthy) {
  auto f =
      make({{"pumpfun", fails("E-RPC", "all endpoints timed out")}, {"dexscreener", knows({kBonk}, 9, "dexscreener")}});
  const auto q = f.service->quote(kBonk, kT0);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->source, "dexscreener");
  const auto h = f.service->health();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].name, "pumpfun");
  EXPECT_FALSE(h[0].healthy);
  EXPECT_EQ(h[0].last_error, "E-RPC: all endpoints timed out");
  EXPECT_EQ(h[0].failure_count, 1u);
  EXPECT_EQ(h[0].quote_count, 0u);
  EXPECT_FALSE(h[0].last_success.has_value());
  EXPECT_TRUE(h[1].healthy);
  EXPECT_EQ(h[1].quote_count, 1u);
  EXPECT_EQ(h[1].last_success, kT0);
}

TEST(PriceService, source_becomes_healthy_again_after_an_answer) {
  bool down = true;
  auto f = make({{"pumpfun", [&](const Mint& m, TimePoint now) -> Result<Quote> {
                    if (down) return retryable("E-RPC", "down");
                    return make_quote(m, now, 5, "pumpfun");
                  }}});
  EXPECT_FALSE(f.service->quote(kBonk, kT0).ok());
  EXPECT_FALSE(f.service->health()[0].healthy);
  down = false;
  EXPECT_TRUE(f.service->quote(kBonk, kT0 + Millis(10)).ok());
  EXPECT_TRUE(f.service->health()[0].healthy);
  EXPECT_EQ(f.service->health()[0].last_error, "E-RPC: down");  // kept for the operator
}

TEST(PriceService, all_sources_failing_is_retryable_price_unavailable_naming_each) {
  auto f = make({{"pumpfun", fails("E-RPC", "timeout")}, {"jupiter", fails("E-HTTP", "HTTP 503")}});
  const auto q = f.service->quote(kBonk, kT0);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kRetryable);
  EXPECT_EQ(q.error().code, "E-PRICE-UNAVAILABLE");
  EXPECT_EQ(q.error().message,
            "no price for " + kBonk.short_form() + " right now: pumpfun (E-RPC: timeout); jupiter (E-HTTP: HTTP 503)");
  EXPECT_EQ(q.error().retry_after, std::chrono::seconds(3));
}

TEST(PriceService, a_token_no_source_knows_is_unknown) {
  auto f = make({{"dexscreener", knows({}, 1, "dexscreener")}, {"jupiter", knows({}, 1, "jupiter")}});
  const auto q = f.service->quote(kOther, kT0);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(q.error().code, "E-UNKNOWN-TOKEN");
  EXPECT_EQ(q.error().message,
            "no price source knows the token " + kOther.to_string() + " (asked dexscreener, jupiter)");
  EXPECT_TRUE(f.service->health()[0].healthy);
}

TEST(PriceService, unknown_to_some_and_failing_in_others_is_unavailable_not_unknown) {
  auto f = make({{"pumpfun", knows({}, 1, "pumpfun")}, {"dexscreener", fails("E-HTTP", "HTTP 429")}});
  const auto q = f.service->quote(kOther, kT0);
  EXPECT_EQ(q.error().code, "E-PRICE-UNAVAILABLE");
  EXPECT_NE(q.error().message.find("not known to pumpfun"), std::string::npos) << q.error().message;
}

TEST(PriceService, a_zero_price_or_wrong_token_answer_is_that_sources_failure) {
  auto f = make({{"bad",
                  [](const Mint& m, TimePoint now) -> Result<Quote> {
                    Quote q = make_quote(m, now, 1, "bad");
                    q.price = Price();
                    return q;
                  }},
                 {"good", knows({kBonk}, 3, "good")}});
  EXPECT_EQ(f.service->quote(kBonk, kT0)->source, "good");
  EXPECT_EQ(f.service->health()[0].last_error, "E-BAD-QUOTE: bad answered with a zero price");
}

TEST(PriceService, without_sources_nothing_is_invented) {
  PriceService empty({});
  EXPECT_EQ(empty.quote(kBonk, kT0).error().code, "E-PRICE-UNAVAILABLE");
  EXPECT_FALSE(empty.simulated());
  // Only the given sources are asked: a failing live source does not fall back to demo prices.
  auto f = make({{"jupiter", fails("E-HTTP", "down")}});
  EXPECT_EQ(f.service->quote(kBonk, kT0).error().code, "E-PRICE-UNAVAILABLE");
}

TEST(PriceService, quote_many_batches_per_source_and_skips_cached_mints) {
  auto f = make({{"first", knows({kBonk}, 2, "first")}, {"second", knows({kWif}, 3, "second")}});
  (void)f.service->quote(kBonk, kT0);  // cached
  const std::vector<Mint> mints = {kBonk, kWif, kOther};
  const auto results = f.service->quote_many(mints, kT0 + Millis(500));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]->source, "first");
  EXPECT_EQ(results[0]->observed_at, kT0);  // from the cache
  EXPECT_EQ(results[1]->source, "second");
  EXPECT_EQ(results[2].error().code, "E-UNKNOWN-TOKEN");
  EXPECT_EQ(f.fakes[0]->batch_sizes, (std::vector<std::size_t>{2}));  // WIF and the unknown one
  EXPECT_EQ(f.fakes[1]->batch_sizes, (std::vector<std::size_t>{2}));
  EXPECT_EQ(f.service->health()[1].quote_count, 1u);
}

TEST(PriceService, token_info_comes_from_the_first_source_that_knows_and_is_cached) {
  auto f = make({{"first", knows({}, 1, "first")}, {"second", knows({}, 1, "second")}},
                PriceServiceOptions{Millis(2000), Millis(60'000)});
  EXPECT_EQ(f.service->token_info(kBonk, kT0)->symbol, "first");
  EXPECT_EQ(f.service->token_info(kBonk, kT0 + Millis(59'000))->symbol, "first");
  EXPECT_EQ(f.fakes[0]->info_calls, 1);
  (void)f.service->token_info(kBonk, kT0 + Millis(60'000));
  EXPECT_EQ(f.fakes[0]->info_calls, 2);
  EXPECT_EQ(f.fakes[1]->info_calls, 0);
}

TEST(PriceService, symbols_resolve_through_the_sources_in_order) {
  std::vector<std::unique_ptr<PriceSource>> sources;
  sources.push_back(std::make_unique<FakeSource>("fake", knows({}, 1, "fake")));
  sources.push_back(std::make_unique<DemoMarket>());
  PriceService service(std::move(sources));
  EXPECT_EQ(service.resolve_symbol("FAKE"), kOther);
  EXPECT_EQ(service.resolve_symbol("BONK"), kBonk);
  EXPECT_EQ(service.resolve_symbol("NOPE"), std::nullopt);
  EXPECT_FALSE(service.simulated());  // one live source
}

TEST(PriceService, demo_only_service_is_simulated_and_quotes_demo_prices) {
  std::vector<std::unique_ptr<PriceSource>> sources;
  sources.push_back(std::make_unique<DemoMarket>());
  PriceService service(std::move(sources));
  EXPECT_TRUE(service.simulated());
  const auto q = service.quote(kBonk, kT0);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->price, demo_quote(*find_demo_token(kBonk), kT0).price);
  EXPECT_TRUE(q->simulated);
}

TEST(PriceService, eight_threads_quote_concurrently_without_losing_count) {
  std::vector<std::unique_ptr<PriceSource>> sources;
  auto flaky = std::make_unique<FakeSource>("flaky", [](const Mint&, TimePoint now) -> Result<Quote> {
    if (to_unix_millis(now) % 3 == 0) return retryable("E-HTTP", "flaky");
    return not_found("E-UNKNOWN-TOKEN", "only failures or nothing");
  });
  FakeSource* flaky_ptr = flaky.get();
  sources.push_back(std::move(flaky));
  sources.push_back(std::make_unique<DemoMarket>());
  PriceService service(std::move(sources), PriceServiceOptions{Millis(5), Millis(1000)});
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const Mint& m = (i + t) % 2 ? kBonk : kWif;
        const auto now = kT0 + Millis(i * 7 + t);
        const auto q = service.quote(m, now);
        if (q.ok() && q->simulated && q->mint == m)
          ++ok;
        else
          ++failed;
        if (i % 100 == 0) (void)service.health();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, 16'000);
  EXPECT_EQ(failed, 0);
  const auto h = service.health();
  // Every fetch asked the flaky source first; what it did not answer, the demo market did.
  EXPECT_EQ(static_cast<std::uint64_t>(flaky_ptr->calls.load()), h[1].quote_count);
  EXPECT_GT(h[1].quote_count, 0u);
  // How many the cache served depends on how the threads interleave (none when the scheduler runs
  // them one after another), so only the upper bound is certain.
  EXPECT_LE(h[1].quote_count, 16'000u);
}

TEST(PriceService, a_tick_from_another_process_is_reused_like_an_own_answer_and_keeps_its_source_fresh) {
  auto f = make({{"pumpfun", knows({kBonk}, 7, "pumpfun")}, {"dexscreener", knows({kBonk}, 8, "dexscreener")}});
  // The owner observed 9 at T0; this process applies it 500 ms later without asking any source.
  f.service->apply_tick(make_quote(kBonk, kT0, 9, "pumpfun"), kT0 + Millis(500));
  const auto q = f.service->quote(kBonk, kT0 + Millis(1900));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->price, Price::from_ratio(9, 1).value());
  EXPECT_EQ(f.fakes[0]->calls, 0);
  const auto health = f.service->health();
  ASSERT_TRUE(health[0].last_success.has_value());
  EXPECT_EQ(*health[0].last_success, kT0) << "freshness is the owner's observation time, not arrival";
  EXPECT_FALSE(health[1].last_success.has_value()) << "only the tick's source counts as answering";
  // An older tick never replaces a newer quote; a tick stamped ahead of our clock counts as now.
  f.service->apply_tick(make_quote(kBonk, kT0 - Millis(100), 5, "pumpfun"), kT0 + Millis(600));
  EXPECT_EQ(f.service->quote(kBonk, kT0 + Millis(700))->price, Price::from_ratio(9, 1).value());
  f.service->apply_tick(make_quote(kBonk, kT0 + Millis(60'000), 11, "dexscreener"), kT0 + Millis(800));
  EXPECT_EQ(*f.service->health()[1].last_success, kT0 + Millis(800));
  // Past the reuse window the service asks its own sources again, as the owner would.
  EXPECT_EQ(f.service->quote(kBonk, kT0 + Millis(62'500))->price, Price::from_ratio(7, 1).value());
  EXPECT_EQ(f.fakes[0]->calls, 1);
}

}  // namespace
}  // namespace kt::market
