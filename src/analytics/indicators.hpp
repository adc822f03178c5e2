#pragma once
// Technical indicators over a price series (SOL per whole token, oldest first). Doubles are fine
// here: these are display statistics, they never move money.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace kt::analytics {

/// One observation of a price series.
struct PricePoint {
  TimePoint at{};
  double price = 0;  ///< SOL per whole token
};

/// Simple moving average; out[i] is set once i ≥ n−1. Throws std::invalid_argument if n < 1.
std::vector<std::optional<double>> sma(const std::vector<double>& values, int n);
/// Exponential moving average with α = 2/(n+1), seeded with the SMA of the first n values (out[n−1]).
std::vector<std::optional<double>> ema(const std::vector<double>& values, int n);
/// Wilder's RSI: first averages are plain means of the first n gains/losses (out[n]), then
/// avg = (avg·(n−1) + current)/n. 100 when there are no losses, 50 when nothing moved.
std::vector<std::optional<double>> rsi(const std::vector<double>& values, int n = 14);

/// The last close of every `step`-long bucket from the first point's bucket to the last's, a gap
/// carrying the previous close forward; stamped at the bucket's start. Turns irregular price ticks
/// into evenly spaced closes for the indicators. Empty input → empty output.
std::vector<PricePoint> resample_closes(const std::vector<PricePoint>& points, Millis step);

/// The /ta answer: the latest indicator values and a one-line reading.
struct TaReading {
  int points = 0;  ///< closes used
  std::optional<double> last;
  std::optional<double> sma20;
  std::optional<double> ema50;
  std::optional<double> rsi14;
  bool enough_history = false;  ///< false: fewer than kMinTaPoints closes
  std::string summary;          ///< "RSI 72: overbought; price above SMA20 and EMA50: uptrend"
};

/// Closes needed for any reading (RSI 14 needs 15).
inline constexpr int kMinTaPoints = 15;

/// RSI ≥ 70 "overbought", ≤ 30 "oversold", else "neutral"; price above every available average
/// "uptrend", below every one "downtrend", else "no clear trend". Short series: "not enough history
/// (N points, need 15)"; an average without enough points is left out and named as such.
TaReading ta_reading(const std::vector<double>& closes);

}  // namespace kt::analytics
