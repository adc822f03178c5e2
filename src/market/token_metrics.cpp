#include "market/token_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace kt::market {
namespace {

constexpr std::chrono::hours kHour{1};
constexpr std::chrono::hours kDay{24};

/// The newest usable point at or before `t`.
std::optional<double> price_at(const std::vector<PricePoint>& points, TimePoint t) {
  std::optional<double> out;
  for (const auto& p : points) {
    if (p.at > t) break;
    out = p.sol_per_token;
  }
  return out;
}

std::optional<double> change_pct(double last, std::optional<double> then) {
  if (!then) return std::nullopt;
  return (last / *then - 1.0) * 100.0;
}

}  // namespace

TokenMetrics compute_token_metrics(const Mint& mint, std::span<const PricePoint> history, TimePoint now) {
  TokenMetrics m;
  m.mint = mint;
  m.updated_at = now;
  std::vector<PricePoint> points;
  points.reserve(history.size());
  for (const auto& p : history) {
    if (p.at <= now && p.sol_per_token > 0 && std::isfinite(p.sol_per_token)) points.push_back(p);
  }
  std::stable_sort(points.begin(), points.end(), [](const PricePoint& a, const PricePoint& b) { return a.at < b.at; });
  if (points.empty()) return m;

  const double last = points.back().sol_per_token;
  m.last_price_sol = last;
  m.change_1h_pct = change_pct(last, price_at(points, now - kHour));
  m.change_24h_pct = change_pct(last, price_at(points, now - kDay));

  std::vector<double> window;
  for (const auto& p : points) {
    if (p.at >= now - kDay) window.push_back(p.sol_per_token);
  }
  if (!window.empty()) {
    m.high_24h = *std::max_element(window.begin(), window.end());
    m.low_24h = *std::min_element(window.begin(), window.end());
  }
  if (window.size() >= 3) {
    std::vector<double> returns;
    for (std::size_t i = 1; i < window.size(); ++i) returns.push_back(std::log(window[i] / window[i - 1]));
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
