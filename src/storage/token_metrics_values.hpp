#pragma once
// The values both backends store for a TokenMetricsRecord, so that they agree bit for bit: SQLite
// turns NaN into NULL and writes an integral REAL (so also -0.0) as an integer, which reads back as 0.0.
#include <cmath>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "storage/repository.hpp"

namespace kt::storage {

/// `metrics` with -0.0 replaced by 0.0; rejected (E-STORAGE) if a value is NaN or infinite.
inline Result<TokenMetricsRecord> storable_metrics(TokenMetricsRecord metrics) {
  bool finite = true;
  const auto normalize = [&finite](double& v) {
    if (!std::isfinite(v)) finite = false;
    if (v == 0) v = 0.0;  // -0.0 == 0
  };
  normalize(metrics.last_price_sol);
  for (auto* field : {&metrics.change_1h_pct, &metrics.change_24h_pct, &metrics.high_24h, &metrics.low_24h,
                      &metrics.volatility_24h}) {
    if (*field) normalize(**field);
  }
  if (!finite) return rejected("E-STORAGE", "token metrics of " + metrics.mint.to_string() + " are not finite");
  return metrics;
}

}  // namespace kt::storage
