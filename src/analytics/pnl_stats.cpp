#include "analytics/pnl_stats.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>

#include <fmt/format.h>

namespace kt::analytics {
namespace {

constexpr std::int64_t kMillisPerDay = 86'400'000;

bool is_closing(const LedgerEntry& e) { return e.kind == LedgerKind::kClose || e.kind == LedgerKind::kLiquidation; }
bool is_flow(const LedgerEntry& e) { return e.kind == LedgerKind::kGrant || e.kind == LedgerKind::kReset; }

/// How an entry moves book equity (balance + open cost).
Lamports equity_effect(const LedgerEntry& e) {
  if (is_closing(e)) return e.pnl;
  if (is_flow(e)) return e.amount;
  return Lamports{0};  // an open turns cash into cost
}

std::vector<const LedgerEntry*> chronological(const std::vector<LedgerEntry>& ledger, TimePoint from, TimePoint to) {
  std::vector<const LedgerEntry*> out;
  for (const auto& e : ledger) {
    if (e.created_at >= from && e.created_at <= to) out.push_back(&e);
  }
  std::sort(out.begin(), out.end(), [](const LedgerEntry* a, const LedgerEntry* b) {
    return a->created_at != b->created_at ? a->created_at < b->created_at : a->id < b->id;
  });
  return out;
}

struct Drawdown {
  Lamports max;
  std::optional<double> max_pct;
};

/// Peak-to-trough over the curve; an outside flow moves the running peak with it, so a grant is
/// not a recovery and a reset is not a loss.
Drawdown drawdown_of(const std::vector<EquityPoint>& curve, const std::vector<Lamports>& flows) {
  Drawdown dd;
  if (curve.empty()) return dd;
  Lamports peak = curve.front().equity;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    peak += flows[i];
    peak = std::max(peak, curve[i].equity);
    const Lamports fall = peak - curve[i].equity;
    dd.max = std::max(dd.max, fall);
    if (peak > Lamports{0} && fall > Lamports{0}) {
      const double pct = 100.0 * static_cast<double>(fall.value) / static_cast<double>(peak.value);
      if (!dd.max_pct || pct > *dd.max_pct) dd.max_pct = pct;
    }
  }
  if (!dd.max_pct && curve.front().equity > Lamports{0}) dd.max_pct = 0.0;
  return dd;
}

/// The curve and, per point, the outside flow that produced it (0 for trades and the end points).
std::pair<std::vector<EquityPoint>, std::vector<Lamports>> build_curve(const std::vector<LedgerEntry>& ledger,
                                                                       const AccountSnapshot& now_state, TimePoint from,
                                                                       TimePoint now) {
  Lamports equity = book_equity_at(ledger, now_state.book_equity(), from);
  std::vector<EquityPoint> curve{{from, equity}};
  std::vector<Lamports> flows{Lamports{0}};
  for (const LedgerEntry* e : chronological(ledger, from, now)) {
    equity += equity_effect(*e);
    curve.push_back({e->created_at, equity});
    flows.push_back(is_flow(*e) ? e->amount : Lamports{0});
  }
  curve.push_back({now, equity + now_state.unrealized});
  flows.push_back(Lamports{0});
  return {std::move(curve), std::move(flows)};
}

/// Closing fills in [from, to] folded per position, in position id order.
std::map<std::int64_t, Lamports> trades_in(const std::vector<const LedgerEntry*>& entries) {
  std::map<std::int64_t, Lamports> out;
  for (const LedgerEntry* e : entries) {
    if (!is_closing(*e)) continue;
    // A closing fill always names its position; a hand-made entry without one counts on its own.
    const std::int64_t key = e->position ? e->position->value : -e->id;
    out[key] += e->pnl;
  }
  return out;
}

}  // namespace

std::string_view to_string(Period period) {
  switch (period) {
    case Period::kDay: return "day";
    case Period::kWeek: return "week";
    case Period::kMonth: return "month";
    case Period::kAll: return "all";
  }
  return "all";
}

std::optional<Period> parse_period(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "day" || t == "today" || t == "d" || t == "24h") return Period::kDay;
  if (t == "week" || t == "w" || t == "7d") return Period::kWeek;
  if (t == "month" || t == "m" || t == "30d") return Period::kMonth;
  if (t == "all") return Period::kAll;
  return std::nullopt;
}

TimePoint utc_day_start(TimePoint t) {
  const std::int64_t ms = to_unix_millis(t);
  std::int64_t day = ms / kMillisPerDay;
  if (ms % kMillisPerDay < 0) --day;  // before 1970: floor, not truncation
  return from_unix_millis(day * kMillisPerDay);
}

TimePoint period_start(Period period, TimePoint now) {
  const TimePoint today = utc_day_start(now);
  switch (period) {
    case Period::kDay: return today;
    case Period::kWeek: return today - Millis{6 * kMillisPerDay};
    case Period::kMonth: return today - Millis{29 * kMillisPerDay};
    case Period::kAll: return TimePoint{};
  }
  return TimePoint{};
}

std::string format_utc_date(TimePoint t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::optional<double> percent_of(Lamports part, Lamports whole) {
  if (whole <= Lamports{0}) return std::nullopt;
  return 100.0 * static_cast<double>(part.value) / static_cast<double>(whole.value);
}

Lamports book_equity_at(const std::vector<LedgerEntry>& ledger, Lamports book_equity_now, TimePoint t) {
  Lamports equity = book_equity_now;
  for (const auto& e : ledger) {
    if (e.created_at >= t) equity -= equity_effect(e);
  }
  return equity;
}

std::vector<EquityPoint> equity_curve(const std::vector<LedgerEntry>& ledger, const AccountSnapshot& now_state,
                                      TimePoint from, TimePoint now) {
  return build_curve(ledger, now_state, from, now).first;
}

PnlStats compute_pnl_stats(const std::vector<LedgerEntry>& ledger, const std::vector<Position>& closed,
                           const AccountSnapshot& now_state, Period period, TimePoint now) {
  PnlStats s;
  s.period = period;
  s.from = period_start(period, now);
  if (period == Period::kAll) {
    // "Since the beginning" starts at the first entry, so a chart of the curve does not span 1970.
    s.from = now;
    for (const auto& e : ledger) s.from = std::min(s.from, e.created_at);
  }
  s.to = now;
  auto [curve, flows] = build_curve(ledger, now_state, s.from, now);
  s.equity_start = curve.front().equity;
  s.equity_now = curve.back().equity;
  s.unrealized = now_state.unrealized;

  const auto entries = chronological(ledger, s.from, now);
  for (const LedgerEntry* e : entries) {
    if (is_closing(*e)) s.realized += e->pnl;
    if (!is_flow(*e)) s.fees += e->fee;
  }
  s.realized_pct = percent_of(s.realized, s.equity_start);
  s.roi_pct = percent_of(s.realized + s.unrealized, s.equity_start);

  std::map<std::int64_t, std::string> symbols;
  for (const auto& p : closed) symbols[p.id.value] = p.symbol;
  Lamports sum_wins;
  Lamports sum_losses;
  for (const auto& [key, pnl] : trades_in(entries)) {
    ++s.trades;
    if (pnl > Lamports{0}) {
      ++s.wins;
      sum_wins += pnl;
    } else if (pnl < Lamports{0}) {
      ++s.losses;
      sum_losses += pnl;
    }
    const auto symbol = symbols.find(key);
    const TradeResult t{PositionId{key}, symbol == symbols.end() ? "" : symbol->second, pnl};
    // Keys ascend, so strict comparisons keep the lower id on ties.
    if (!s.best || pnl > s.best->pnl) s.best = t;
    if (!s.worst || pnl < s.worst->pnl) s.worst = t;
  }
  if (s.trades > 0) s.win_rate_pct = 100.0 * s.wins / s.trades;
  if (s.wins > 0) s.avg_win = Lamports{sum_wins.value / s.wins};
  if (s.losses > 0) s.avg_loss = Lamports{sum_losses.value / s.losses};

  const Drawdown dd = drawdown_of(curve, flows);
  s.max_drawdown = dd.max;
  s.max_drawdown_pct = dd.max_pct;
  s.curve = std::move(curve);
  return s;
}

std::vector<DailyPnl> daily_pnl(const std::vector<LedgerEntry>& ledger, Lamports book_equity_now, TimePoint now,
                                int n_days) {
  n_days = std::clamp(n_days, 1, 366);
  const TimePoint today = utc_day_start(now);
  std::vector<DailyPnl> rows;
  rows.reserve(static_cast<std::size_t>(n_days));
  for (int i = 0; i < n_days; ++i) {
    DailyPnl row;
    row.day = today - Millis{static_cast<std::int64_t>(i) * kMillisPerDay};
    row.date = format_utc_date(row.day);
    const TimePoint end = row.day + Millis{kMillisPerDay};
    std::vector<const LedgerEntry*> entries;
    for (const auto& e : ledger) {
      if (e.created_at >= row.day && e.created_at < end) entries.push_back(&e);
    }
    for (const LedgerEntry* e : entries) {
      if (is_closing(*e)) row.realized += e->pnl;
    }
    row.trades = static_cast<int>(trades_in(entries).size());
    row.equity_start = book_equity_at(ledger, book_equity_now, row.day);
    row.pct = percent_of(row.realized, row.equity_start);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace kt::analytics
