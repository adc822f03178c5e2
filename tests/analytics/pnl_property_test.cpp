// Property: for any ledger a wallet can produce (opens, partial and full closes, liquidations,
// grants), the walk-back equity curve equals the literal definition — balance_after + cost still
// open after every entry — and the trade statistics add up to the realized PnL.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "analytics/pnl_stats.hpp"

namespace kt::analytics {
namespace {

RC_GTEST_PROP(PnlProperty, curve_equals_balance_plus_open_cost_and_trades_sum_to_realized, ()) {
  const Lamports initial{*rc::gen::inRange<std::int64_t>(1, 100'000'000'000)};
  const int steps = *rc::gen::inRange(1, 80);
  Lamports balance = initial;
  std::map<std::int64_t, Lamports> open;  // position id → remaining cost
  std::vector<LedgerEntry> ledger;
  std::vector<Lamports> literal;  // balance_after + open cost after each entry
  std::int64_t next_position = 1;
  TimePoint t = from_unix_millis(1'709'900'000'000);
  for (int i = 0; i < steps; ++i) {
    t += Millis{*rc::gen::inRange<std::int64_t>(0, 10 * 3'600'000)};
    LedgerEntry e;
    e.id = i + 1;
    e.created_at = t;
    const int action = *rc::gen::inRange(0, 4);
    if (action == 0 && balance > Lamports{0}) {  // open
      const Lamports cost{*rc::gen::inRange<std::int64_t>(1, balance.value + 1)};
      e.kind = LedgerKind::kOpen;
      e.position = PositionId{next_position};
      e.amount = -cost;
      open[next_position++] = cost;
    } else if ((action == 1 || action == 2) && !open.empty()) {  // close some or all, or liquidate
      auto it = std::next(open.begin(), *rc::gen::inRange<std::size_t>(0, open.size()));
      const Lamports released{*rc::gen::inRange<std::int64_t>(1, it->second.value + 1)};
      const Lamports credited{*rc::gen::inRange<std::int64_t>(0, 3 * released.value + 1)};
      e.kind = action == 2 ? LedgerKind::kLiquidation : LedgerKind::kClose;
      e.position = PositionId{it->first};
      e.amount = credited;
      e.pnl = credited - released;
      e.fee = Lamports{released.value / 100};
      it->second -= released;
      if (it->second == Lamports{0}) open.erase(it);
    } else {  // grant
      e.kind = LedgerKind::kGrant;
      e.amount = Lamports{*rc::gen::inRange<std::int64_t>(1, 10'000'000'000)};
    }
    balance += e.amount;
    e.balance_after = balance;
    ledger.push_back(e);
    Lamports open_cost;
    for (const auto& [id, cost] : open) open_cost += cost;
    literal.push_back(balance + open_cost);
  }
  Lamports open_cost;
  for (const auto& [id, cost] : open) open_cost += cost;
  const Lamports unrealized{*rc::gen::inRange<std::int64_t>(-open_cost.value, open_cost.value + 1)};
  const TimePoint now = t + Millis{1};
  const PnlStats s = compute_pnl_stats(ledger, {}, AccountSnapshot{balance, open_cost, unrealized}, Period::kAll, now);

  RC_ASSERT(s.equity_start == initial);
  RC_ASSERT(s.curve.size() == ledger.size() + 2);
  for (std::size_t i = 0; i < ledger.size(); ++i) RC_ASSERT(s.curve[i + 1].equity == literal[i]);
  RC_ASSERT(s.curve.back().equity == balance + open_cost + unrealized);

  Lamports realized;
  for (const auto& e : ledger) realized += e.pnl;
  RC_ASSERT(s.realized == realized);
  RC_ASSERT(s.wins + s.losses <= s.trades);
  if (s.trades > 0) {
    RC_ASSERT(s.best->pnl >= s.worst->pnl);
    RC_ASSERT(s.max_drawdown >= Lamports{0});
  }

  // The daily rows over the whole span add up to the same realized PnL and trades never exceed fills.
  const auto days =
      static_cast<int>((to_unix_millis(now) - to_unix_millis(ledger.front().created_at)) / 86'400'000 + 2);
  Lamports daily_sum;
  for (const auto& row : daily_pnl(ledger, balance + open_cost, now, days)) daily_sum += row.realized;
  RC_ASSERT(daily_sum == realized);
}

}  // namespace
}  // namespace kt::analytics
