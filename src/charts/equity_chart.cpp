#include <algorithm>

#include <fmt/format.h>

#include "charts/charts.hpp"
#include "charts/plot.hpp"

namespace kt::charts {
namespace {

double sol(Lamports l) { return static_cast<double>(l.value) / static_cast<double>(kLamportsPerSol); }

/// A step function's vertices: the value holds until the next point's time.
std::vector<std::pair<double, double>> steps(const PlotArea& area, const std::vector<analytics::EquityPoint>& curve,
                                             const std::vector<double>& values) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    out.emplace_back(area.px(curve[i].at), area.py(values[i]));
    if (i + 1 < curve.size()) out.emplace_back(area.px(curve[i + 1].at), area.py(values[i]));
  }
  return out;
}

}  // namespace

Result<std::string> render_equity_chart(const EquityChartData& data) {
  KT_TRY_VOID(check_size(data.width, data.height));
  std::vector<analytics::EquityPoint> curve = data.curve;
  std::stable_sort(curve.begin(), curve.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  if (curve.size() < 2) return rejected("E-CHART-DATA", "not enough history to draw an equity curve");

  std::vector<double> values;
  std::vector<double> peaks;
  for (const auto& p : curve) {
    values.push_back(sol(p.equity));
    peaks.push_back(peaks.empty() ? values.back() : std::max(peaks.back(), values.back()));
  }
  const double lo = *std::min_element(values.begin(), values.end());
  const double hi = *std::max_element(values.begin(), values.end());
  const Lamports first = curve.front().equity;
  const Lamports last = curve.back().equity;

  Header header;
  header.title = data.title;
  header.subtitle = data.subtitle.empty() ? "SOL · UTC" : data.subtitle;
  header.headline = format_sol(last) + " SOL";
  if (const auto pct = analytics::percent_of(last - first, first)) {
    header.change = fmt::format("{}{:.2f}%", *pct >= 0 ? "+" : "", *pct);
  }
  header.change_color = last > first ? theme::kUp : last < first ? theme::kDown : theme::kMuted;
  header.simulated = data.simulated;
  header.tag_value = sol(last);
  header.tag_label = format_price(sol(last));

  Canvas canvas(data.width, data.height);
  if (!canvas.ok()) return fatal("E-CHART-RENDER", "cannot allocate the chart surface");
  const PlotArea area = draw_frame(canvas, header, curve.front().at, curve.back().at, lo, hi);
  const double s = scale_of(canvas);
  cairo_t* cr = canvas.cr();

  const auto line = steps(area, curve, values);
  const auto peak = steps(area, curve, peaks);
  cairo_save(cr);
  cairo_rectangle(cr, area.x, area.y, area.w, area.h);
  cairo_clip(cr);
  // Drawdown: the band between the running peak and the curve.
  for (std::size_t i = 0; i < peak.size(); ++i) {
    i == 0 ? cairo_move_to(cr, peak[i].first, peak[i].second) : cairo_line_to(cr, peak[i].first, peak[i].second);
  }
  for (std::size_t i = line.size(); i-- > 0;) cairo_line_to(cr, line[i].first, line[i].second);
  cairo_close_path(cr);
  canvas.set_color(theme::kDown, 0.30);
  cairo_fill(cr);
  // The starting level, for reference.
  const double dash[] = {6 * s, 8 * s};
  cairo_set_dash(cr, dash, 2, 0);
  cairo_set_line_width(cr, 2 * s);
  canvas.set_color(theme::kMuted, 0.6);
  cairo_move_to(cr, area.x, area.py(values.front()));
  cairo_line_to(cr, area.x + area.w, area.py(values.front()));
  cairo_stroke(cr);
  cairo_set_dash(cr, nullptr, 0, 0);
  for (std::size_t i = 0; i < line.size(); ++i) {
    i == 0 ? cairo_move_to(cr, line[i].first, line[i].second) : cairo_line_to(cr, line[i].first, line[i].second);
  }
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width(cr, 4 * s);
  canvas.set_color(theme::kLine);
  cairo_stroke(cr);
  cairo_restore(cr);

  draw_finish(canvas, area, data.simulated);
  return canvas.png();
}

}  // namespace kt::charts
