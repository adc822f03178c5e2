#pragma once
// A token's recent price history kept for its metrics, updated point by point so that a tracker
// cycle does not recompute a day of history per token: high and low come from monotonic queues
// (O(1) amortised), each log return is computed once when its point arrives, and the changes are
// binary searches. Results equal compute_token_metrics over the same points bit for bit (the
// volatility sums the cached returns in the same order, one add per return, no logarithm).
#include <span>
#include <vector>

#include "market/token_metrics.hpp"

namespace kt::market {

class MetricsWindow {
 public:
  /// Appends an observation (normally the newest; anything else is kept too and makes metrics()
  /// fall back to the full computation while it is retained).
  void add(const PricePoint& point);
  /// Forgets the points observed before `before`.
  void expire(TimePoint before);
  /// The retained points, in the order they were added.
  std::span<const PricePoint> points() const;
  bool empty() const { return points().empty(); }

  /// Equals compute_token_metrics(mint, points(), now). Calls with a `now` that goes back in time
  /// are answered by the full computation.
  TokenMetrics metrics(const Mint& mint, TimePoint now);

 private:
  /// Absolute index of a point: position since the first point ever added (survives compaction).
  using Seq = std::size_t;
  const PricePoint& at_seq(Seq s) const { return points_[s - base_]; }
  Seq end_seq() const { return base_ + points_.size(); }
  /// True when point `s` (retained) is unusable, or older than the retained point before it.
  bool is_bad(Seq s) const;
  void push_extreme(std::vector<Seq>& queue, std::size_t& head, Seq s, bool keep_higher);
  /// Drops the queue entries before `from` (the queues are in index order).
  void trim_extremes(Seq from);
  void compact();

  std::vector<PricePoint> points_;  ///< from index `first_` on: the retained points
  std::vector<double> returns_;     ///< returns_[i] = ln(points_[i] / points_[i − 1]); [first_] unused
  std::size_t first_ = 0;
  Seq base_ = 0;         ///< absolute index of points_[0]
  std::size_t bad_ = 0;  ///< retained points for which is_bad() holds
  // High/low over [window start, end): indices with strictly decreasing (highs) / increasing
  // (lows) prices from head on. Valid for window starts that never move back.
  std::vector<Seq> highs_, lows_;
  std::size_t highs_head_ = 0, lows_head_ = 0;
  Seq window_start_ = 0;  ///< the last window start the queues were trimmed to
};

}  // namespace kt::market
