#include "market/metrics_window.hpp"

#include <algorithm>
#include <cmath>

namespace kt::market {
namespace {

constexpr std::chrono::hours kHour{1};
constexpr std::chrono::hours kDay{24};

/// Same test as compute_token_metrics, except the time (the newest point is checked against now).
bool usable_price(const PricePoint& p) { return p.sol_per_token > 0 && std::isfinite(p.sol_per_token); }

/// Drops the first `head` entries once they are most of the vector.
template <class T>
void drop_consumed(std::vector<T>& v, std::size_t& head) {
  if (head < 64 || head <= v.size() / 2) return;
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(head));
  head = 0;
}

}  // namespace

std::span<const PricePoint> MetricsWindow::points() const {
  return std::span<const PricePoint>(points_).subspan(first_);
}

bool MetricsWindow::is_bad(Seq s) const {
  const PricePoint& p = at_seq(s);
  if (!usable_price(p)) return true;
  return s > base_ + first_ && p.at < at_seq(s - 1).at;
}

void MetricsWindow::push_extreme(std::vector<Seq>& queue, std::size_t& head, Seq s, bool keep_higher) {
  const double price = at_seq(s).sol_per_token;
  // A point that is not above (below) the newest cannot be the window's high (low) while it is.
  while (queue.size() > head) {
    const double back = at_seq(queue.back()).sol_per_token;
    if (keep_higher ? back > price : back < price) break;
    queue.pop_back();
  }
  queue.push_back(s);
}

void MetricsWindow::add(const PricePoint& point) {
  points_.push_back(point);
  const std::size_t i = points_.size() - 1;
  returns_.push_back(i > first_ ? std::log(point.sol_per_token / points_[i - 1].sol_per_token) : 0.0);
  const Seq s = end_seq() - 1;
  bad_ += is_bad(s) ? 1 : 0;
  push_extreme(highs_, highs_head_, s, true);
  push_extreme(lows_, lows_head_, s, false);
}

void MetricsWindow::expire(TimePoint before) {
  while (first_ < points_.size() && points_[first_].at < before) {
    const Seq s = base_ + first_;
    bad_ -= is_bad(s) ? 1 : 0;
    // The next point's order was judged against this one; once it is first it has no predecessor.
    const bool has_next = first_ + 1 < points_.size();
    if (has_next) bad_ -= is_bad(s + 1) ? 1 : 0;
    ++first_;
    if (has_next) bad_ += is_bad(s + 1) ? 1 : 0;
  }
  trim_extremes(base_ + first_);  // the queues never refer to a forgotten point
  compact();
}

void MetricsWindow::trim_extremes(Seq from) {
  for (auto [queue, head] : {std::pair{&highs_, &highs_head_}, std::pair{&lows_, &lows_head_}}) {
    while (*head < queue->size() && (*queue)[*head] < from) ++*head;
    drop_consumed(*queue, *head);
  }
}

void MetricsWindow::compact() {
  if (first_ < 64 || first_ <= points_.size() / 2) return;
  const auto n = static_cast<std::ptrdiff_t>(first_);
  points_.erase(points_.begin(), points_.begin() + n);
  returns_.erase(returns_.begin(), returns_.begin() + n);
  base_ += first_;
  first_ = 0;
}

TokenMetrics MetricsWindow::metrics(const Mint& mint, TimePoint now) {
  const auto pts = points();
  // Unusable or unordered points, or a newest point after `now`: compute_token_metrics filters
  // and sorts a copy, which is what it is for.
  if (bad_ > 0 || pts.empty() || pts.back().at > now) return compute_token_metrics(mint, pts, now);
  const std::size_t window_offset = static_cast<std::size_t>(
      std::partition_point(pts.begin(), pts.end(), [&](const PricePoint& p) { return p.at < now - kDay; }) -
      pts.begin());
  const Seq window_start = base_ + first_ + window_offset;
  // The queues only forget: a window that starts earlier than before needs the full computation.
  if (window_start < window_start_) return compute_token_metrics(mint, pts, now);
  window_start_ = window_start;

  TokenMetrics m;
  m.mint = mint;
  m.updated_at = now;
  const double last = pts.back().sol_per_token;
  m.last_price_sol = last;
  m.change_1h_pct = metrics_detail::change_pct(last, metrics_detail::price_at(pts, now - kHour));
  m.change_24h_pct = metrics_detail::change_pct(last, metrics_detail::price_at(pts, now - kDay));

  const std::size_t window_size = pts.size() - window_offset;
  trim_extremes(window_start);
  if (window_size > 0) {
    m.high_24h = at_seq(highs_[highs_head_]).sol_per_token;
    m.low_24h = at_seq(lows_[lows_head_]).sol_per_token;
  }
  if (window_size >= 3) {
    // The window's returns in compute_token_metrics' order: one add each, as it sums them.
    const std::size_t from = first_ + window_offset + 1, to = points_.size();
    double mean = 0;
    for (std::size_t i = from; i < to; ++i) mean += returns_[i];
    const auto n = static_cast<double>(to - from);
    mean /= n;
    double sum_sq = 0;
    for (std::size_t i = from; i < to; ++i) sum_sq += (returns_[i] - mean) * (returns_[i] - mean);
    m.volatility_24h = std::sqrt(sum_sq / (n - 1));
  }
  return m;
}

}  // namespace kt::market
