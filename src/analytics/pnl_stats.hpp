#pragma once
// PnL statistics, the daily table and the equity curve, computed from the ledger. Pure functions:
// money stays in integer lamports; doubles appear only as percentages.
//
// The equity curve ("book equity") is balance + cost of the positions still open, i.e. open
// positions are marked at cost between trades. Against the ledger that means: an open moves cash
// into cost (equity unchanged), a close or liquidation changes equity by its `pnl`, and a grant or
// reset changes it by its `amount` (an outside flow, not a gain or a loss). Only the last point of
// a curve, at `now`, marks open positions at the current price (book equity + unrealized).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "domain/records.hpp"

namespace kt::analytics {

/// The reporting windows of /pnl, in UTC days relative to `now`.
enum class Period { kDay, kWeek, kMonth, kAll };

std::string_view to_string(Period period);
/// "day" (also "today", "d", "24h"), "week" ("w", "7d"), "month" ("m", "30d"), "all"; case-insensitive.
std::optional<Period> parse_period(std::string_view text);
/// 00:00 UTC of the day containing `t`.
TimePoint utc_day_start(TimePoint t);
/// kDay: today 00:00 UTC; kWeek: the last 7 UTC days including today; kMonth: the last 30; kAll: the epoch.
TimePoint period_start(Period period, TimePoint now);
/// "2024-03-09" (UTC).
std::string format_utc_date(TimePoint t);

/// The account as it is at `now`; every input is at hand from engine::WalletSummary.
struct AccountSnapshot {
  Lamports balance;     ///< wallet balance
  Lamports open_cost;   ///< Σ cost of the positions still open
  Lamports unrealized;  ///< Σ unrealized PnL of the open positions at current prices
  Lamports book_equity() const { return balance + open_cost; }
};

/// One point of the equity curve.
struct EquityPoint {
  TimePoint at{};
  Lamports equity;
};

/// One trade: a position with at least one closing fill (close or liquidation) in the period.
struct TradeResult {
  PositionId position;
  std::string symbol;  ///< from the closed positions given, empty if the position is not among them
  Lamports pnl;        ///< Σ pnl of the position's closing fills inside the period
};

/// The numbers behind /pnl [period].
struct PnlStats {
  Period period = Period::kAll;
  TimePoint from{};  ///< period_start(); for kAll the oldest ledger entry given (now if none)
  TimePoint to{};
  Lamports equity_start;               ///< book equity at `from`
  Lamports equity_now;                 ///< book equity + unrealized at `to`
  Lamports realized;                   ///< Σ pnl of closing fills in the period
  Lamports unrealized;                 ///< of the positions open now (whenever they were opened)
  Lamports fees;                       ///< Σ fee of every fill in the period
  std::optional<double> realized_pct;  ///< realized / equity_start, in %
  std::optional<double> roi_pct;       ///< (realized + unrealized) / equity_start, in %

  int trades = 0;  ///< positions with a closing fill in the period (partial closes fold into their position)
  int wins = 0;    ///< trades with pnl > 0
  int losses = 0;  ///< trades with pnl < 0 (pnl == 0 is neither)
  std::optional<double> win_rate_pct;  ///< wins / trades, in %
  std::optional<Lamports> avg_win;     ///< Σ winning pnl / wins, truncated toward zero
  std::optional<Lamports> avg_loss;    ///< Σ losing pnl / losses (negative), truncated toward zero
  std::optional<TradeResult> best;     ///< highest pnl; ties go to the lower position id
  std::optional<TradeResult> worst;    ///< lowest pnl; ties go to the lower position id

  Lamports max_drawdown;                   ///< largest peak-to-trough fall of the curve (≥ 0)
  std::optional<double> max_drawdown_pct;  ///< largest fall relative to its peak, in % (may be another fall)
  std::vector<EquityPoint> curve;          ///< from `from` to `to`, for /pnl chart
};

/// The equity curve over [from, now]: a point at `from` (book equity then), one after every ledger
/// entry in the window (chronological, ties by id), and a final point at `now` with open positions
/// marked at the current price. `ledger` must hold every entry since `from` (older ones and any order
/// are fine); the start is found by walking back from the snapshot.
std::vector<EquityPoint> equity_curve(const std::vector<LedgerEntry>& ledger, const AccountSnapshot& now_state,
                                      TimePoint from, TimePoint now);

/// Book equity at `t`: the snapshot's book equity minus every pnl and outside flow from `t` on.
Lamports book_equity_at(const std::vector<LedgerEntry>& ledger, Lamports book_equity_now, TimePoint t);

/// /pnl for a period. `ledger` must hold every entry since period_start(period, now); `closed`
/// supplies symbols for the best/worst trade (pass closed_positions(user, N); extra ones are ignored).
PnlStats compute_pnl_stats(const std::vector<LedgerEntry>& ledger, const std::vector<Position>& closed,
                           const AccountSnapshot& now_state, Period period, TimePoint now);

/// One row of /daily.
struct DailyPnl {
  TimePoint day{};            ///< 00:00 UTC
  std::string date;           ///< "2024-03-09"
  Lamports realized;          ///< Σ pnl of closing fills that day
  int trades = 0;             ///< positions with a closing fill that day
  Lamports equity_start;      ///< book equity at 00:00 UTC
  std::optional<double> pct;  ///< realized / equity_start, in %
};

/// The last `n_days` UTC days (today included, clamped to 1..366), newest first, days without
/// trades included — freqtrade's /daily. `ledger` must hold every entry since the oldest day.
std::vector<DailyPnl> daily_pnl(const std::vector<LedgerEntry>& ledger, Lamports book_equity_now, TimePoint now,
                                int n_days);

/// 100 · part / whole, or nullopt when whole ≤ 0.
std::optional<double> percent_of(Lamports part, Lamports whole);

}  // namespace kt::analytics
