#include "charts/charts.hpp"

#include <gtest/gtest.h>

#include <cairo.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace kt::charts {
namespace {

using namespace std::chrono_literals;

struct Rgb8 {
  int r, g, b;
};
constexpr Rgb8 kBackground{0x0e, 0x11, 0x16};
constexpr Rgb8 kLine{0x4e, 0xa1, 0xff};
constexpr Rgb8 kUp{0x2e, 0xd1, 0x8a};
constexpr Rgb8 kDown{0xff, 0x5c, 0x5c};
// The drawdown band: 30 % of kDown over the panel (0x16, 0x1b, 0x22): 0.7·22 + 0.3·255 = 91.9, …
constexpr Rgb8 kDrawdown{92, 46, 51};

/// A decoded PNG: its IHDR size and its pixels.
class Png {
 public:
  explicit Png(const std::string& bytes) : bytes_(bytes) {
    surface_.reset(cairo_image_surface_create_from_png_stream(&Png::read, this));
  }
  bool decoded() const { return cairo_surface_status(surface_.get()) == CAIRO_STATUS_SUCCESS; }
  int width() const { return cairo_image_surface_get_width(surface_.get()); }
  int height() const { return cairo_image_surface_get_height(surface_.get()); }
  Rgb8 at(int x, int y) const {
    const unsigned char* row =
        cairo_image_surface_get_data(surface_.get()) + y * cairo_image_surface_get_stride(surface_.get());
    std::uint32_t px;
    std::memcpy(&px, row + 4 * x, 4);
    return {static_cast<int>(px >> 16 & 0xff), static_cast<int>(px >> 8 & 0xff), static_cast<int>(px & 0xff)};
  }
  /// Pixels within `tolerance` of `c` on every channel, inside the box.
  int count(Rgb8 c, int tolerance, int x0 = 0, int y0 = 0, int x1 = -1, int y1 = -1) const {
    if (x1 < 0) x1 = width();
    if (y1 < 0) y1 = height();
    int n = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        const Rgb8 p = at(x, y);
        if (std::abs(p.r - c.r) <= tolerance && std::abs(p.g - c.g) <= tolerance && std::abs(p.b - c.b) <= tolerance)
          ++n;
      }
    }
    return n;
  }

 private:
  static cairo_status_t read(void* closure, unsigned char* data, unsigned int length) {
    auto* self = static_cast<Png*>(closure);
    if (self->offset_ + length > self->bytes_.size()) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, self->bytes_.data() + self->offset_, length);
    self->offset_ += length;
    return CAIRO_STATUS_SUCCESS;
  }
  struct Destroy {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  };
  std::string bytes_;
  std::size_t offset_ = 0;
  std::unique_ptr<cairo_surface_t, Destroy> surface_;
};

std::uint32_t be32(const std::string& s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

/// PNG signature and IHDR as the first chunk, with the requested size.
void expect_png_header(const std::string& png, int width, int height) {
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(be32(png, 8), 13u);
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(be32(png, 16), static_cast<std::uint32_t>(width));
  EXPECT_EQ(be32(png, 20), static_cast<std::uint32_t>(height));
}

/// Kept in the build tree so a person can look at them.
void save(const std::string& png, const std::string& name) {
  const auto dir = std::filesystem::path(KT_BINARY_DIR) / "charts_out";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << png;
}

const TimePoint kStart = from_unix_millis(1'709'942'400'000);  // 2024-03-09 00:00 UTC

/// A deterministic random walk: `n` points `step` apart starting at `price`.
std::vector<analytics::PricePoint> walk(int n, Millis step, double price, double volatility, std::uint32_t seed) {
  std::vector<analytics::PricePoint> out;
  std::uint32_t state = seed;
  for (int i = 0; i < n; ++i) {
    out.push_back({kStart + step * i, price});
    state = state * 1664525u + 1013904223u;
    const double u = static_cast<double>(state >> 8) / static_cast<double>(1u << 24) - 0.5;
    price *= 1 + volatility * u + volatility * 0.02;
  }
  return out;
}

Position closed_bonk_for_symbol_test();

PriceChartData memecoin_day() {
  PriceChartData d;
  d.symbol = "BONK";
  d.range_label = "24h";
  d.series = walk(288, 5min, 2.966e-8, 0.03, 7);
  d.markers = {{d.series[40].at, d.series[40].price, true},
               {d.series[150].at, d.series[150].price, true},
               {d.series[230].at, d.series[230].price, false}};
  d.simulated = true;
  return d;
}

TEST(PriceChartTest, renders_a_memecoin_day_with_markers_as_a_dark_png_of_the_requested_size) {
  const auto png = render_price_chart(memecoin_day());
  ASSERT_TRUE(png.ok()) << png.error().message;
  save(*png, "price_memecoin_24h.png");
  expect_png_header(*png, 1080, 720);
  EXPECT_GT(png->size(), 10'000u);
  const Png image(*png);
  ASSERT_TRUE(image.decoded());
  EXPECT_EQ(image.width(), 1080);
  EXPECT_EQ(image.height(), 720);
  const Rgb8 corner = image.at(3, 3);
  EXPECT_EQ(corner.r, kBackground.r);
  EXPECT_EQ(corner.g, kBackground.g);
  EXPECT_EQ(corner.b, kBackground.b);
  // The plot panel (below the header, left of the axis labels) holds the line and the markers.
  EXPECT_GT(image.count(kLine, 10, 30, 140, 880, 630), 3000);
  EXPECT_GT(image.count(kUp, 10, 30, 140, 880, 630), 300);    // two ▲
  EXPECT_GT(image.count(kDown, 10, 30, 140, 880, 630), 150);  // one ▼
}

TEST(PriceChartTest, renders_a_large_price_over_a_week_without_markers) {
  PriceChartData d;
  d.symbol = "JUP";
  d.range_label = "7d";
  d.series = walk(7 * 24, 1h, 84.1844, 0.02, 3);
  const auto png = render_price_chart(d);
  ASSERT_TRUE(png.ok()) << png.error().message;
  save(*png, "price_large_7d.png");
  const Png image(*png);
  ASSERT_TRUE(image.decoded());
  EXPECT_GT(image.count(kLine, 10, 30, 140, 880, 630), 2000);
  EXPECT_EQ(image.count(kUp, 10, 30, 140, 880, 630), 0);  // no markers, and the change is in the header
}

TEST(PriceChartTest, honours_a_requested_size) {
  PriceChartData d = memecoin_day();
  d.width = 960;
  d.height = 600;
  const auto png = render_price_chart(d);
  ASSERT_TRUE(png.ok());
  expect_png_header(*png, 960, 600);
  save(*png, "price_memecoin_960x600.png");
}

TEST(PriceChartTest, a_flat_series_and_a_single_instant_still_draw_a_line) {
  PriceChartData flat;
  flat.symbol = "USDC";
  flat.series = {{kStart, 0.0069}, {kStart + 1h, 0.0069}, {kStart + 2h, 0.0069}};
  const auto a = render_price_chart(flat);
  ASSERT_TRUE(a.ok());
  save(*a, "price_flat.png");
  EXPECT_GT(Png(*a).count(kLine, 10, 30, 140, 880, 630), 1000);

  PriceChartData instant;
  instant.series = {{kStart, 1.0}, {kStart, 2.0}};
  const auto b = render_price_chart(instant);
  ASSERT_TRUE(b.ok());
  EXPECT_GT(Png(*b).count(kLine, 10, 30, 140, 880, 630), 50);
}

TEST(PriceChartTest, survives_a_long_symbol_with_invalid_utf8_from_token_metadata) {
  PriceChartData d = memecoin_day();
  d.symbol = "\xff\xfe SUPER LONG MEMECOIN NAME 🚀 \xc3";
  d.range_label = "24h";
  const auto png = render_price_chart(d);
  ASSERT_TRUE(png.ok()) << png.error().message;
  save(*png, "price_long_symbol.png");
  EXPECT_GT(Png(*png).count(kLine, 10, 30, 140, 880, 630), 3000);
  PnlCardData card = *pnl_card_for(closed_bonk_for_symbol_test());
  card.symbol = d.symbol;
  ASSERT_TRUE(render_pnl_card(card).ok());
}

TEST(PriceChartTest, refuses_empty_or_single_point_history_with_a_clear_error) {
  PriceChartData d;
  d.symbol = "BONK";
  for (const auto& series :
       {std::vector<analytics::PricePoint>{}, std::vector<analytics::PricePoint>{{kStart, 1.0}},
        std::vector<analytics::PricePoint>{{kStart, NAN}, {kStart + 1h, 0.0}, {kStart + 2h, 1.0}}}) {
    d.series = series;
    const auto png = render_price_chart(d);
    ASSERT_FALSE(png.ok());
    EXPECT_EQ(png.error().code, "E-CHART-DATA");
    EXPECT_EQ(png.error().kind, ErrorKind::kRejected);
    EXPECT_EQ(png.error().message, "not enough price history to draw a chart");
  }
}

TEST(PriceChartTest, refuses_absurd_sizes) {
  PriceChartData d = memecoin_day();
  d.width = 10;
  EXPECT_EQ(render_price_chart(d).error().code, "E-CHART-SIZE");
  d.width = 1080;
  d.height = 100'000;
  EXPECT_EQ(render_price_chart(d).error().code, "E-CHART-SIZE");
}

std::vector<analytics::EquityPoint> equity_with_drawdown() {
  // 10 → 10.5 → 10.2 → 11.2 → 11.0 → 11.4 → 11.3 SOL over a day.
  const std::int64_t milli[] = {10000, 10500, 10200, 11200, 11000, 11400, 11400, 11300};
  std::vector<analytics::EquityPoint> out;
  for (int i = 0; i < 8; ++i) out.push_back({kStart + 3h * i, Lamports{milli[i] * 1'000'000}});
  return out;
}

TEST(EquityChartTest, draws_the_curve_and_shades_the_drawdowns) {
  EquityChartData d;
  d.title = "Equity · all";
  d.subtitle = "Max drawdown 0.5 SOL (4.35%)";
  d.curve = equity_with_drawdown();
  const auto png = render_equity_chart(d);
  ASSERT_TRUE(png.ok()) << png.error().message;
  save(*png, "equity_all.png");
  expect_png_header(*png, 1080, 720);
  EXPECT_GT(png->size(), 10'000u);
  const Png image(*png);
  EXPECT_GT(image.count(kLine, 10, 30, 140, 880, 630), 2000);
  EXPECT_GT(image.count(kDrawdown, 6, 30, 140, 880, 630), 2000);
}

TEST(EquityChartTest, a_curve_that_only_rises_has_no_drawdown_band) {
  EquityChartData d;
  d.curve = {
      {kStart, Lamports::from_sol(10)}, {kStart + 1h, Lamports::from_sol(11)}, {kStart + 2h, Lamports::from_sol(12)}};
  const auto png = render_equity_chart(d);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(Png(*png).count(kDrawdown, 6, 30, 140, 880, 630), 0);
}

TEST(EquityChartTest, refuses_a_curve_of_one_point) {
  EquityChartData d;
  d.curve = {{kStart, Lamports::from_sol(10)}};
  const auto png = render_equity_chart(d);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().code, "E-CHART-DATA");
}

Position closed_bonk(Lamports pnl) {
  Position p;
  p.id = PositionId{42};
  p.symbol = "BONK";
  p.decimals = 5;
  p.side = Side::kLong;
  p.status = PositionStatus::kClosed;
  // 0.00002966 SOL per token = 2966 lamports per 10^5 raw units… as lamports per raw unit: 2966/100000.
  p.entry_price = *Price::from_sol_per_token("0.00002966", 5);
  p.exit_price = *Price::from_sol_per_token("0.0000421", 5);
  p.initial_cost = Lamports::from_sol(1);
  p.realized_pnl = pnl;
  p.opened_at = kStart;
  p.closed_at = kStart + 3h + 5min;
  p.simulated = true;
  return p;
}

Position closed_bonk_for_symbol_test() { return closed_bonk(Lamports{1}); }

TEST(PnlCardTest, takes_its_numbers_from_the_closed_position) {
  const auto card = pnl_card_for(closed_bonk(Lamports{425'000'000}));
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->symbol, "BONK");
  EXPECT_DOUBLE_EQ(card->entry_price, 0.00002966);
  EXPECT_DOUBLE_EQ(card->exit_price, 0.0000421);
  EXPECT_EQ(card->pnl, Lamports{425'000'000});
  EXPECT_EQ(card->cost, Lamports::from_sol(1));
  EXPECT_EQ(card->held, Millis{(3 * 60 + 5) * 60'000});
  EXPECT_TRUE(card->simulated);
  Position open = closed_bonk(Lamports{0});
  open.status = PositionStatus::kOpen;
  EXPECT_EQ(pnl_card_for(open).error().code, "E-CHART-DATA");
}

TEST(PnlCardTest, renders_a_profit_in_green) {
  const auto png = render_pnl_card(*pnl_card_for(closed_bonk(Lamports{425'000'000})));
  ASSERT_TRUE(png.ok()) << png.error().message;
  save(*png, "pnl_card_profit.png");
  expect_png_header(*png, 1080, 720);
  EXPECT_GT(png->size(), 10'000u);
  const Png image(*png);
  EXPECT_GT(image.count(kUp, 12), 5000);  // the accent bar and the big "+42.50%"
  EXPECT_LT(image.count(kDown, 12), 50);
}

TEST(PnlCardTest, renders_a_loss_in_red) {
  PnlCardData d = *pnl_card_for(closed_bonk(Lamports{-120'000'000}));
  d.side = Side::kShort;
  d.simulated = false;
  const auto png = render_pnl_card(d);
  ASSERT_TRUE(png.ok());
  save(*png, "pnl_card_loss.png");
  EXPECT_GT(Png(*png).count(kDown, 12), 5000);
}

}  // namespace
}  // namespace kt::charts
