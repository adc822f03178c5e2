#include "charts/axes.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "domain/price.hpp"

namespace kt::charts {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

std::string subscript(int n) {
  static constexpr std::array<const char*, 10> kDigits = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  std::string out;
  for (char c : std::to_string(n)) out += kDigits[static_cast<std::size_t>(c - '0')];
  return out;
}

std::string with_sign(bool negative, std::string digits) { return negative && digits != "0" ? "-" + digits : digits; }

}  // namespace

ValueTicks value_ticks(double lo, double hi, int max_ticks) {
  ValueTicks out;
  if (!(hi > lo) || max_ticks < 1) return out;
  const double raw = (hi - lo) / max_ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  constexpr double kSlack = 1 + 1e-9;  // 1e-10 computed as 1.0000000001e-10 is still a "1"
  out.step = (norm <= kSlack ? 1 : norm <= 2 * kSlack ? 2 : norm <= 5 * kSlack ? 5 : 10) * mag;
  // Multiples of the step, computed from an integer index so no error accumulates.
  const auto first = static_cast<long long>(std::ceil(lo / out.step - 1e-9));
  for (long long k = first;; ++k) {
    const double v = static_cast<double>(k) * out.step;
    if (v > hi + out.step * 1e-9) break;
    out.values.push_back(v);
  }
  return out;
}

std::string compact_zeros(const std::string& decimal, int min_zeros) {
  const bool negative = !decimal.empty() && decimal[0] == '-';
  const std::string body = negative ? decimal.substr(1) : decimal;
  if (body.rfind("0.", 0) != 0) return decimal;
  std::size_t i = 2;
  while (i < body.size() && body[i] == '0') ++i;
  const int zeros = static_cast<int>(i - 2);
  if (zeros < min_zeros || i == body.size()) return decimal;
  return (negative ? "-" : "") + std::string("0.0") + subscript(zeros) + body.substr(i);
}

std::string format_tick(double value, double step) {
  if (!std::isfinite(value)) return "n/a";
  const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 40);
  std::string digits = fmt::format("{:.{}f}", std::abs(value), decimals);
  if (digits.find_first_not_of("0.") == std::string::npos) return "0";
  return with_sign(value < 0, compact_zeros(digits));
}

std::string format_price(double value) {
  if (!std::isfinite(value)) return "n/a";
  if (value == 0) return "0";
  return with_sign(value < 0, compact_zeros(format_significant(std::abs(value))));
}

std::vector<TimeTick> time_ticks(TimePoint from, TimePoint to, int max_ticks) {
  static constexpr std::array<std::int64_t, 15> kSteps = {
      kMinute,   5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,    2 * kHour, 3 * kHour,
      6 * kHour, 12 * kHour,  kDay,         2 * kDay,     3 * kDay,     7 * kDay, 14 * kDay};
  std::vector<TimeTick> out;
  const std::int64_t a = to_unix_millis(from);
  const std::int64_t b = to_unix_millis(to);
  if (b <= a || max_ticks < 1) return out;
  std::int64_t step = kSteps.back();
  for (std::int64_t s : kSteps) {
    if ((b - a) / s <= max_ticks) {
      step = s;
      break;
    }
  }
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::int64_t t = (a / step + (a % step > 0 ? 1 : 0)) * step; t <= b; t += step) {
    const TimePoint at = from_unix_millis(t);
    const std::int64_t in_day = t % kDay;
    std::string label;
    if (in_day == 0) {
      const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(at)};
      label =
          fmt::format("{} {:02}", kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<unsigned>(ymd.day()));
    } else {
      label = fmt::format("{:02}:{:02}", in_day / kHour, in_day % kHour / kMinute);
    }
    out.push_back({at, std::move(label)});
  }
  return out;
}

std::string format_duration(Millis duration) {
  const std::int64_t ms = std::max<std::int64_t>(0, duration.count());
  if (ms < kMinute) return fmt::format("{} s", ms / 1000);
  if (ms < kHour) return fmt::format("{} min", ms / kMinute);
  if (ms < kDay) return fmt::format("{} h {:02} min", ms / kHour, ms % kHour / kMinute);
  return fmt::format("{} d {} h", ms / kDay, ms % kDay / kHour);
}

}  // namespace kt::charts
