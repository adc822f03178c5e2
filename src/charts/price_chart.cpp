#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "charts/charts.hpp"
#include "charts/plot.hpp"

namespace kt::charts {
namespace {

void triangle(Canvas& canvas, double x, double y, double size, bool up, Rgb fill) {
  cairo_t* cr = canvas.cr();
  // The apex touches the fill's price; the body sits below (entry) or above (exit) the line.
  const double dir = up ? 1 : -1;
  const double apex_y = y + dir * size * 0.35;
  cairo_move_to(cr, x, apex_y);
  cairo_line_to(cr, x - size * 0.62, apex_y + dir * size);
  cairo_line_to(cr, x + size * 0.62, apex_y + dir * size);
  cairo_close_path(cr);
  canvas.set_color(fill);
  cairo_fill_preserve(cr);
  canvas.set_color(theme::kBackground);
  cairo_set_line_width(cr, size * 0.12);
  cairo_stroke(cr);
}

}  // namespace

Result<std::string> render_price_chart(const PriceChartData& data) {
  KT_TRY_VOID(check_size(data.width, data.height));
  std::vector<analytics::PricePoint> series;
  for (const auto& p : data.series) {
    if (std::isfinite(p.price) && p.price > 0) series.push_back(p);
  }
  std::stable_sort(series.begin(), series.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  if (series.size() < 2) return rejected("E-CHART-DATA", "not enough price history to draw a chart");

  const TimePoint t0 = series.front().at;
  const TimePoint t1 = series.back().at;
  std::vector<TradeMarker> markers;
  for (const auto& m : data.markers) {
    if (m.at >= t0 && m.at <= t1 && std::isfinite(m.price) && m.price > 0) markers.push_back(m);
  }
  double lo = series.front().price;
  double hi = lo;
  for (const auto& p : series) lo = std::min(lo, p.price), hi = std::max(hi, p.price);
  for (const auto& m : markers) lo = std::min(lo, m.price), hi = std::max(hi, m.price);

  const double first = series.front().price;
  const double last = series.back().price;
  const double change = (last - first) / first * 100;
  Header header;
  header.title = data.symbol.empty() ? "Price" : data.symbol;
  if (!data.range_label.empty()) header.title += " · " + data.range_label;
  header.subtitle = "SOL per token · UTC";
  header.headline = format_price(last) + " SOL";
  header.change = fmt::format("{}{:.2f}%", change >= 0 ? "+" : "", change);
  header.change_color = change > 0 ? theme::kUp : change < 0 ? theme::kDown : theme::kMuted;
  header.simulated = data.simulated;
  header.tag_value = last;
  header.tag_label = format_price(last);

  Canvas canvas(data.width, data.height);
  if (!canvas.ok()) return fatal("E-CHART-RENDER", "cannot allocate the chart surface");
  const PlotArea area = draw_frame(canvas, header, t0, t1, lo, hi);
  const double s = scale_of(canvas);
  cairo_t* cr = canvas.cr();

  cairo_save(cr);
  cairo_rectangle(cr, area.x, area.y, area.w, area.h);
  cairo_clip(cr);
  // The area under the line, fading downwards.
  cairo_move_to(cr, area.px(series.front().at), area.y + area.h);
  for (const auto& p : series) cairo_line_to(cr, area.px(p.at), area.py(p.price));
  cairo_line_to(cr, area.px(series.back().at), area.y + area.h);
  cairo_close_path(cr);
  cairo_pattern_t* fade = cairo_pattern_create_linear(0, area.y, 0, area.y + area.h);
  cairo_pattern_add_color_stop_rgba(fade, 0, theme::kLine.r, theme::kLine.g, theme::kLine.b, 0.30);
  cairo_pattern_add_color_stop_rgba(fade, 1, theme::kLine.r, theme::kLine.g, theme::kLine.b, 0.0);
  cairo_set_source(cr, fade);
  cairo_fill(cr);
  cairo_pattern_destroy(fade);
  // The line.
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double x = area.px(series[i].at);
    const double y = area.py(series[i].price);
    i == 0 ? cairo_move_to(cr, x, y) : cairo_line_to(cr, x, y);
  }
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width(cr, 4 * s);
  canvas.set_color(theme::kLine);
  cairo_stroke(cr);
  cairo_restore(cr);

  for (const auto& m : markers) {
    triangle(canvas, area.px(m.at), area.py(m.price), 34 * s, m.entry, m.entry ? theme::kUp : theme::kDown);
  }
  draw_finish(canvas, area, data.simulated);
  return canvas.png();
}

}  // namespace kt::charts
