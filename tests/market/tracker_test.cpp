#include <gtest/gtest.h>

#include <atomic>

#include "market/token_tracker.hpp"

namespace kt::market {
namespace {

const TimePoint kStart = from_unix_millis(1'750'000'000'000);

Mint mint_no(std::uint8_t i) {
  Mint::Bytes b{};
  b[0] = 0x42;
  b[1] = i;
  return Mint(b);
}

/// Answers every known mint at a settable price (lamports per raw unit = num / 1000); counts batches.
class ScriptedSource final : public PriceSource {
 public:
  std::string name() const override { return "scripted"; }
  Result<Quote> quote(const Mint& mint, TimePoint now) override {
    std::lock_guard lock(mutex_);
    const auto it = prices_.find(mint);
    if (it == prices_.end()) return not_found("E-UNKNOWN-TOKEN", "unknown");
    Quote q;
    q.mint = mint;
    q.price = *Price::from_ratio(it->second, 1000);
    q.decimals = 6;
    q.source = name();
    q.observed_at = now;
    return q;
  }
  std::vector<Result<Quote>> quote_many(std::span<const Mint> mints, TimePoint now) override {
    ++batches;
    return PriceSource::quote_many(mints, now);
  }
  Result<TokenInfo> token_info(const Mint&, TimePoint) override { return not_found("E-UNKNOWN-TOKEN", "n/a"); }
  void set(const Mint& m, std::uint64_t num) {
    std::lock_guard lock(mutex_);
    prices_[m] = num;
  }
  std::atomic<int> batches{0};

 private:
  std::mutex mutex_;
  std::map<Mint, std::uint64_t> prices_;
};

/// A repository whose next `fail_writes` writes fail with a retryable E-STORAGE.
class FlakyRepository final : public storage::Repository {
 public:
  explicit FlakyRepository(storage::Repository& inner) : inner_(inner) {}
  Result<void> migrate() override { return inner_.migrate(); }
  Result<std::vector<int>> applied_migrations() override { return inner_.applied_migrations(); }
  Result<void> write(const std::function<Result<void>(storage::Transaction&)>& work) override {
    if (fail_writes > 0) {
      --fail_writes;
      return retryable("E-STORAGE", "database is locked");
    }
    return inner_.write(work);
  }
  Result<void> read(const std::function<Result<void>(storage::Transaction&)>& work) override {
    return inner_.read(work);
  }
  std::string backend_name() const override { return inner_.backend_name(); }
  std::atomic<int> fail_writes{0};

 private:
  storage::Repository& inner_;
};

struct TrackerFixture {
  TrackerFixture() {
    repo = std::move(storage::open_repository("sqlite::memory:", 1).value());
    EXPECT_TRUE(repo->migrate().ok());
    auto src = std::make_unique<ScriptedSource>();
    source = src.get();
    std::vector<std::unique_ptr<PriceSource>> sources;
    sources.push_back(std::move(src));
    service = std::make_unique<PriceService>(std::move(sources));
    flaky = std::make_unique<FlakyRepository>(*repo);
    tracker = std::make_unique<TokenTracker>(*flaky, *service, clock, TrackerOptions{Millis{3'600'000}});
  }
  std::optional<storage::PriceRecord> latest(const Mint& m) {
    std::optional<storage::PriceRecord> out;
    EXPECT_TRUE(repo->read([&](storage::Transaction& tx) -> Result<void> {
                      KT_TRY(out, tx.latest_price(m));
                      return ok_result();
                    })
                    .ok());
    return out;
  }

  ManualClock clock{kStart};
  std::unique_ptr<storage::Repository> repo;
  ScriptedSource* source = nullptr;
  std::unique_ptr<PriceService> service;
  std::unique_ptr<FlakyRepository> flaky;
  std::unique_ptr<TokenTracker> tracker;
};

TEST(TokenTracker, tracks_viewed_tokens_for_the_ttl_and_extra_mints) {
  TrackerFixture f;
  f.tracker->note_viewed(mint_no(1), kStart);
  f.tracker->note_viewed(mint_no(2), kStart - std::chrono::minutes(59));
  f.tracker->set_extra_mints([] { return std::vector<Mint>{mint_no(3), mint_no(1)}; });
  auto set = f.tracker->tracked(kStart + std::chrono::minutes(2));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, (std::vector<Mint>{mint_no(1), mint_no(3)}));  // 2 expired after 61 minutes; no duplicates
}

TEST(TokenTracker, a_cycle_stores_prices_publishes_ticks_and_computes_metrics_in_one_batch) {
  TrackerFixture f;
  for (std::uint8_t i = 1; i <= 3; ++i) {
    f.source->set(mint_no(i), 1000u * i);
    f.tracker->note_viewed(mint_no(i), kStart);
  }
  f.tracker->note_viewed(mint_no(9), kStart);  // nobody prices it
  std::vector<Quote> ticks;
  f.tracker->set_on_tick([&](const Quote& q) { ticks.push_back(q); });
  std::vector<TokenMetrics> stored;
  f.tracker->set_metrics_store([&](storage::Transaction&, const TokenMetrics& m) -> Result<void> {
    stored.push_back(m);
    return ok_result();
  });
  const auto report = f.tracker->run_cycle(kStart);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->tracked, 4u);
  EXPECT_EQ(report->fresh, 3u);
  EXPECT_EQ(report->failed, 1u);
  EXPECT_EQ(f.source->batches, 1);
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[1].mint, mint_no(2));
  const auto row = f.latest(mint_no(2));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->price, *Price::from_ratio(2000, 1000));
  EXPECT_EQ(row->source, "scripted");
  EXPECT_EQ(row->observed_at, kStart);
  ASSERT_EQ(stored.size(), 3u);
  // 2 lamports per raw unit, 6 decimals: 0.002 SOL per token.
  EXPECT_DOUBLE_EQ(*f.tracker->metrics(mint_no(2))->last_price_sol, 0.002);

  // Within the 2 s reuse window the service hands back the same quote: nothing new to store or publish.
  const auto again = f.tracker->run_cycle(kStart + Millis{500});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->fresh, 0u);
  EXPECT_EQ(ticks.size(), 3u);

  // An hour later the price doubled: the metrics see the stored history.
  f.source->set(mint_no(2), 4000);
  for (std::uint8_t i = 1; i <= 3; ++i) f.tracker->note_viewed(mint_no(i), kStart + std::chrono::minutes(60));
  const auto later = f.tracker->run_cycle(kStart + std::chrono::minutes(61));
  ASSERT_TRUE(later.ok()) << later.error().code << later.error().message;
  EXPECT_EQ(later->fresh, 3u);
  const auto m = f.tracker->metrics(mint_no(2));
  ASSERT_TRUE(m.has_value());
  EXPECT_DOUBLE_EQ(*m->change_1h_pct, 100.0);
  EXPECT_DOUBLE_EQ(*m->high_24h, 0.004);
  EXPECT_DOUBLE_EQ(*m->low_24h, 0.002);
}

TEST(TokenTracker, marks_tokens_nobody_tracks_any_more_inactive) {
  TrackerFixture f;
  ASSERT_TRUE(f.repo
                  ->write([&](storage::Transaction& tx) -> Result<void> {
                    return tx.upsert_token(storage::TokenRecord{mint_no(1), "ONE", "One", 6, true, kStart});
                  })
                  .ok());
  f.source->set(mint_no(1), 1000);
  f.tracker->note_viewed(mint_no(1), kStart);
  ASSERT_TRUE(f.tracker->run_cycle(kStart).ok());
  const auto later = f.tracker->run_cycle(kStart + std::chrono::minutes(61));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->tracked, 0u);
  EXPECT_EQ(later->deactivated, 1u);
  std::optional<storage::TokenRecord> token;
  ASSERT_TRUE(f.repo
                  ->read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(token, tx.find_token(mint_no(1)));
                    return ok_result();
                  })
                  .ok());
  ASSERT_TRUE(token.has_value());
  EXPECT_FALSE(token->is_active);
  // Viewed again: active again.
  f.tracker->note_viewed(mint_no(1), kStart + std::chrono::minutes(62));
  ASSERT_TRUE(f.tracker->run_cycle(kStart + std::chrono::minutes(62)).ok());
  ASSERT_TRUE(f.repo
                  ->read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(token, tx.find_token(mint_no(1)));
                    return ok_result();
                  })
                  .ok());
  EXPECT_TRUE(token->is_active);
}

TEST(TokenTracker, background_loop_logs_a_failing_cycle_and_goes_on) {
  TrackerFixture f;
  f.source->set(mint_no(1), 1000);
  f.tracker->note_viewed(mint_no(1), kStart);
  f.flaky->fail_writes = 1;
  std::mutex m;
  std::vector<std::string> log;
  std::atomic<int> ticks{0};
  f.tracker->set_logger([&](std::string line) {
    std::lock_guard lock(m);
    log.push_back(std::move(line));
  });
  f.tracker->set_on_tick([&](const Quote&) { ++ticks; });
  std::atomic<int> sleeps{0};
  f.tracker->start(Millis{60'000}, [&](Millis d) {
    f.clock.advance(d);  // injected time: the loop never really waits a minute
    ++sleeps;
    std::this_thread::yield();
  });
  for (int i = 0; i < 2000 && ticks.load() < 2; ++i) std::this_thread::sleep_for(Millis{1});
  f.tracker->stop();
  EXPECT_GE(ticks.load(), 2);  // the cycles after the failed one stored and published
  std::lock_guard lock(m);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0], "tracker cycle failed: E-STORAGE: database is locked");
}

}  // namespace
}  // namespace kt::market
