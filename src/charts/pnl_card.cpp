#include <fmt/format.h>

#include "charts/axes.hpp"
#include "charts/canvas.hpp"
#include "charts/charts.hpp"

namespace kt::charts {
namespace {

/// The largest bold size up to `size` at which `text` fits in `max_width`.
double fit(Canvas& canvas, const std::string& text, double size, double max_width) {
  const double width = canvas.text_width(text, size, true);
  return width > max_width ? size * max_width / width : size;
}

}  // namespace

Result<PnlCardData> pnl_card_for(const Position& position) {
  if (position.status == PositionStatus::kOpen || !position.exit_price || !position.closed_at) {
    return rejected("E-CHART-DATA", "Only a closed position has a PnL card");
  }
  PnlCardData card;
  card.symbol = position.symbol;
  card.side = position.side;
  card.entry_price = position.entry_price.sol_per_token(position.decimals);
  card.exit_price = position.exit_price->sol_per_token(position.decimals);
  card.pnl = position.realized_pnl;
  card.cost = position.initial_cost;
  card.held = std::chrono::duration_cast<Millis>(*position.closed_at - position.opened_at);
  card.simulated = position.simulated;
  return card;
}

Result<std::string> render_pnl_card(const PnlCardData& data) {
  KT_TRY_VOID(check_size(data.width, data.height));
  Canvas canvas(data.width, data.height);
  if (!canvas.ok()) return fatal("E-CHART-RENDER", "cannot allocate the card surface");
  const double s = std::min(data.width / 1080.0, data.height / 720.0);
  const double w = data.width;
  const double h = data.height;
  cairo_t* cr = canvas.cr();
  const bool profit = data.pnl > Lamports{0};
  const Rgb accent = profit ? theme::kUp : data.pnl < Lamports{0} ? theme::kDown : theme::kMuted;

  canvas.fill_rect(0, 0, w, h, theme::kBackground);
  cairo_pattern_t* glow = cairo_pattern_create_radial(w * 0.85, h * 0.2, 0, w * 0.85, h * 0.2, w * 0.7);
  cairo_pattern_add_color_stop_rgba(glow, 0, accent.r, accent.g, accent.b, 0.22);
  cairo_pattern_add_color_stop_rgba(glow, 1, accent.r, accent.g, accent.b, 0.0);
  cairo_set_source(cr, glow);
  cairo_paint(cr);
  cairo_pattern_destroy(glow);
  canvas.fill_rect(0, 0, 14 * s, h, accent);

  const double left = 70 * s;
  canvas.text(left, 84 * s, "KiTraderBot", 32 * s, theme::kText, Align::kLeft, true);
  if (data.simulated) {
    const double bw = canvas.text_width("SIMULATED", 24 * s, true) + 28 * s;
    const double bx = w - 60 * s - bw;
    canvas.set_color(theme::kWarn);
    canvas.rounded_rect(bx, 50 * s, bw, 46 * s, 8 * s);
    cairo_set_line_width(cr, 3 * s);
    cairo_stroke(cr);
    canvas.text(bx + 14 * s, 82 * s, "SIMULATED", 24 * s, theme::kWarn, Align::kLeft, true);
  }

  const std::string symbol = data.symbol.empty() ? "Token" : data.symbol;
  const double symbol_size = fit(canvas, symbol, 68 * s, w * 0.6);
  const double symbol_w = canvas.text(left, 200 * s, symbol, symbol_size, theme::kText, Align::kLeft, true);
  const std::string side = data.side == Side::kLong ? "LONG" : "SHORT";
  const Rgb side_color = data.side == Side::kLong ? theme::kUp : theme::kDown;
  const double side_w = canvas.text_width(side, 28 * s, true) + 32 * s;
  const double sx = left + symbol_w + 28 * s;
  canvas.set_color(side_color, 0.18);
  canvas.rounded_rect(sx, 156 * s, side_w, 52 * s, 10 * s);
  cairo_fill(cr);
  canvas.text(sx + 16 * s, 193 * s, side, 28 * s, side_color, Align::kLeft, true);

  const auto pct = analytics::percent_of(data.pnl, data.cost);
  const std::string sign = data.pnl > Lamports{0} ? "+" : "";
  const std::string pct_text = pct ? fmt::format("{}{:.2f}%", *pct > 0 ? "+" : "", *pct) : "n/a";
  canvas.text(left - 6 * s, 370 * s, pct_text, fit(canvas, pct_text, 150 * s, w - 2 * left), accent, Align::kLeft,
              true);
  canvas.text(left, 450 * s, sign + format_sol(data.pnl) + " SOL", 52 * s, theme::kText, Align::kLeft, true);

  const double col = (w - 2 * left) / 3;
  const std::pair<const char*, std::string> cells[] = {
      {"Entry", format_price(data.entry_price) + " SOL"},
      {"Exit", format_price(data.exit_price) + " SOL"},
      {"Held", format_duration(data.held)},
  };
  for (int i = 0; i < 3; ++i) {
    const double x = left + col * i;
    canvas.text(x, 546 * s, cells[i].first, 28 * s, theme::kMuted);
    canvas.text(x, 596 * s, cells[i].second, 36 * s, theme::kText, Align::kLeft, true);
  }

  canvas.fill_rect(left, 636 * s, w - 2 * left, std::max(1.0, 2 * s), theme::kGrid);
  canvas.text(left, 688 * s, "KiTraderBot · paper trading", 26 * s, theme::kMuted);
  return canvas.png();
}

}  // namespace kt::charts
