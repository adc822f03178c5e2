#include "charts/plot.hpp"

#include <algorithm>
#include <cmath>

namespace kt::charts {
namespace {

constexpr double kTagHeight = 38;

void draw_value_tag(Canvas& canvas, const PlotArea& area, double value, const std::string& label, Rgb color) {
  const double s = scale_of(canvas);
  const double yy = area.py(value);
  cairo_t* cr = canvas.cr();
  cairo_save(cr);
  const double dash[] = {8 * s, 8 * s};
  cairo_set_dash(cr, dash, 2, 0);
  cairo_set_line_width(cr, 2 * s);
  canvas.set_color(color, 0.7);
  cairo_move_to(cr, area.x, yy);
  cairo_line_to(cr, area.x + area.w, yy);
  cairo_stroke(cr);
  cairo_restore(cr);
  const double size = 26 * s;
  const double tw = canvas.text_width(label, size, true);
  const double bx = area.x + area.w + 6 * s;
  const double bh = kTagHeight * s;
  const double by = std::clamp(yy - bh / 2, area.y - bh / 2, area.y + area.h - bh / 2);
  canvas.set_color(color);
  canvas.rounded_rect(bx, by, std::min(tw + 20 * s, canvas.width() - bx - 2 * s), bh, 6 * s);
  cairo_fill(cr);
  canvas.text(bx + 10 * s, by + bh / 2 + 9 * s, label, size, theme::kBackground, Align::kLeft, true);
}

}  // namespace

double PlotArea::px(TimePoint t) const {
  const double span = static_cast<double>(to_unix_millis(t1) - to_unix_millis(t0));
  return x + w * static_cast<double>(to_unix_millis(t) - to_unix_millis(t0)) / span;
}

double PlotArea::py(double v) const { return y + h - h * (v - v0) / (v1 - v0); }

double scale_of(const Canvas& canvas) { return std::min(canvas.width() / 1080.0, canvas.height() / 720.0); }

PlotArea draw_frame(Canvas& canvas, const Header& header, TimePoint t0, TimePoint t1, double lo, double hi) {
  const double s = scale_of(canvas);
  PlotArea area;
  // A flat series still gets a visible band; one instant gets an hour either side.
  if (!(hi > lo)) {
    const double pad = lo != 0 ? std::abs(lo) * 0.05 : 1.0;
    lo -= pad;
    hi += pad;
  }
  const double margin = (hi - lo) * 0.08;
  area.v0 = lo - margin;
  area.v1 = hi + margin;
  if (lo >= 0 && area.v0 < 0) area.v0 = 0;  // prices and equity never go below zero
  if (t1 <= t0) {
    t0 -= std::chrono::hours(1);
    t1 += std::chrono::hours(1);
  }
  area.t0 = t0;
  area.t1 = t1;

  const double top = 140 * s;
  const double bottom = canvas.height() - 84 * s;
  const int max_value_ticks = std::max(3, static_cast<int>((bottom - top) / (70 * s)));
  area.ticks = value_ticks(area.v0, area.v1, max_value_ticks);
  const double label_size = 26 * s;
  double label_w = 0;
  for (double v : area.ticks.values)
    label_w = std::max(label_w, canvas.text_width(format_tick(v, area.ticks.step), label_size));
  if (header.tag_value) label_w = std::max(label_w, canvas.text_width(header.tag_label, label_size, true) + 8 * s);
  area.x = 28 * s;
  area.y = top;
  area.w = canvas.width() - area.x - label_w - 44 * s;
  area.h = bottom - top;

  canvas.fill_rect(0, 0, canvas.width(), canvas.height(), theme::kBackground);

  // Header.
  // A long token name shrinks rather than running into the headline on the right.
  const double right = canvas.width() - 28 * s;
  const double badge_w = header.simulated ? canvas.text_width("SIMULATED", 22 * s, true) + 44 * s : 0;
  const double title_room = right - canvas.text_width(header.headline, 40 * s, true) - 40 * s - area.x - badge_w;
  const double natural_w = canvas.text_width(header.title, 44 * s, true);
  const double title_size = natural_w > title_room && title_room > 0 ? 44 * s * title_room / natural_w : 44 * s;
  const double title_w = canvas.text(area.x, 62 * s, header.title, title_size, theme::kText, Align::kLeft, true);
  canvas.text(area.x, 106 * s, header.subtitle, 26 * s, theme::kMuted);
  if (header.simulated) {
    const double bx = area.x + title_w + 20 * s;
    const double bw = canvas.text_width("SIMULATED", 22 * s, true) + 24 * s;
    canvas.set_color(theme::kWarn);
    canvas.rounded_rect(bx, 28 * s, bw, 42 * s, 8 * s);
    cairo_set_line_width(canvas.cr(), 2.5 * s);
    cairo_stroke(canvas.cr());
    canvas.text(bx + 12 * s, 58 * s, "SIMULATED", 22 * s, theme::kWarn, Align::kLeft, true);
  }
  canvas.text(right, 62 * s, header.headline, 40 * s, theme::kText, Align::kRight, true);
  canvas.text(right, 106 * s, header.change, 28 * s, header.change_color, Align::kRight, true);

  // Panel and grid.
  canvas.set_color(theme::kPanel);
  canvas.rounded_rect(area.x, area.y, area.w, area.h, 10 * s);
  cairo_fill(canvas.cr());
  cairo_t* cr = canvas.cr();
  cairo_set_line_width(cr, std::max(1.0, 1.5 * s));
  for (double v : area.ticks.values) {
    const double yy = std::round(area.py(v)) + 0.5;
    if (yy < area.y + 2 || yy > area.y + area.h - 2) continue;
    canvas.set_color(theme::kGrid);
    cairo_move_to(cr, area.x, yy);
    cairo_line_to(cr, area.x + area.w, yy);
    cairo_stroke(cr);
    const bool under_tag = header.tag_value && std::abs(yy - area.py(*header.tag_value)) < kTagHeight * s;
    if (!under_tag) {
      canvas.text(area.x + area.w + 16 * s, yy + 9 * s, format_tick(v, area.ticks.step), label_size, theme::kMuted);
    }
  }
  const int max_time_ticks = std::max(2, static_cast<int>(area.w / (130 * s)));
  double last_label_end = -1e9;
  for (const TimeTick& tick : time_ticks(area.t0, area.t1, max_time_ticks)) {
    const double xx = std::round(area.px(tick.at)) + 0.5;
    canvas.set_color(theme::kGrid, 0.6);
    cairo_move_to(cr, xx, area.y);
    cairo_line_to(cr, xx, area.y + area.h);
    cairo_stroke(cr);
    const double tw = canvas.text_width(tick.label, label_size);
    const double lx = std::clamp(xx, area.x + tw / 2, area.x + area.w - tw / 2);
    if (lx - tw / 2 < last_label_end + 16 * s) continue;  // a clamped edge label would touch its neighbour
    canvas.text(lx, area.y + area.h + 38 * s, tick.label, label_size, theme::kMuted, Align::kCenter);
    last_label_end = lx + tw / 2;
  }
  if (header.tag_value) draw_value_tag(canvas, area, *header.tag_value, header.tag_label, theme::kLine);
  return area;
}

void draw_finish(Canvas& canvas, const PlotArea& area, bool simulated) {
  const double s = scale_of(canvas);
  canvas.text(canvas.width() - 28 * s, canvas.height() - 12 * s, "KiTraderBot", 20 * s, theme::kMuted, Align::kRight);
  if (simulated) canvas.watermark(area.x, area.y, area.w, area.h);
}

}  // namespace kt::charts
