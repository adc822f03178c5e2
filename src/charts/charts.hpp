#pragma once
// PNG pictures for the bot: a token's price chart with the user's trades, the equity curve with its
// drawdowns, and a shareable PnL card. Dark theme, 1080×720 by default, readable on a phone.
// Pure: data in, PNG bytes out (for Reply::photo_png); nothing is read from disk but the font.
#include <chrono>
#include <string>
#include <vector>

#include "analytics/indicators.hpp"
#include "analytics/pnl_stats.hpp"
#include "core/result.hpp"
#include "domain/records.hpp"

namespace kt::charts {

inline constexpr int kDefaultWidth = 1080;
inline constexpr int kDefaultHeight = 720;

/// A fill of the user's on a price chart: entries are green ▲, exits red ▼.
struct TradeMarker {
  TimePoint at{};
  double price = 0;  ///< SOL per whole token (Price::sol_per_token)
  bool entry = true;
};

/// /chart <token> [range].
struct PriceChartData {
  std::string symbol;                         ///< "BONK" (shown as is; not HTML)
  std::string range_label;                    ///< "24h"
  std::vector<analytics::PricePoint> series;  ///< oldest first; non-finite or ≤ 0 prices are skipped
  std::vector<TradeMarker> markers;           ///< outside the series' time range: left out
  bool simulated = false;                     ///< prints a "SIMULATED" badge and watermark
  int width = kDefaultWidth;
  int height = kDefaultHeight;
};

/// The price line over time. Fewer than 2 usable points: rejected "E-CHART-DATA" ("not enough
/// price history to draw a chart"); a size outside 200..4096: "E-CHART-SIZE".
Result<std::string> render_price_chart(const PriceChartData& data);

/// /pnl chart.
struct EquityChartData {
  std::string title = "Equity";               ///< e.g. "Equity · week"
  std::string subtitle;                       ///< e.g. "Max drawdown 0.5 SOL (4.35%)"; empty: "SOL · UTC"
  std::vector<analytics::EquityPoint> curve;  ///< analytics::PnlStats::curve
  bool simulated = false;
  int width = kDefaultWidth;
  int height = kDefaultHeight;
};

/// The equity curve as steps (equity changes at fills), the fall below each running peak shaded
/// red. Fewer than 2 points: rejected "E-CHART-DATA" ("not enough history to draw an equity curve").
Result<std::string> render_equity_chart(const EquityChartData& data);

/// A closed position as a shareable card.
struct PnlCardData {
  std::string symbol;
  Side side = Side::kLong;
  double entry_price = 0;  ///< SOL per whole token
  double exit_price = 0;
  Lamports pnl;   ///< realized
  Lamports cost;  ///< what was put in (initial cost); the % is pnl / cost
  Millis held{0};
  bool simulated = false;
  int width = kDefaultWidth;
  int height = kDefaultHeight;
};

/// The card's data from a closed or liquidated position; rejected "E-CHART-DATA" for an open one.
Result<PnlCardData> pnl_card_for(const Position& position);

/// Symbol and side, the PnL in % (large) and SOL, entry/exit, time held, "KiTraderBot · paper
/// trading" footer. Green for a profit, red for a loss (the bot offers the card for profits).
Result<std::string> render_pnl_card(const PnlCardData& data);

}  // namespace kt::charts
