#pragma once
// The values both backends store for a TokenMetricsRecord, so that they agree bit for bit: SQLite
// turns NaN into NULL and writes an integral REAL (so also -0.0) as an integer, which reads back as 0.0.
#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <vector>

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

/// storable_metrics of each record, ordered by mint, of two records of one mint only the later;
/// rejected (and nothing returned) if any value is NaN or infinite.
inline Result<std::vector<TokenMetricsRecord>> storable_metrics_batch(std::span<const TokenMetricsRecord> metrics) {
  std::vector<TokenMetricsRecord> out;
  out.reserve(metrics.size());
  for (const auto& m : metrics) {
    KT_TRY(auto stored, storable_metrics(m));
    out.push_back(std::move(stored));
  }
  const auto by_mint = [](const TokenMetricsRecord& a, const TokenMetricsRecord& b) { return a.mint < b.mint; };
  // The tracker passes distinct mints in ascending order: nothing to do then.
  if (std::adjacent_find(out.begin(), out.end(), [](const auto& a, const auto& b) { return !(a.mint < b.mint); }) ==
      out.end())
    return out;
  std::stable_sort(out.begin(), out.end(), by_mint);
  std::vector<TokenMetricsRecord> last_of_each;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i + 1 < out.size() && out[i + 1].mint == out[i].mint) continue;  // a later record wins
    last_of_each.push_back(std::move(out[i]));
  }
  return last_of_each;
}

}  // namespace kt::storage
