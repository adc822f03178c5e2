// Conditional orders: triggers, ties, gaps, trailing, expiry, exactly-once fills, restarts.
#include "engine/order_book.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/accounts.hpp"
#include "engine/fakes.hpp"
#include "market/price_service.hpp"
#include "market/replay_source.hpp"

namespace kt::engine {
namespace {

const Mint kBonk = *Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
Price sol(const char* text) { return *Price::from_sol_per_token(text, 5); }

class OrderBookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = testing::fresh_repository();
    ASSERT_NE(repo_, nullptr);
    trading_ = std::make_unique<TradingEngine>(*repo_, quotes_, clock_, config_);
    accounts_ = std::make_unique<Accounts>(*repo_, clock_, config_);
    book_ = std::make_unique<OrderBook>(*repo_, *trading_, quotes_, clock_);
    user_ = accounts_->register_user(TelegramUserId{42}, "alice", std::nullopt)->user.id;
    price("0.00002");
  }
  Quote price(const char* text) {
    clock_.advance(Millis{1000});
    Quote q = testing::quote_at(kBonk, text, 5, clock_.now());
    quotes_.set(q);
    return q;
  }
  std::vector<OrderOutcome> tick(const char* text) { return book_->on_tick(price(text)); }
  Lamports balance() {
    Lamports b;
    EXPECT_TRUE(repo_
                    ->read([&](storage::Transaction& tx) -> Result<void> {
                      KT_TRY(const Wallet w, tx.get_wallet(user_));
                      b = w.balance;
                      return {};
                    })
                    .ok());
    return b;
  }
  PositionId open_long(const char* size = "1") {
    return trading_->open_position({user_, kBonk, *parse_sol(size), Side::kLong, std::nullopt})->position.id;
  }

  ManualClock clock_;
  testing::FakeQuotes quotes_;
  EngineConfig config_;
  std::unique_ptr<storage::Repository> repo_;
  std::unique_ptr<TradingEngine> trading_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<OrderBook> book_;
  UserId user_;
};

TEST_F(OrderBookTest, limit_buy_waits_then_fills_on_the_tick_that_reaches_its_price) {
  auto order =
      book_->place_limit_buy({user_, kBonk, Lamports::from_sol(1), sol("0.000015"), std::nullopt, std::nullopt});
  ASSERT_TRUE(order.ok()) << order.error().message;
  EXPECT_TRUE(tick("0.000018").empty());
  EXPECT_TRUE(tick("0.0000151").empty());
  auto filled = tick("0.000015");  // a tie triggers
  ASSERT_EQ(filled.size(), 1u);
  EXPECT_EQ(filled[0].order.status, OrderStatus::kFilled);
  ASSERT_TRUE(filled[0].opened.has_value());
  EXPECT_EQ(filled[0].owner.value, 42);
  EXPECT_EQ(filled[0].order.filled_position, filled[0].opened->position.id);
  EXPECT_EQ(balance().value, 1'000'000'000'000 - 1'000'100'000);
  EXPECT_TRUE(tick("0.000014").empty()) << "filled exactly once";
}

TEST_F(OrderBookTest, a_gap_over_the_trigger_fills_at_the_gap_price) {
  const PositionId id = open_long();
  auto sl = book_->place_exit({user_, id, OrderKind::kStopLoss, {std::nullopt, -1000}, 0, std::nullopt, std::nullopt});
  ASSERT_TRUE(sl.ok()) << sl.error().message;
  auto out = tick("0.00001");  // −50 % in one jump, far through the −10 % stop
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].closed.has_value());
  EXPECT_EQ(out[0].closed->position.status, PositionStatus::kClosed);
  EXPECT_EQ(out[0].closed->quote.price, sol("0.00001"));
  EXPECT_LT(out[0].closed->pnl.value, -400'000'000);
}

TEST_F(OrderBookTest, take_profit_triggers_at_or_above_and_not_below) {
  const PositionId id = open_long();
  ASSERT_TRUE(
      book_
          ->place_exit(
              {user_, id, OrderKind::kTakeProfit, {sol("0.00003"), std::nullopt}, 0, std::nullopt, std::nullopt})
          .ok());
  EXPECT_TRUE(tick("0.0000299").empty());
  const auto out = tick("0.00003");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_GT(out[0].closed->pnl.value, 0);
}

TEST_F(OrderBookTest, refuses_an_exit_that_is_already_crossed) {
  const PositionId id = open_long();
  auto tp = book_->place_exit(
      {user_, id, OrderKind::kTakeProfit, {sol("0.00001"), std::nullopt}, 0, std::nullopt, std::nullopt});
  ASSERT_FALSE(tp.ok());
  EXPECT_NE(tp.error().message.find("already crossed"), std::string::npos);
}

TEST_F(OrderBookTest, trailing_stop_only_ever_rises_and_fires_on_the_retrace) {
  const PositionId id = open_long();
  ASSERT_TRUE(book_->place_exit({user_, id, OrderKind::kTrailingStop, {}, 1000, std::nullopt, std::nullopt}).ok());
  EXPECT_TRUE(tick("0.00003").empty());   // new high 0.00003 → stop 0.000027
  EXPECT_TRUE(tick("0.000028").empty());  // dip above the stop; the high stays
  EXPECT_TRUE(tick("0.00004").empty());   // new high → stop 0.000036
  EXPECT_TRUE(tick("0.0000361").empty());
  auto orders = book_->list(user_, true);
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ(*orders->front().extreme, sol("0.00004"));
  EXPECT_EQ(trailing_stop_price(orders->front()), sol("0.000036"));
  const auto out = tick("0.000036");  // tie with the stop
  ASSERT_EQ(out.size(), 1u);
  EXPECT_GT(out[0].closed->pnl.value, 0);
}

TEST_F(OrderBookTest, orders_expire_instead_of_filling_late) {
  auto order = book_->place_limit_buy(
      {user_, kBonk, Lamports::from_sol(1), sol("0.00001"), clock_.now() + std::chrono::seconds(5), std::nullopt});
  ASSERT_TRUE(order.ok());
  clock_.advance(Millis{10'000});
  const auto out = tick("0.000005");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].order.status, OrderStatus::kExpired);
  EXPECT_EQ(balance(), Lamports::from_sol(1000));
}

TEST_F(OrderBookTest, a_limit_buy_the_wallet_cannot_pay_fails_visibly_once) {
  ASSERT_TRUE(
      book_->place_limit_buy({user_, kBonk, Lamports::from_sol(100), sol("0.00001"), std::nullopt, std::nullopt}).ok());
  for (int i = 0; i < 10; ++i) open_long("99");  // spend 990.001 SOL
  const auto out = tick("0.00001");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].order.status, OrderStatus::kFailed);
  ASSERT_TRUE(out[0].failure.has_value());
  EXPECT_EQ(out[0].failure->code, "E-BALANCE");
  EXPECT_TRUE(tick("0.000009").empty());
}

TEST_F(OrderBookTest, closing_a_position_cancels_its_exit_orders) {
  const PositionId id = open_long();
  ASSERT_TRUE(
      book_->place_exit({user_, id, OrderKind::kStopLoss, {std::nullopt, -2000}, 0, std::nullopt, std::nullopt}).ok());
  ASSERT_TRUE(trading_->close_position({user_, id, 100, std::nullopt}).ok());
  const auto orders = book_->list(user_, false);
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ(orders->front().status, OrderStatus::kCancelled);
  EXPECT_TRUE(tick("0.000001").empty());
}

TEST_F(OrderBookTest, cancel_is_only_for_the_owner_and_only_once) {
  auto order =
      *book_->place_limit_buy({user_, kBonk, Lamports::from_sol(1), sol("0.00001"), std::nullopt, std::nullopt});
  const UserId bob = accounts_->register_user(TelegramUserId{7}, "bob", std::nullopt)->user.id;
  EXPECT_EQ(book_->cancel(bob, order.id, std::nullopt).error().code, "E-NO-ORDER");
  EXPECT_TRUE(book_->cancel(user_, order.id, std::nullopt).ok());
  EXPECT_EQ(book_->cancel(user_, order.id, std::nullopt).error().code, "E-ORDER");
  EXPECT_TRUE(tick("0.000001").empty());
}

TEST(OrderBookRace, two_ticks_racing_fill_an_order_exactly_once_across_restarts) {
  const auto path = std::filesystem::temp_directory_path() / ("kt_orders_race_" + std::to_string(::getpid()) + ".db");
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + s);
  ManualClock clock;
  testing::FakeQuotes quotes;
  EngineConfig config;
  quotes.set(testing::quote_at(kBonk, "0.00002", 5, clock.now()));
  UserId user;
  {
    auto repo = std::move(*storage::sqlite::open_sqlite_repository(path.string()));
    ASSERT_TRUE(repo->migrate().ok());
    TradingEngine trading(*repo, quotes, clock, config);
    Accounts accounts(*repo, clock, config);
    user = accounts.register_user(TelegramUserId{1}, "", std::nullopt)->user.id;
    OrderBook book(*repo, trading, quotes, clock);
    ASSERT_TRUE(
        book.place_limit_buy({user, kBonk, Lamports::from_sol(1), sol("0.00001"), std::nullopt, std::nullopt}).ok());
  }  // "restart": everything above is gone except the database
  const Quote trigger = testing::quote_at(kBonk, "0.00001", 5, clock.now());
  quotes.set(trigger);
  std::atomic<int> fills{0};
  std::vector<std::thread> processes;
  for (int p = 0; p < 4; ++p) {
    processes.emplace_back([&] {
      auto repo = std::move(*storage::sqlite::open_sqlite_repository(path.string()));
      TradingEngine trading(*repo, quotes, clock, config);
      OrderBook book(*repo, trading, quotes, clock);
      for (const auto& o : book.on_tick(trigger)) fills += o.order.status == OrderStatus::kFilled ? 1 : 0;
    });
  }
  for (auto& t : processes) t.join();
  EXPECT_EQ(fills.load(), 1);
  auto repo = std::move(*storage::sqlite::open_sqlite_repository(path.string()));
  ASSERT_TRUE(repo->read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(const auto open, tx.open_positions(user));
                    EXPECT_EQ(open.size(), 1u);
                    KT_TRY(const Wallet w, tx.get_wallet(user));
                    EXPECT_EQ(w.balance.value, 1'000'000'000'000 - 1'000'100'000);
                    return {};
                  })
                  .ok());
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + s);
}

TEST(OrderBookReplay, scripted_replay_prices_drive_a_stop_loss_and_a_limit_buy) {
  // Prices from the replay source, one row a minute: 0.00002 → down through 0.000015 (limit buy),
  // then a gap from 0.000016 to 0.000012 straight over the stop at −10 % of the entry (≈0.0000136).
  const auto csv = std::filesystem::temp_directory_path() / ("kt_replay_orders_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(csv) << "unix_time,mint,price_sol\n"
                        "1700000000,DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263,0.00002\n"
                        "1700000060,DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263,0.000017\n"
                        "1700000120,DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263,0.000015\n"
                        "1700000180,DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263,0.000016\n"
                        "1700000240,DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263,0.000012\n";
  std::vector<std::unique_ptr<market::PriceSource>> sources;
  sources.push_back(std::move(*market::ReplaySource::open(csv.string())));
  market::PriceService prices(std::move(sources));
  ManualClock clock(from_unix_millis(1'700'000'000'000));
  EngineConfig config;
  auto repo = testing::fresh_repository();
  TradingEngine trading(*repo, prices, clock, config);
  Accounts accounts(*repo, clock, config);
  OrderBook book(*repo, trading, prices, clock);
  const UserId user = accounts.register_user(TelegramUserId{1}, "", std::nullopt)->user.id;
  ASSERT_TRUE(
      book.place_limit_buy({user, kBonk, Lamports::from_sol(1), sol("0.000015"), std::nullopt, std::nullopt}).ok());
  std::vector<std::string> events;
  for (int minute = 0; minute <= 4; ++minute) {
    clock.set(from_unix_millis(1'700'000'000'000 + minute * 60'000));
    auto quote = prices.quote(kBonk, clock.now());
    ASSERT_TRUE(quote.ok());
    for (const auto& o : book.on_tick(*quote)) {
      events.push_back(std::to_string(minute) + ":" + std::string(to_string(o.order.kind)));
      if (o.opened) {
        ASSERT_TRUE(book.place_exit({user,
                                     o.opened->position.id,
                                     OrderKind::kStopLoss,
                                     {std::nullopt, -1000},
                                     0,
                                     std::nullopt,
                                     std::nullopt})
                        .ok());
      }
    }
  }
  EXPECT_EQ(events, (std::vector<std::string>{"2:limit_buy", "4:stop_loss"}));
  std::filesystem::remove(csv);
}

}  // namespace
}  // namespace kt::engine
