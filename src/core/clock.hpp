#pragma once
// Time is injected: nothing under domain/ or engine/ reads the clock; they take `now` or a Clock.
#include <atomic>
#include <chrono>

namespace kt {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

/// Milliseconds since the Unix epoch, the form every store and wire format uses.
inline std::int64_t to_unix_millis(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
inline TimePoint from_unix_millis(std::int64_t ms) { return TimePoint{Millis{ms}}; }

/// Source of the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

/// The wall clock, used only by the composition root.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

/// A clock that moves only when told to; for tests and deterministic simulations.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = from_unix_millis(1'700'000'000'000)) : now_ms_(to_unix_millis(start)) {}
  TimePoint now() const override { return from_unix_millis(now_ms_.load()); }
  void set(TimePoint t) { now_ms_.store(to_unix_millis(t)); }
  void advance(Millis d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace kt
