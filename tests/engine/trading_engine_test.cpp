#include "engine/trading_engine.hpp"

#include <gtest/gtest.h>

#include "engine/accounts.hpp"
#include "engine/fakes.hpp"
#include "engine/portfolio.hpp"

namespace kt::engine {
namespace {

const Mint kBonk = *Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");

class TradingEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = testing::fresh_repository();
    ASSERT_NE(repo_, nullptr);
    config_.admin_telegram_ids = {999};
    engine_ = std::make_unique<TradingEngine>(*repo_, quotes_, clock_, config_);
    accounts_ = std::make_unique<Accounts>(*repo_, clock_, config_);
    portfolio_ = std::make_unique<Portfolio>(*repo_, quotes_, clock_, config_.fees);
    set_price("0.00002");
  }
  void set_price(const char* sol_per_token) { quotes_.set(testing::quote_at(kBonk, sol_per_token, 5, clock_.now())); }
  User user(std::int64_t telegram_id = 42) {
    return accounts_->register_user(TelegramUserId{telegram_id}, "alice", std::nullopt)->user;
  }
  Lamports balance(UserId id) { return portfolio_->summary(id)->wallet.balance; }
  Lamports ledger_sum(UserId id) {
    Lamports sum;
    EXPECT_TRUE(repo_
                    ->read([&](storage::Transaction& tx) -> Result<void> {
                      KT_TRY(sum, tx.ledger_sum(id));
                      return {};
                    })
                    .ok());
    return sum;
  }

  ManualClock clock_;
  testing::FakeQuotes quotes_;
  EngineConfig config_;
  std::unique_ptr<storage::Repository> repo_;
  std::unique_ptr<TradingEngine> engine_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Portfolio> portfolio_;
};

TEST_F(TradingEngineTest, open_then_close_moves_balance_exactly_as_computed_by_hand) {
  const User u = user();
  auto opened = engine_->open_position({u.id, kBonk, Lamports{1'000'000'000}, Side::kLong, std::nullopt});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->position.qty_raw, 4'962'717'582u);
  EXPECT_EQ(opened->balance_after.value, 998'999'900'000);
  auto closed = engine_->close_position({u.id, opened->position.id, 100, std::nullopt});
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_EQ(closed->credited.value, 985'011'846);
  EXPECT_EQ(closed->pnl.value, 985'011'846 - 1'000'100'000);
  EXPECT_EQ(closed->position.status, PositionStatus::kClosed);
  EXPECT_EQ(balance(u.id).value, 999'984'911'846);
  EXPECT_EQ(ledger_sum(u.id).value, 999'984'911'846 - 1'000'000'000'000);
  EXPECT_EQ(portfolio_->summary(u.id)->realized.value, -15'088'154);
}

TEST_F(TradingEngineTest, refusals_name_the_rule_and_the_numbers) {
  const User u = user();
  auto big = engine_->open_position({u.id, kBonk, Lamports::from_sol(150), Side::kLong, std::nullopt});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, "E-LIMIT");
  EXPECT_EQ(big.error().message, "Position size 150 SOL exceeds your basic limit of 100 SOL");
  auto tiny = engine_->open_position({u.id, kBonk, Lamports{1'000'000}, Side::kLong, std::nullopt});
  EXPECT_EQ(tiny.error().message, "Position size 0.001 SOL is below the minimum of 0.01 SOL");
  EXPECT_EQ(balance(u.id), Lamports::from_sol(1000));
}

TEST_F(TradingEngineTest, admins_have_no_limit_but_the_balance_still_counts) {
  const User admin = user(999);
  EXPECT_EQ(admin.role, Role::kAdmin);
  auto r = engine_->open_position({admin.id, kBonk, Lamports::from_sol(1000), Side::kLong, std::nullopt});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-BALANCE");
  EXPECT_EQ(
      r.error().message,
      "Insufficient balance: this trade needs 1000.0001 SOL (1000 SOL + 0.0001 SOL network fee), you have 1000 SOL");
  EXPECT_TRUE(engine_->open_position({admin.id, kBonk, Lamports::from_sol(500), Side::kLong, std::nullopt}).ok());
}

TEST_F(TradingEngineTest, a_size_too_large_to_fill_exactly_is_refused_for_the_balance_first_then_by_name) {
  const User admin = user(999);
  // 10^-10 SOL per token with 9 decimals: 10^-10 lamports per base unit, so 500 SOL would buy
  // about 5·10^21 base units, more than a u64 token amount holds.
  quotes_.set(testing::quote_at(kBonk, "0.0000000001", 9, clock_.now()));
  auto unaffordable = engine_->open_position({admin.id, kBonk, Lamports::from_sol(5000), Side::kLong, std::nullopt});
  ASSERT_FALSE(unaffordable.ok());
  EXPECT_EQ(unaffordable.error().code, "E-BALANCE");
  EXPECT_EQ(
      unaffordable.error().message,
      "Insufficient balance: this trade needs 5000.0001 SOL (5000 SOL + 0.0001 SOL network fee), you have 1000 SOL");
  auto too_many_units = engine_->open_position({admin.id, kBonk, Lamports::from_sol(500), Side::kLong, std::nullopt});
  ASSERT_FALSE(too_many_units.ok());
  EXPECT_EQ(too_many_units.error().code, "E-OVERFLOW");
  EXPECT_EQ(too_many_units.error().message,
            "Position size 500 SOL buys more than 18446744073709551615 base units of this token, the most a token "
            "amount can hold; use a smaller size");
  EXPECT_EQ(balance(admin.id), Lamports::from_sol(1000));
  EXPECT_EQ(ledger_sum(admin.id).value, 0);
}

TEST_F(TradingEngineTest, refuses_to_trade_on_a_stale_quote) {
  const User u = user();
  quotes_.set(testing::quote_at(kBonk, "0.00002", 5, clock_.now() - std::chrono::seconds(91)));
  auto r = engine_->open_position({u.id, kBonk, Lamports::from_sol(1), Side::kLong, std::nullopt});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-STALE-PRICE");
  EXPECT_NE(r.error().message.find("91 s old, over the 90 s limit"), std::string::npos);
  EXPECT_EQ(balance(u.id), Lamports::from_sol(1000));
}

TEST_F(TradingEngineTest, limits_the_number_of_open_positions) {
  config_.limits.max_open_positions = 2;
  engine_ = std::make_unique<TradingEngine>(*repo_, quotes_, clock_, config_);
  const User u = user();
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(engine_->open_position({u.id, kBonk, Lamports::from_sol(1), Side::kLong, std::nullopt}).ok());
  auto third = engine_->open_position({u.id, kBonk, Lamports::from_sol(1), Side::kLong, std::nullopt});
  EXPECT_EQ(third.error().code, "E-MAX-POSITIONS");
}

TEST_F(TradingEngineTest, a_redelivered_update_changes_nothing) {
  const User u = user();
  ASSERT_TRUE(engine_->open_position({u.id, kBonk, Lamports::from_sol(1), Side::kLong, 7001}).ok());
  const Lamports after_first = balance(u.id);
  auto again = engine_->open_position({u.id, kBonk, Lamports::from_sol(1), Side::kLong, 7001});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, kDuplicateUpdate);
  EXPECT_EQ(balance(u.id), after_first);
  EXPECT_EQ(portfolio_->open_positions(u.id)->size(), 1u);
}

TEST_F(TradingEngineTest, a_rejected_trade_does_not_consume_its_update_id) {
  const User u = user();
  ASSERT_FALSE(engine_->open_position({u.id, kBonk, Lamports::from_sol(5000), Side::kLong, 8001}).ok());
  // The same update id is not burnt: nothing was applied under it.
  EXPECT_TRUE(repo_
                  ->read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(const auto last, tx.last_update_id());
                    EXPECT_FALSE(last.has_value());
                    return {};
                  })
                  .ok());
}

TEST_F(TradingEngineTest, cannot_close_someone_elses_position_or_one_already_closed) {
  const User alice = user(1), bob = user(2);
  auto opened = *engine_->open_position({alice.id, kBonk, Lamports::from_sol(1), Side::kLong, std::nullopt});
  auto theft = engine_->close_position({bob.id, opened.position.id, 100, std::nullopt});
  EXPECT_EQ(theft.error().code, "E-NO-POSITION");
  EXPECT_EQ(theft.error().message, "Position #" + std::to_string(opened.position.id.value) + " not found");
  ASSERT_TRUE(engine_->close_position({alice.id, opened.position.id, 100, std::nullopt}).ok());
  EXPECT_EQ(engine_->close_position({alice.id, opened.position.id, 100, std::nullopt}).error().code, "E-CLOSED");
  EXPECT_EQ(engine_->close_position({alice.id, PositionId{9999}, 100, std::nullopt}).error().code, "E-NO-POSITION");
}

TEST_F(TradingEngineTest, partial_closes_add_up_to_the_whole_position) {
  const User u = user();
  auto opened = *engine_->open_position({u.id, kBonk, Lamports::from_sol(2), Side::kLong, std::nullopt});
  set_price("0.00003");
  auto a = *engine_->close_position({u.id, opened.position.id, 25, std::nullopt});
  auto b = *engine_->close_position({u.id, opened.position.id, 50, std::nullopt});
  auto c = *engine_->close_position({u.id, opened.position.id, 100, std::nullopt});
  EXPECT_EQ(a.fill.qty_raw + b.fill.qty_raw + c.fill.qty_raw, opened.position.qty_raw);
  EXPECT_EQ(a.fill.cost_released + b.fill.cost_released + c.fill.cost_released, opened.position.cost);
  EXPECT_EQ(c.position.status, PositionStatus::kClosed);
  EXPECT_EQ(c.position.realized_pnl, a.pnl + b.pnl + c.pnl);
  EXPECT_EQ(balance(u.id) - Lamports::from_sol(1000), ledger_sum(u.id));
  EXPECT_GT(c.position.realized_pnl.value, 0);
}

TEST_F(TradingEngineTest, a_short_is_liquidated_whole_when_its_loss_reaches_the_collateral) {
  const User u = user();
  auto opened = *engine_->open_position({u.id, kBonk, Lamports::from_sol(1), Side::kShort, std::nullopt});
  set_price("0.00005");
  auto closed = engine_->close_position({u.id, opened.position.id, 25, std::nullopt});
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed->fill.liquidated);
  EXPECT_EQ(closed->fill.qty_raw, opened.position.qty_raw);
  EXPECT_EQ(closed->position.status, PositionStatus::kLiquidated);
  EXPECT_EQ(closed->credited.value, -100'000);  // only the network fee, from the balance
  EXPECT_EQ(balance(u.id).value, 1'000'000'000'000 - 1'000'100'000 - 100'000);
}

TEST_F(TradingEngineTest, unknown_users_are_told_to_start) {
  auto r = engine_->open_position({UserId{12345}, kBonk, Lamports::from_sol(1), Side::kLong, std::nullopt});
  EXPECT_EQ(r.error().code, "E-NO-USER");
}

}  // namespace
}  // namespace kt::engine

namespace kt::engine {
namespace {

TEST_F(TradingEngineTest, grants_and_resets_go_through_the_ledger_and_keep_it_adding_up) {
  const User admin = user(999), u = user(5);
  EXPECT_EQ(accounts_->grant(u, "999", Lamports::from_sol(1), std::nullopt).error().code, "E-NOT-ALLOWED");
  auto granted = accounts_->grant(admin, "5", Lamports::from_sol(50), std::nullopt);
  ASSERT_TRUE(granted.ok()) << granted.error().message;
  EXPECT_EQ(granted->balance, Lamports::from_sol(1050));
  ASSERT_TRUE(engine_->open_position({u.id, kBonk, Lamports::from_sol(2), Side::kLong, std::nullopt}).ok());
  set_price("0.00003");
  auto second = engine_->open_position({u.id, kBonk, Lamports::from_sol(1), Side::kLong, std::nullopt});
  ASSERT_TRUE(engine_->close_position({u.id, second->position.id, 100, std::nullopt}).ok());
  const Lamports realized_before = portfolio_->summary(u.id)->realized;
  EXPECT_LT(realized_before.value, 0);  // a round trip at one price loses fees
  auto reset = accounts_->reset(u.id, std::nullopt);
  ASSERT_TRUE(reset.ok()) << reset.error().message;
  EXPECT_EQ(reset->balance, Lamports::from_sol(1000));
  EXPECT_EQ(balance(u.id) - Lamports::from_sol(1000), ledger_sum(u.id));
  EXPECT_TRUE(portfolio_->open_positions(u.id)->empty());
  // The forfeited position's cost (2.0001 SOL) is booked as a realized loss.
  EXPECT_EQ(portfolio_->summary(u.id)->realized, realized_before - Lamports{2'000'100'000});
}

TEST_F(TradingEngineTest, the_before_commit_step_runs_in_the_trade_transaction_and_its_error_rolls_the_trade_back) {
  const User u = user();
  const Lamports before = balance(u.id);
  auto refused = engine_->open_position({u.id, kBonk, Lamports{1'000'000'000}, Side::kLong, 7001},
                                        [&](storage::Transaction& tx, const PositionOpened& opened) -> Result<void> {
                                          // The trade is visible inside its own transaction.
                                          KT_TRY(const Wallet w, tx.get_wallet(u.id));
                                          EXPECT_EQ(w.balance, opened.balance_after);
                                          return rejected("E-TEST", "the reply could not be stored");
                                        });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "E-TEST");
  EXPECT_EQ(balance(u.id), before) << "rolled back";
  EXPECT_TRUE(portfolio_->open_positions(u.id)->empty());

  std::optional<PositionId> stored_for;
  auto opened = engine_->open_position({u.id, kBonk, Lamports{1'000'000'000}, Side::kLong, 7001},
                                       [&](storage::Transaction& tx, const PositionOpened& o) -> Result<void> {
                                         stored_for = o.position.id;
                                         return tx.store_reply(7001, "[\"opened\"]");
                                       });
  ASSERT_TRUE(opened.ok()) << "the update id was released by the rollback: " << opened.error().message;
  EXPECT_EQ(stored_for, opened->position.id);
  auto closed = engine_->close_position({u.id, opened->position.id, 100, 7002},
                                        [&](storage::Transaction& tx, const PositionClosed& c) -> Result<void> {
                                          EXPECT_EQ(c.position.status, PositionStatus::kClosed);
                                          return tx.store_reply(7002, "[\"closed\"]");
                                        });
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  std::vector<std::pair<std::int64_t, std::string>> unsent;
  ASSERT_TRUE(repo_
                  ->read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(unsent, tx.unsent_replies(10));
                    return {};
                  })
                  .ok());
  EXPECT_EQ(unsent, (std::vector<std::pair<std::int64_t, std::string>>{{7001, "[\"opened\"]"}, {7002, "[\"closed\"]"}}))
      << "committed with the trades";
}

}  // namespace
}  // namespace kt::engine
