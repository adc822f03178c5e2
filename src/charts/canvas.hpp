#pragma once
// A thin RAII layer over a cairo image surface: the dark theme, text and PNG encoding.
// Private to kt_charts: nothing outside src/charts includes cairo.
#include <string>

#include <cairo.h>

#include "core/result.hpp"

namespace kt::charts {

/// An sRGB colour, components 0..1.
struct Rgb {
  double r = 0, g = 0, b = 0;
};

/// The dark theme shared by every picture.
namespace theme {
inline constexpr Rgb kBackground{0x0e / 255.0, 0x11 / 255.0, 0x16 / 255.0};
inline constexpr Rgb kPanel{0x16 / 255.0, 0x1b / 255.0, 0x22 / 255.0};
inline constexpr Rgb kGrid{0x2a / 255.0, 0x31 / 255.0, 0x3c / 255.0};
inline constexpr Rgb kText{0xe6 / 255.0, 0xed / 255.0, 0xf3 / 255.0};
inline constexpr Rgb kMuted{0x8b / 255.0, 0x94 / 255.0, 0x9e / 255.0};
inline constexpr Rgb kLine{0x4e / 255.0, 0xa1 / 255.0, 0xff / 255.0};
inline constexpr Rgb kUp{0x2e / 255.0, 0xd1 / 255.0, 0x8a / 255.0};
inline constexpr Rgb kDown{0xff / 255.0, 0x5c / 255.0, 0x5c / 255.0};
inline constexpr Rgb kWarn{0xf0 / 255.0, 0xb9 / 255.0, 0x0b / 255.0};
inline constexpr const char* kFont = "DejaVu Sans";
}  // namespace theme

enum class Align { kLeft, kCenter, kRight };

class Canvas {
 public:
  /// A width × height ARGB surface; check ok() before drawing.
  Canvas(int width, int height);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  bool ok() const;
  int width() const { return width_; }
  int height() const { return height_; }
  cairo_t* cr() { return cr_; }

  void set_color(Rgb c, double alpha = 1.0);
  void fill_rect(double x, double y, double w, double h, Rgb c, double alpha = 1.0);
  void rounded_rect(double x, double y, double w, double h, double radius);
  void font(double size, bool bold = false);
  /// Text with its baseline at y; returns the advance width.
  double text(double x, double y, const std::string& utf8, double size, Rgb c, Align align = Align::kLeft,
              bool bold = false);
  double text_width(const std::string& utf8, double size, bool bold = false);
  /// Large translucent diagonal "SIMULATED" across the given box.
  void watermark(double x, double y, double w, double h);

  /// The finished picture as PNG bytes ("E-CHART-RENDER" if cairo failed).
  Result<std::string> png();

 private:
  int width_;
  int height_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

/// Refuses sizes outside 200..4096 px with "E-CHART-SIZE".
Result<void> check_size(int width, int height);

}  // namespace kt::charts
