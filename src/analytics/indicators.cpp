#include "analytics/indicators.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace kt::analytics {
namespace {

void require_window(int n) {
  if (n < 1) throw std::invalid_argument("indicator window must be at least 1");
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::vector<std::optional<double>> sma(const std::vector<double>& values, int n) {
  require_window(n);
  const auto w = static_cast<std::size_t>(n);
  std::vector<std::optional<double>> out(values.size());
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    sum += values[i];
    if (i >= w) sum -= values[i - w];
    if (i + 1 >= w) out[i] = sum / n;
  }
  return out;
}

std::vector<std::optional<double>> ema(const std::vector<double>& values, int n) {
  require_window(n);
  const auto w = static_cast<std::size_t>(n);
  std::vector<std::optional<double>> out(values.size());
  if (values.size() < w) return out;
  double seed = 0;
  for (std::size_t i = 0; i < w; ++i) seed += values[i];
  double value = seed / n;
  out[w - 1] = value;
  const double alpha = 2.0 / (n + 1);
  for (std::size_t i = w; i < values.size(); ++i) {
    value = alpha * values[i] + (1 - alpha) * value;
    out[i] = value;
  }
  return out;
}

std::vector<std::optional<double>> rsi(const std::vector<double>& values, int n) {
  require_window(n);
  const auto w = static_cast<std::size_t>(n);
  std::vector<std::optional<double>> out(values.size());
  if (values.size() < w + 1) return out;
  auto rsi_of = [](double gain, double loss) {
    if (loss == 0) return gain == 0 ? 50.0 : 100.0;
    return 100.0 - 100.0 / (1.0 + gain / loss);
  };
  double gain = 0;
  double loss = 0;
  for (std::size_t i = 1; i <= w; ++i) {
    const double d = values[i] - values[i - 1];
    (d > 0 ? gain : loss) += std::abs(d);
  }
  gain /= n;
  loss /= n;
  out[w] = rsi_of(gain, loss);
  for (std::size_t i = w + 1; i < values.size(); ++i) {
    const double d = values[i] - values[i - 1];
    gain = (gain * (n - 1) + (d > 0 ? d : 0)) / n;
    loss = (loss * (n - 1) + (d < 0 ? -d : 0)) / n;
    out[i] = rsi_of(gain, loss);
  }
  return out;
}

std::vector<PricePoint> resample_closes(const std::vector<PricePoint>& points, Millis step) {
  if (step.count() < 1) throw std::invalid_argument("resample step must be positive");
  std::vector<PricePoint> out;
  if (points.empty()) return out;
  const std::int64_t s = step.count();
  auto bucket_of = [s](TimePoint t) {
    const std::int64_t ms = to_unix_millis(t);
    return ms / s - (ms % s < 0 ? 1 : 0);
  };
  std::int64_t bucket = bucket_of(points.front().at);
  double close = points.front().price;
  for (const auto& p : points) {
    const std::int64_t b = bucket_of(p.at);
    while (bucket < b) {
      out.push_back({from_unix_millis(bucket * s), close});
      ++bucket;
    }
    close = p.price;
  }
  out.push_back({from_unix_millis(bucket * s), close});
  return out;
}

TaReading ta_reading(const std::vector<double>& closes) {
  TaReading r;
  r.points = static_cast<int>(closes.size());
  if (!closes.empty()) r.last = closes.back();
  if (r.points < kMinTaPoints) {
    r.summary = fmt::format("not enough history ({} points, need {})", r.points, kMinTaPoints);
    return r;
  }
  r.enough_history = true;
  r.rsi14 = rsi(closes, 14).back();
  r.sma20 = sma(closes, 20).back();
  r.ema50 = ema(closes, 50).back();

  const double v = *r.rsi14;
  const char* zone = v >= 70 ? "overbought" : v <= 30 ? "oversold" : "neutral";
  r.summary = fmt::format("RSI {:.0f}: {}", v, zone);

  std::vector<std::string> names;
  int above = 0;
  int below = 0;
  for (const auto& [name, avg] : {std::pair{"SMA20", r.sma20}, std::pair{"EMA50", r.ema50}}) {
    if (!avg) continue;
    names.emplace_back(name);
    if (*r.last > *avg) ++above;
    if (*r.last < *avg) ++below;
  }
  const int n = static_cast<int>(names.size());
  if (n == 0) {
    r.summary += "; trend: needs 20 points for SMA20";
    return r;
  }
  const std::string list = join_names(names);
  if (above == n) {
    r.summary += "; price above " + list + ": uptrend";
  } else if (below == n) {
    r.summary += "; price below " + list + ": downtrend";
  } else {
    r.summary += "; price at or between " + list + ": no clear trend";
  }
  if (!r.ema50) r.summary += " (EMA50 needs 50 points)";
  return r;
}

}  // namespace kt::analytics
