// Property: whatever sequence of opens, partial and full closes at whatever prices, for several
// users, every wallet satisfies balance == initial + Σ ledger, never goes negative, and the
// positions' realized PnL adds up to what the ledger paid out.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "engine/accounts.hpp"
#include "engine/fakes.hpp"
#include "engine/portfolio.hpp"
#include "engine/trading_engine.hpp"

namespace kt::engine {
namespace {

struct Step {
  int user = 0;    ///< which of the users acts
  int action = 0;  ///< 0 open long, 1 open short, 2 close some, 3 move the price
  std::int64_t size_milli_sol = 0;
  int percent = 100;
  int price_index = 0;
};

// Prices spanning a memecoin at 1e-10 SOL to a token at 10^4 SOL per whole unit.
constexpr const char* kPrices[] = {"0.0000000001", "0.00000002966", "0.00002", "0.00003", "0.01", "1",
                                   "84.1844",      "10000"};

TEST(ConservationProperty, ledger_adds_up_to_the_lamport_for_random_trading) {
  const bool ok = rc::check("balances equal initial plus ledger", [] {
    const auto steps = *rc::gen::container<std::vector<Step>>(
        *rc::gen::inRange<std::size_t>(1, 60),
        rc::gen::build<Step>(rc::gen::set(&Step::user, rc::gen::inRange(0, 3)),
                             rc::gen::set(&Step::action, rc::gen::inRange(0, 4)),
                             rc::gen::set(&Step::size_milli_sol, rc::gen::inRange<std::int64_t>(1, 150'000)),
                             rc::gen::set(&Step::percent, rc::gen::inRange(1, 101)),
                             rc::gen::set(&Step::price_index, rc::gen::inRange(0, 8))));
    const std::uint8_t decimals = *rc::gen::element<std::uint8_t>(0, 5, 6, 9);
    ManualClock clock;
    testing::FakeQuotes quotes;
    EngineConfig config;
    auto repo = testing::fresh_repository();
    RC_ASSERT(repo != nullptr);
    TradingEngine engine(*repo, quotes, clock, config);
    Accounts accounts(*repo, clock, config);
    const Mint mint = *Mint::parse("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
    quotes.set(testing::quote_at(mint, kPrices[2], decimals, clock.now()));
    std::vector<UserId> users;
    for (int i = 0; i < 3; ++i)
      users.push_back(accounts.register_user(TelegramUserId{100 + i}, "", std::nullopt)->user.id);

    for (const Step& s : steps) {
      const UserId user = users[static_cast<std::size_t>(s.user)];
      clock.advance(Millis{1000});
      quotes.set(testing::quote_at(mint, kPrices[s.price_index], decimals, clock.now()));
      if (s.action <= 1) {
        (void)engine.open_position({user, mint, Lamports{s.size_milli_sol * 1'000'000},
                                    s.action == 0 ? Side::kLong : Side::kShort, std::nullopt});
      } else if (s.action == 2) {
        std::vector<Position> open;
        RC_ASSERT(repo->read([&](storage::Transaction& tx) -> Result<void> {
                        KT_TRY(open, tx.open_positions(user));
                        return {};
                      })
                      .ok());
        if (!open.empty()) (void)engine.close_position({user, open.front().id, s.percent, std::nullopt});
      }
    }
    for (const UserId user : users) {
      RC_ASSERT(repo->read([&](storage::Transaction& tx) -> Result<void> {
                      KT_TRY(const Wallet w, tx.get_wallet(user));
                      KT_TRY(const Lamports sum, tx.ledger_sum(user));
                      RC_ASSERT(w.balance.value >= 0);
                      RC_ASSERT(w.balance == w.initial + sum);
                      // Realized PnL of every position = Σ close credits − Σ costs released.
                      KT_TRY(const auto open, tx.open_positions(user));
                      KT_TRY(const auto closed, tx.closed_positions(user, 1000));
                      Lamports open_cost, realized;
                      for (const auto& p : open) open_cost += p.cost, realized += p.realized_pnl;
                      for (const auto& p : closed) realized += p.realized_pnl;
                      RC_ASSERT(w.balance + open_cost - w.initial == realized);
                      return {};
                    })
                    .ok());
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace kt::engine
