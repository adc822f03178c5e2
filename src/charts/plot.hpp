#pragma once
// The frame shared by the time-series charts: header, plot panel, grid, axes and labels.
#include <optional>
#include <string>

#include "charts/axes.hpp"
#include "charts/canvas.hpp"

namespace kt::charts {

/// Maps time and value to pixels inside the plot panel.
struct PlotArea {
  double x = 0, y = 0, w = 0, h = 0;
  TimePoint t0{}, t1{};
  double v0 = 0, v1 = 1;
  ValueTicks ticks;

  double px(TimePoint t) const;
  double py(double v) const;
};

/// What the header shows.
struct Header {
  std::string title;     ///< left, bold
  std::string subtitle;  ///< left, muted
  std::string headline;  ///< right, bold (the last value)
  std::string change;    ///< right, under the headline
  Rgb change_color = theme::kMuted;
  bool simulated = false;           ///< badge next to the title
  std::optional<double> tag_value;  ///< highlighted on the value axis (the last value), dashed across
  std::string tag_label;
};

/// min(width/1080, height/720): every size in the layout is multiplied by it.
double scale_of(const Canvas& canvas);

/// Pads the ranges, lays out the panel (value labels on the right) and draws background, header,
/// panel, grid, both axes' labels and the value tag. Lines and fills come after, inside the area.
PlotArea draw_frame(Canvas& canvas, const Header& header, TimePoint t0, TimePoint t1, double lo, double hi);

/// The brand line in the bottom-right corner and, when simulated, the watermark over the panel.
void draw_finish(Canvas& canvas, const PlotArea& area, bool simulated);

}  // namespace kt::charts
