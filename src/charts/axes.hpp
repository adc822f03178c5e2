#pragma once
// Axis arithmetic and labels for the charts: pure functions, tested without drawing.
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace kt::charts {

/// Evenly spaced "nice" values (1, 2 or 5 × 10^k apart) covering [lo, hi].
struct ValueTicks {
  double step = 1;
  std::vector<double> values;  ///< ascending, inside [lo, hi]
};

/// At most about `max_ticks` nice ticks inside [lo, hi]; lo < hi.
ValueTicks value_ticks(double lo, double hi, int max_ticks);

/// A tick label with just the digits `step` needs, readable at any magnitude: "84.2", "0.0025",
/// and for tiny prices the zero-count form traders know from DexScreener, "0.0₇2966"
/// (= 0.00000002966). Negative values get a "-".
std::string format_tick(double value, double step);

/// kt::format_significant (4 digits) with a long run of zeros after the point shortened the same way.
std::string format_price(double value);

/// Rewrites "0.00000002966" as "0.0₇2966" when at least `min_zeros` zeros follow the point.
std::string compact_zeros(const std::string& decimal, int min_zeros = 4);

/// A time tick and its UTC label.
struct TimeTick {
  TimePoint at{};
  std::string label;  ///< "14:30", or "Mar 09" at midnight or for day-sized steps
};

/// Ticks at whole multiples of a step from 1 min to 7 days, at most about `max_ticks`; from < to.
std::vector<TimeTick> time_ticks(TimePoint from, TimePoint to, int max_ticks);

/// "45 s", "12 min", "3 h 05 min", "2 d 4 h".
std::string format_duration(Millis duration);

}  // namespace kt::charts
