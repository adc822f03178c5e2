// Many threads trading for the same users through separate repositories on one SQLite file (as
// separate processes would): no double spend, no negative balance, conservation to the lamport.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "engine/accounts.hpp"
#include "engine/fakes.hpp"
#include "engine/trading_engine.hpp"

namespace kt::engine {
namespace {

TEST(EngineConcurrency, parallel_opens_never_spend_more_than_the_balance) {
  const auto path = std::filesystem::temp_directory_path() / ("kt_engine_conc_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  ManualClock clock;
  testing::FakeQuotes quotes;
  const Mint mint = *Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
  quotes.set(testing::quote_at(mint, "0.00002", 5, clock.now()));
  EngineConfig config;
  config.initial_balance = Lamports::from_sol(10);  // room for 9 trades of 1 SOL + fee, not 10
  config.limits.max_open_positions = 1000;

  std::vector<std::unique_ptr<storage::Repository>> repos;
  for (int i = 0; i < 4; ++i) {
    auto r = storage::sqlite::open_sqlite_repository(path.string());
    ASSERT_TRUE(r.ok());
    repos.push_back(std::move(*r));
  }
  ASSERT_TRUE(repos[0]->migrate().ok());
  Accounts accounts(*repos[0], clock, config);
  const UserId user = accounts.register_user(TelegramUserId{1}, "", std::nullopt)->user.id;

  std::atomic<int> filled{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      TradingEngine engine(*repos[static_cast<std::size_t>(t)], quotes, clock, config);
      for (int i = 0; i < 5; ++i) {
        auto r = engine.open_position({user, mint, Lamports::from_sol(1), Side::kLong, std::nullopt});
        if (r.ok())
          ++filled;
        else if (r.error().code == "E-BALANCE")
          ++refused;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(filled.load(), 9);
  EXPECT_EQ(refused.load(), 11);
  ASSERT_TRUE(repos[0]
                  ->read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(const Wallet w, tx.get_wallet(user));
                    KT_TRY(const Lamports sum, tx.ledger_sum(user));
                    EXPECT_EQ(w.balance.value, 10'000'000'000 - 9LL * 1'000'100'000);
                    EXPECT_EQ(w.balance, w.initial + sum);
                    return {};
                  })
                  .ok());
  repos.clear();
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

}  // namespace
}  // namespace kt::engine
