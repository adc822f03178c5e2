#include "market/token_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

namespace kt::market {
namespace {

constexpr std::chrono::hours kHour{1};
constexpr std::chrono::hours kDay{24};

}  // namespace

namespace metrics_detail {

std::optional<double> price_at(std::span<const PricePoint> points, TimePoint t) {
  const auto after =
      std::upper_bound(points.begin(), points.end(), t, [](TimePoint at, const PricePoint& p) { return at < p.at; });
  if (after == points.begin()) return std::nullopt;
  return std::prev(after)->sol_per_token;
}

std::optional<double> change_pct(double last, std::optional<double> then) {
  if (!then) return std::nullopt;
  return (last / *then - 1.0) * 100.0;
}

}  // namespace metrics_detail

using metrics_detail::change_pct;
using metrics_detail::price_at;

TokenMetrics compute_token_metrics(const Mint& mint, std::span<const PricePoint> history, TimePoint now) {
  TokenMetrics m;
  m.mint = mint;
  m.updated_at = now;
  const auto usable = [now](const PricePoint& p) {
    return p.at <= now && p.sol_per_token > 0 && std::isfinite(p.sol_per_token);
  };
  const auto earlier = [](const PricePoint& a, const PricePoint& b) { return a.at < b.at; };
  // The tracker's history is usable and in order already (the common case): read it in place.
  std::span<const PricePoint> points = history;
  std::vector<PricePoint> filtered;
  if (!std::all_of(history.begin(), history.end(), usable) ||
      !std::is_sorted(history.begin(), history.end(), earlier)) {
    filtered.reserve(history.size());
    std::copy_if(history.begin(), history.end(), std::back_inserter(filtered), usable);
    std::stable_sort(filtered.begin(), filtered.end(), earlier);
    points = filtered;
  }
  if (points.empty()) return m;

  const double last = points.back().sol_per_token;
  m.last_price_sol = last;
  m.change_1h_pct = change_pct(last, price_at(points, now - kHour));
  m.change_24h_pct = change_pct(last, price_at(points, now - kDay));

  // The last 24 h: a suffix of the sorted points.
  const auto window = points.subspan(static_cast<std::size_t>(
      std::partition_point(points.begin(), points.end(), [&](const PricePoint& p) { return p.at < now - kDay; }) -
      points.begin()));
  if (!window.empty()) {
    const auto [low, high] = std::minmax_element(
        window.begin(), window.end(), [](const auto& a, const auto& b) { return a.sol_per_token < b.sol_per_token; });
    m.high_24h = high->sol_per_token;
    m.low_24h = low->sol_per_token;
  }
  if (window.size() >= 3) {
    std::vector<double> returns;
    returns.reserve(window.size() - 1);
    for (std::size_t i = 1; i < window.size(); ++i)
      returns.push_back(std::log(window[i].sol_per_token / window[i - 1].sol_per_token));
    double mean = 0;
    for (double r : returns) mean += r;
    mean /= static_cast<double>(returns.size());
    double sum_sq = 0;
    for (double r : returns) sum_sq += (r - mean) * (r - mean);
    m.volatility_24h = std::sqrt(sum_sq / static_cast<double>(returns.size() - 1));
  }
  return m;
}

}  // namespace kt::market
