// Render time per chart (1080×720 PNG). Baseline: encoding a blank surface of the same size, the
// part no drawing change can remove. Run: build/bench/charts/kt_bench_charts
#include <benchmark/benchmark.h>
#include <cairo.h>

#include <string>

#include "charts/charts.hpp"

namespace {

using kt::charts::PriceChartData;

const kt::TimePoint kStart = kt::from_unix_millis(1'709'942'400'000);

std::vector<kt::analytics::PricePoint> walk(int n, kt::Millis step) {
  std::vector<kt::analytics::PricePoint> out;
  std::uint32_t state = 7;
  double price = 2.966e-8;
  for (int i = 0; i < n; ++i) {
    out.push_back({kStart + step * i, price});
    state = state * 1664525u + 1013904223u;
    price *= 1 + 0.03 * (static_cast<double>(state >> 8) / (1u << 24) - 0.5);
  }
  return out;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void BM_BaselineBlankPng(benchmark::State& state) {
  for (auto _ : state) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1080, 720);
    cairo_t* cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.05, 0.07, 0.09);
    cairo_paint(cr);
    std::string png;
    cairo_surface_write_to_png_stream(s, append, &png);
    benchmark::DoNotOptimize(png);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
  }
}
BENCHMARK(BM_BaselineBlankPng)->Unit(benchmark::kMillisecond);

void BM_PriceChart(benchmark::State& state) {
  PriceChartData d;
  d.symbol = "BONK";
  d.range_label = "24h";
  d.series = walk(static_cast<int>(state.range(0)), std::chrono::minutes(5));
  d.markers = {{d.series[10].at, d.series[10].price, true}, {d.series[20].at, d.series[20].price, false}};
  d.simulated = true;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto png = kt::charts::render_price_chart(d);
    bytes = png->size();
    benchmark::DoNotOptimize(png);
  }
  state.counters["png_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PriceChart)->Arg(288)->Arg(2016)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_EquityChart(benchmark::State& state) {
  kt::charts::EquityChartData d;
  d.title = "Equity · month";
  std::int64_t equity = 10'000'000'000;
  for (int i = 0; i < state.range(0); ++i) {
    d.curve.push_back({kStart + std::chrono::minutes(37) * i, kt::Lamports{equity}});
    equity += (i % 3 == 0 ? -1 : 1) * 40'000'000;
  }
  for (auto _ : state) benchmark::DoNotOptimize(kt::charts::render_equity_chart(d));
}
BENCHMARK(BM_EquityChart)->Arg(500)->Unit(benchmark::kMillisecond);

void BM_PnlCard(benchmark::State& state) {
  kt::charts::PnlCardData d;
  d.symbol = "BONK";
  d.entry_price = 2.966e-8;
  d.exit_price = 4.21e-8;
  d.pnl = kt::Lamports{425'000'000};
  d.cost = kt::Lamports{1'000'000'000};
  d.held = kt::Millis{11'100'000};
  for (auto _ : state) benchmark::DoNotOptimize(kt::charts::render_pnl_card(d));
}
BENCHMARK(BM_PnlCard)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
