#include "analytics/pnl_stats.hpp"

#include <gtest/gtest.h>

namespace kt::analytics {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

constexpr std::int64_t kMilliSol = 1'000'000;  // 0.001 SOL in lamports

TimePoint at(year_month_day day, hours h, minutes m = 0min) {
  return time_point_cast<TimePoint::duration>(sys_days{day} + h + m);
}

constexpr auto kDay7 = 2024y / March / 7;
constexpr auto kDay8 = 2024y / March / 8;
constexpr auto kDay9 = 2024y / March / 9;

LedgerEntry entry(std::int64_t id, LedgerKind kind, TimePoint when, std::int64_t amount_milli,
                  std::int64_t balance_after_milli, std::optional<std::int64_t> position, std::int64_t pnl_milli = 0,
                  std::int64_t fee_micro_sol = 0) {
  LedgerEntry e;
  e.id = id;
  e.user = UserId{1};
  e.kind = kind;
  e.created_at = when;
  e.amount = Lamports{amount_milli * kMilliSol};
  e.balance_after = Lamports{balance_after_milli * kMilliSol};
  if (position) e.position = PositionId{*position};
  e.pnl = Lamports{pnl_milli * kMilliSol};
  e.fee = Lamports{fee_micro_sol * 1000};
  return e;
}

Position closed_position(std::int64_t id, std::string symbol) {
  Position p;
  p.id = PositionId{id};
  p.symbol = std::move(symbol);
  p.status = PositionStatus::kClosed;
  return p;
}

// A wallet that starts with 10 SOL (amounts in milli-SOL below):
//   Mar 7 10:00  e1 open  #1  cost 2000            balance 10000 − 2000 = 8000    fee 10.0 mSOL
//   Mar 7 12:00  e2 close #1  credited 2500, pnl +500  balance 10500             fee 12.5
//   Mar 8 09:00  e3 open  #2  cost 3000            balance 7500
//   Mar 8 09:30  e4 open  #3  cost 1000            balance 6500
//   Mar 8 11:00  e5 close #2 (half): cost released 1500, pnl −300 → credited 1200, balance 7700   fee 6.0
//   Mar 8 13:00  e6 grant +1000                    balance 8700
//   Mar 9 08:00  e7 close #2 (rest): cost 1500, pnl −200 → credited 1300, balance 10000          fee 6.5
//   Mar 9 10:00  e8 close #3: cost 1000, pnl +400 → credited 1400, balance 11400                 fee 7.0
//   Mar 9 11:00  e9 open  #4  cost 2000            balance 9400
// Now (Mar 9 15:00): balance 9400, open cost 2000 (#4), unrealized −100.
// Book equity (balance + open cost) after each entry:
//   start 10000, e1 10000, e2 10500, e3 10500, e4 10500, e5 10200, e6 11200 (grant), e7 11000,
//   e8 11400, e9 11400, now marked 11400 − 100 = 11300.
std::vector<LedgerEntry> scenario() {
  // Given newest first, as storage returns them.
  return {
      entry(9, LedgerKind::kOpen, at(kDay9, 11h), -2000, 9400, 4),
      entry(8, LedgerKind::kClose, at(kDay9, 10h), 1400, 11400, 3, 400, 7000),
      entry(7, LedgerKind::kClose, at(kDay9, 8h), 1300, 10000, 2, -200, 6500),
      entry(6, LedgerKind::kGrant, at(kDay8, 13h), 1000, 8700, std::nullopt),
      entry(5, LedgerKind::kClose, at(kDay8, 11h), 1200, 7700, 2, -300, 6000),
      entry(4, LedgerKind::kOpen, at(kDay8, 9h, 30min), -1000, 6500, 3),
      entry(3, LedgerKind::kOpen, at(kDay8, 9h), -3000, 7500, 2),
      entry(2, LedgerKind::kClose, at(kDay7, 12h), 2500, 10500, 1, 500, 12500),
      entry(1, LedgerKind::kOpen, at(kDay7, 10h), -2000, 8000, 1, 0, 10000),
  };
}
const AccountSnapshot kNowState{Lamports{9400 * kMilliSol}, Lamports{2000 * kMilliSol}, Lamports{-100 * kMilliSol}};
const TimePoint kNow = at(kDay9, 15h);
const std::vector<Position> kClosed = {closed_position(1, "BONK"), closed_position(2, "WIF"),
                                       closed_position(3, "POPCAT")};

Lamports milli(std::int64_t m) { return Lamports{m * kMilliSol}; }

TEST(PeriodTest, starts_at_utc_day_boundaries_relative_to_now) {
  EXPECT_EQ(period_start(Period::kDay, kNow), at(kDay9, 0h));
  EXPECT_EQ(period_start(Period::kWeek, kNow), at(2024y / March / 3, 0h));      // 9 − 6
  EXPECT_EQ(period_start(Period::kMonth, kNow), at(2024y / February / 9, 0h));  // 9 March − 29 days (leap year)
  EXPECT_EQ(period_start(Period::kAll, kNow), TimePoint{});
  EXPECT_EQ(utc_day_start(at(kDay9, 23h, 59min)), at(kDay9, 0h));
  EXPECT_EQ(format_utc_date(at(kDay9, 23h)), "2024-03-09");
}

TEST(PeriodTest, parses_names_and_short_forms_case_insensitively) {
  EXPECT_EQ(parse_period("day"), Period::kDay);
  EXPECT_EQ(parse_period("Today"), Period::kDay);
  EXPECT_EQ(parse_period("7d"), Period::kWeek);
  EXPECT_EQ(parse_period("MONTH"), Period::kMonth);
  EXPECT_EQ(parse_period("all"), Period::kAll);
  EXPECT_EQ(parse_period("year"), std::nullopt);
  EXPECT_EQ(to_string(Period::kWeek), "week");
}

TEST(PnlStatsTest, all_time_numbers_match_the_hand_computed_ledger) {
  const PnlStats s = compute_pnl_stats(scenario(), kClosed, kNowState, Period::kAll, kNow);
  // book equity now 9400 + 2000 = 11400; minus pnl and flows since the epoch (500 − 300 + 1000 − 200 + 400
  // = 1400) → 10000, the initial balance.
  EXPECT_EQ(s.equity_start, milli(10000));
  EXPECT_EQ(s.equity_now, milli(11300));
  EXPECT_EQ(s.realized, milli(400));  // 500 − 300 − 200 + 400
  EXPECT_EQ(s.unrealized, milli(-100));
  EXPECT_EQ(s.fees, Lamports{42'000'000});  // 10 + 12.5 + 6 + 6.5 + 7 mSOL
  EXPECT_DOUBLE_EQ(*s.realized_pct, 4.0);   // 400 / 10000
  EXPECT_DOUBLE_EQ(*s.roi_pct, 3.0);        // (400 − 100) / 10000
  // Trades per position: #1 +500, #2 −300 −200 = −500, #3 +400.
  EXPECT_EQ(s.trades, 3);
  EXPECT_EQ(s.wins, 2);
  EXPECT_EQ(s.losses, 1);
  EXPECT_DOUBLE_EQ(*s.win_rate_pct, 200.0 / 3);
  EXPECT_EQ(*s.avg_win, milli(450));  // (500 + 400) / 2
  EXPECT_EQ(*s.avg_loss, milli(-500));
  EXPECT_EQ(s.best->position, PositionId{1});
  EXPECT_EQ(s.best->symbol, "BONK");
  EXPECT_EQ(s.best->pnl, milli(500));
  EXPECT_EQ(s.worst->position, PositionId{2});
  EXPECT_EQ(s.worst->symbol, "WIF");
  EXPECT_EQ(s.worst->pnl, milli(-500));
  // Peak 10500 after e2; −300 (e5) and, after the grant moved the peak to 11500, −200 more (e7):
  // the trough 11000 is 500 below the flow-adjusted peak, 500 / 11500 = 4.3478…%.
  EXPECT_EQ(s.max_drawdown, milli(500));
  EXPECT_DOUBLE_EQ(*s.max_drawdown_pct, 100.0 * 500 / 11500);
}

TEST(PnlStatsTest, equity_curve_marks_open_positions_at_cost_and_the_last_point_at_market) {
  const PnlStats s = compute_pnl_stats(scenario(), kClosed, kNowState, Period::kAll, kNow);
  const std::vector<std::int64_t> expected = {10000, 10000, 10500, 10500, 10500, 10200,
                                              11200, 11000, 11400, 11400, 11300};
  ASSERT_EQ(s.curve.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(s.curve[i].equity, milli(expected[i])) << i;
  EXPECT_EQ(s.from, at(kDay7, 10h));  // all time starts at the first entry, not in 1970
  EXPECT_EQ(s.curve.front().at, at(kDay7, 10h));
  EXPECT_EQ(s.curve[1].at, at(kDay7, 10h));  // oldest entry first although given newest first
  EXPECT_EQ(s.curve[2].at, at(kDay7, 12h));
  EXPECT_EQ(s.curve.back().at, kNow);
  // Each point equals balance_after + cost still open at that entry, e.g. e5: 7700 + 1500 (#2 half) + 1000 (#3).
  EXPECT_EQ(s.curve[5].equity, milli(7700 + 1500 + 1000));
}

TEST(PnlStatsTest, day_period_counts_only_todays_fills_and_folds_partial_closes) {
  const PnlStats s = compute_pnl_stats(scenario(), kClosed, kNowState, Period::kDay, kNow);
  // Today: e7 (#2 −200), e8 (#3 +400), e9 (open). Start = 11400 − (−200 + 400) = 11200.
  EXPECT_EQ(s.from, at(kDay9, 0h));
  EXPECT_EQ(s.equity_start, milli(11200));
  EXPECT_EQ(s.realized, milli(200));
  EXPECT_EQ(s.fees, Lamports{13'500'000});                 // 6.5 + 7 mSOL
  EXPECT_DOUBLE_EQ(*s.realized_pct, 100.0 * 200 / 11200);  // 1.7857…%
  EXPECT_DOUBLE_EQ(*s.roi_pct, 100.0 * 100 / 11200);       // (200 − 100) / 11200 = 0.8928…%
  EXPECT_EQ(s.trades, 2);                                  // #2 counts with only its −200 of today
  EXPECT_DOUBLE_EQ(*s.win_rate_pct, 50.0);
  EXPECT_EQ(*s.avg_win, milli(400));
  EXPECT_EQ(*s.avg_loss, milli(-200));
  EXPECT_EQ(s.best->position, PositionId{3});
  EXPECT_EQ(s.worst->position, PositionId{2});
  EXPECT_EQ(s.worst->pnl, milli(-200));
  // Curve 11200 → 11000 → 11400 → 11400 → 11300: worst fall 200 from 11200 (1.7857…%).
  EXPECT_EQ(s.curve.size(), 5u);
  EXPECT_EQ(s.max_drawdown, milli(200));
  EXPECT_DOUBLE_EQ(*s.max_drawdown_pct, 100.0 * 200 / 11200);
}

TEST(PnlStatsTest, week_period_starting_before_the_first_entry_equals_all_time_numbers) {
  const PnlStats s = compute_pnl_stats(scenario(), kClosed, kNowState, Period::kWeek, kNow);
  EXPECT_EQ(s.from, at(2024y / March / 3, 0h));
  EXPECT_EQ(s.equity_start, milli(10000));
  EXPECT_EQ(s.realized, milli(400));
  EXPECT_EQ(s.trades, 3);
  EXPECT_EQ(s.max_drawdown, milli(500));
}

TEST(PnlStatsTest, empty_period_has_no_trade_statistics_and_no_drawdown) {
  const AccountSnapshot fresh{Lamports::from_sol(10), Lamports{0}, Lamports{0}};
  const PnlStats s = compute_pnl_stats({}, {}, fresh, Period::kDay, kNow);
  EXPECT_EQ(s.equity_start, Lamports::from_sol(10));
  EXPECT_EQ(s.realized, Lamports{0});
  EXPECT_DOUBLE_EQ(*s.roi_pct, 0.0);
  EXPECT_EQ(s.trades, 0);
  EXPECT_FALSE(s.win_rate_pct.has_value());
  EXPECT_FALSE(s.avg_win.has_value());
  EXPECT_FALSE(s.avg_loss.has_value());
  EXPECT_FALSE(s.best.has_value());
  EXPECT_FALSE(s.worst.has_value());
  EXPECT_EQ(s.max_drawdown, Lamports{0});
  EXPECT_DOUBLE_EQ(*s.max_drawdown_pct, 0.0);
  EXPECT_EQ(s.curve.size(), 2u);  // the start and now
}

TEST(PnlStatsTest, liquidation_is_a_losing_trade_and_breakeven_is_neither_win_nor_loss) {
  // 1 SOL wallet: open #7 for 0.6 (balance 0.4), liquidated for 0.05 (pnl −0.55, balance 0.45);
  // open #8 for 0.2 (balance 0.25), closed for exactly 0.2 (pnl 0, balance 0.45).
  const std::vector<LedgerEntry> ledger = {
      entry(1, LedgerKind::kOpen, at(kDay9, 1h), -600, 400, 7),
      entry(2, LedgerKind::kLiquidation, at(kDay9, 2h), 50, 450, 7, -550),
      entry(3, LedgerKind::kOpen, at(kDay9, 3h), -200, 250, 8),
      entry(4, LedgerKind::kClose, at(kDay9, 4h), 200, 450, 8, 0),
  };
  const AccountSnapshot state{milli(450), Lamports{0}, Lamports{0}};
  const PnlStats s = compute_pnl_stats(ledger, {}, state, Period::kDay, kNow);
  EXPECT_EQ(s.equity_start, milli(1000));
  EXPECT_EQ(s.realized, milli(-550));
  EXPECT_DOUBLE_EQ(*s.roi_pct, -55.0);
  EXPECT_EQ(s.trades, 2);
  EXPECT_EQ(s.wins, 0);
  EXPECT_EQ(s.losses, 1);
  EXPECT_DOUBLE_EQ(*s.win_rate_pct, 0.0);
  EXPECT_EQ(*s.avg_loss, milli(-550));
  EXPECT_FALSE(s.avg_win.has_value());
  EXPECT_EQ(s.best->position, PositionId{8});  // 0 beats −550
  EXPECT_EQ(s.best->symbol, "");               // not among the closed positions given
  EXPECT_EQ(s.max_drawdown, milli(550));
  EXPECT_DOUBLE_EQ(*s.max_drawdown_pct, 55.0);
}

TEST(PnlStatsTest, ties_go_to_the_lower_position_id_and_averages_truncate_toward_zero) {
  // Three 1-lamport-scale trades: #5 +1 lamport, #4 +2, #6 +2 → best #4 (tie with #6), average win 5/3 → 1.
  auto close = [](std::int64_t id, std::int64_t pos, std::int64_t pnl) {
    LedgerEntry e;
    e.id = id;
    e.kind = LedgerKind::kClose;
    e.position = PositionId{pos};
    e.pnl = Lamports{pnl};
    e.created_at = at(kDay9, hours{id});
    return e;
  };
  const std::vector<LedgerEntry> ledger = {close(1, 5, 1), close(2, 6, 2), close(3, 4, 2), close(4, 9, -3),
                                           close(5, 10, -2)};
  const PnlStats s = compute_pnl_stats(ledger, {}, AccountSnapshot{Lamports{1000}, {}, {}}, Period::kDay, kNow);
  EXPECT_EQ(s.best->position, PositionId{4});
  EXPECT_EQ(s.worst->position, PositionId{9});
  EXPECT_EQ(*s.avg_win, Lamports{1});    // 5 / 3 = 1.67 → 1
  EXPECT_EQ(*s.avg_loss, Lamports{-2});  // −5 / 2 = −2.5 → −2
}

TEST(PnlStatsTest, a_grant_is_not_a_gain_and_a_reset_is_not_a_drawdown) {
  // 10 SOL: grant +5 (15), reset back to 10 (−5). No trading at all: no pnl, no drawdown.
  const std::vector<LedgerEntry> ledger = {
      entry(1, LedgerKind::kGrant, at(kDay9, 1h), 5000, 15000, std::nullopt),
      entry(2, LedgerKind::kReset, at(kDay9, 2h), -5000, 10000, std::nullopt),
  };
  const PnlStats s = compute_pnl_stats(ledger, {}, AccountSnapshot{milli(10000), {}, {}}, Period::kDay, kNow);
  EXPECT_EQ(s.realized, Lamports{0});
  EXPECT_EQ(s.trades, 0);
  EXPECT_EQ(s.max_drawdown, Lamports{0});
  ASSERT_EQ(s.curve.size(), 4u);
  EXPECT_EQ(s.curve[1].equity, milli(15000));
  EXPECT_EQ(s.curve[2].equity, milli(10000));
}

TEST(DailyPnlTest, one_row_per_utc_day_newest_first_including_quiet_days) {
  const Lamports book_now = kNowState.book_equity();  // 11400
  const auto rows = daily_pnl(scenario(), book_now, kNow, 5);
  ASSERT_EQ(rows.size(), 5u);
  // Mar 9: −200 + 400 = 200 over 2 positions; start 11200 → 1.7857…%.
  EXPECT_EQ(rows[0].date, "2024-03-09");
  EXPECT_EQ(rows[0].day, at(kDay9, 0h));
  EXPECT_EQ(rows[0].realized, milli(200));
  EXPECT_EQ(rows[0].trades, 2);
  EXPECT_EQ(rows[0].equity_start, milli(11200));
  EXPECT_DOUBLE_EQ(*rows[0].pct, 100.0 * 200 / 11200);
  // Mar 8: −300 on #2; start 11400 − (−300 + 1000 − 200 + 400) = 10500 → −2.857…%.
  EXPECT_EQ(rows[1].date, "2024-03-08");
  EXPECT_EQ(rows[1].realized, milli(-300));
  EXPECT_EQ(rows[1].trades, 1);
  EXPECT_EQ(rows[1].equity_start, milli(10500));
  EXPECT_DOUBLE_EQ(*rows[1].pct, -100.0 * 300 / 10500);
  // Mar 7: +500 on #1; start 10000 → 5%.
  EXPECT_EQ(rows[2].realized, milli(500));
  EXPECT_EQ(rows[2].trades, 1);
  EXPECT_EQ(rows[2].equity_start, milli(10000));
  EXPECT_DOUBLE_EQ(*rows[2].pct, 5.0);
  // Mar 6 and 5: nothing happened.
  EXPECT_EQ(rows[3].date, "2024-03-06");
  EXPECT_EQ(rows[3].realized, Lamports{0});
  EXPECT_EQ(rows[3].trades, 0);
  EXPECT_EQ(rows[3].equity_start, milli(10000));
  EXPECT_DOUBLE_EQ(*rows[3].pct, 0.0);
  EXPECT_EQ(rows[4].date, "2024-03-05");
}

TEST(DailyPnlTest, clamps_the_number_of_days) {
  EXPECT_EQ(daily_pnl({}, Lamports{1}, kNow, 0).size(), 1u);
  EXPECT_EQ(daily_pnl({}, Lamports{1}, kNow, 10'000).size(), 366u);
}

TEST(PercentTest, is_undefined_for_a_non_positive_base) {
  EXPECT_FALSE(percent_of(Lamports{5}, Lamports{0}).has_value());
  EXPECT_FALSE(percent_of(Lamports{5}, Lamports{-1}).has_value());
  EXPECT_DOUBLE_EQ(*percent_of(Lamports{1}, Lamports{8}), 12.5);
}

TEST(BookEquityTest, walks_back_from_now_over_pnl_and_flows_only) {
  // At Mar 8 12:00 (after e5, before the grant): 11400 − (1000 − 200 + 400) = 10200.
  EXPECT_EQ(book_equity_at(scenario(), kNowState.book_equity(), at(kDay8, 12h)), milli(10200));
}

}  // namespace
}  // namespace kt::analytics
