#pragma once
// Statistics of a token's recent prices (token_metrics): pure functions over its price history.
#include <optional>
#include <span>

#include "core/clock.hpp"
#include "domain/mint.hpp"

namespace kt::market {

/// One observation in SOL per whole token (a double: metrics are for display and statistics only).
struct PricePoint {
  TimePoint at{};
  double sol_per_token = 0;
};

/// The token_metrics row of one token.
struct TokenMetrics {
  Mint mint;
  std::optional<double> last_price_sol;
  std::optional<double> change_1h_pct;
  std::optional<double> change_24h_pct;
  std::optional<double> high_24h;
  std::optional<double> low_24h;
  std::optional<double> volatility_24h;  ///< sample stdev of log returns between observations, 24 h
  TimePoint updated_at{};
};

/// Metrics at `now` from a history sorted oldest first (points after `now` and non-positive prices
/// are ignored). last = the newest point; change over d = last / p(now − d) − 1 in percent, where
/// p(t) is the newest point at or before t (none: no change); high/low over [now − 24 h, now];
/// volatility = sample standard deviation of ln(p[i]/p[i−1]) over consecutive points in that window
/// (needs ≥ 2 returns). Not annualised: it is per observation interval (the tracker's cadence).
TokenMetrics compute_token_metrics(const Mint& mint, std::span<const PricePoint> history, TimePoint now);

namespace metrics_detail {
/// The newest point at or before `t` of points sorted by time.
std::optional<double> price_at(std::span<const PricePoint> points, TimePoint t);
/// last / then − 1 in percent; none without `then`.
std::optional<double> change_pct(double last, std::optional<double> then);
}  // namespace metrics_detail

}  // namespace kt::market
