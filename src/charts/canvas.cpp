#include "charts/canvas.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kt::charts {
namespace {

/// Invalid UTF-8 would put the cairo context into an error state; token symbols come from chain
/// metadata and may hold anything, so bad sequences become '?'.
std::string valid_utf8(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= in.size() && !(len == 1 && c < 0x20);
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(in[i + k]) & 0xc0) == 0x80;
    if (ok && len == 2) ok = c >= 0xc2;  // no overlong forms
    if (ok && len == 3) {
      const auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);  // overlong, surrogates
    }
    if (ok && len == 4) {
      const auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = c <= 0xf4 && !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(in, i, len);
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Canvas::Canvas(int width, int height) : width_(width), height_(height) {
  surface_ = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  cr_ = cairo_create(surface_);
  cairo_set_antialias(cr_, CAIRO_ANTIALIAS_BEST);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
  cairo_set_font_options(cr_, options);
  cairo_font_options_destroy(options);
}

Canvas::~Canvas() {
  cairo_destroy(cr_);
  cairo_surface_destroy(surface_);
}

bool Canvas::ok() const {
  return cairo_surface_status(surface_) == CAIRO_STATUS_SUCCESS && cairo_status(cr_) == CAIRO_STATUS_SUCCESS;
}

void Canvas::set_color(Rgb c, double alpha) { cairo_set_source_rgba(cr_, c.r, c.g, c.b, alpha); }

void Canvas::fill_rect(double x, double y, double w, double h, Rgb c, double alpha) {
  set_color(c, alpha);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_fill(cr_);
}

void Canvas::rounded_rect(double x, double y, double w, double h, double radius) {
  const double r = std::min({radius, w / 2, h / 2});
  cairo_new_sub_path(cr_);
  cairo_arc(cr_, x + w - r, y + r, r, -std::numbers::pi / 2, 0);
  cairo_arc(cr_, x + w - r, y + h - r, r, 0, std::numbers::pi / 2);
  cairo_arc(cr_, x + r, y + h - r, r, std::numbers::pi / 2, std::numbers::pi);
  cairo_arc(cr_, x + r, y + r, r, std::numbers::pi, 3 * std::numbers::pi / 2);
  cairo_close_path(cr_);
}

void Canvas::font(double size, bool bold) {
  cairo_select_font_face(cr_, theme::kFont, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr_, size);
}

double Canvas::text_width(const std::string& utf8, double size, bool bold) {
  font(size, bold);
  cairo_text_extents_t ext;
  cairo_text_extents(cr_, valid_utf8(utf8).c_str(), &ext);
  return ext.x_advance;
}

double Canvas::text(double x, double y, const std::string& utf8, double size, Rgb c, Align align, bool bold) {
  const double w = text_width(utf8, size, bold);
  const double left = align == Align::kLeft ? x : align == Align::kCenter ? x - w / 2 : x - w;
  set_color(c);
  cairo_move_to(cr_, left, y);
  cairo_show_text(cr_, valid_utf8(utf8).c_str());
  return w;
}

void Canvas::watermark(double x, double y, double w, double h) {
  cairo_save(cr_);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_clip(cr_);
  cairo_translate(cr_, x + w / 2, y + h / 2);
  cairo_rotate(cr_, -std::atan2(h, w) * 0.6);
  const double size = std::min(w, h) / 5;
  const double tw = text_width("SIMULATED", size, true);
  set_color(theme::kText, 0.07);
  cairo_move_to(cr_, -tw / 2, size / 3);
  cairo_show_text(cr_, "SIMULATED");
  cairo_restore(cr_);
}

Result<std::string> Canvas::png() {
  if (!ok()) return fatal("E-CHART-RENDER", std::string("cairo: ") + cairo_status_to_string(cairo_status(cr_)));
  cairo_surface_flush(surface_);
  std::string out;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface_, append_png, &out);
  if (status != CAIRO_STATUS_SUCCESS) {
    return fatal("E-CHART-RENDER", std::string("PNG encoding failed: ") + cairo_status_to_string(status));
  }
  return out;
}

Result<void> check_size(int width, int height) {
  if (width < 200 || height < 200 || width > 4096 || height > 4096) {
    return rejected("E-CHART-SIZE", "A chart must be between 200 and 4096 pixels on each side");
  }
  return {};
}

}  // namespace kt::charts
