// Analytics, pictures, admin and group commands of the Dispatcher: /pnl /daily /ta /chart, the PnL
// card, /stats /grant /reset and /top.
#include <algorithm>

#include <fmt/format.h>

#include "analytics/indicators.hpp"
#include "analytics/pnl_stats.hpp"
#include "bot/dispatcher.hpp"
#include "bot/html.hpp"
#include "bot/views.hpp"
#include "charts/charts.hpp"

namespace kt::bot {
namespace {

std::vector<Reply> one(Reply r) { return {std::move(r)}; }
std::string sol(Lamports a) { return format_sol(a) + " SOL"; }
std::string signed_sol(Lamports a) { return (a.value > 0 ? "+" : "") + format_sol(a) + " SOL"; }
std::string pct(const std::optional<double>& v) {
  return v ? fmt::format("{}{:.2f}%", *v > 0 ? "+" : "", *v) : std::string("n/a");
}
std::string magnitude_pct(const std::optional<double>& v) {
  return v ? fmt::format("{:.2f}%", *v) : std::string("n/a");
}

Millis range_length(const std::string& range) {
  if (range == "1h") return std::chrono::hours(1);
  if (range == "6h") return std::chrono::hours(6);
  if (range == "7d") return std::chrono::hours(24 * 7);
  return std::chrono::hours(24);
}

}  // namespace

Result<analytics::AccountSnapshot> Dispatcher::snapshot(UserId user) {
  KT_TRY(const auto summary, s_.portfolio.summary(user));
  Lamports open_cost;
  for (const auto& m : summary.open) open_cost += m.position.cost;
  return analytics::AccountSnapshot{summary.wallet.balance, open_cost, summary.unrealized};
}

Result<std::vector<Reply>> Dispatcher::do_pnl(const PnlCommand& c, const User& user) {
  const TimePoint now = s_.clock.now();
  const auto period = analytics::parse_period(c.period).value_or(analytics::Period::kAll);
  KT_TRY(const auto snap, snapshot(user.id));
  std::vector<LedgerEntry> ledger;
  std::vector<Position> closed;
  KT_TRY_VOID(s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    const auto from =
        period == analytics::Period::kAll ? std::optional<TimePoint>() : analytics::period_start(period, now);
    KT_TRY(ledger, tx.ledger(user.id, engine::kLedgerScanLimit, from));
    KT_TRY(closed, tx.closed_positions(user.id, 1000));
    return {};
  }));
  const auto st = analytics::compute_pnl_stats(ledger, closed, snap, period, now);
  if (c.chart) {
    charts::EquityChartData data;
    data.title = "Equity · " + std::string(analytics::to_string(period));
    data.subtitle = "Max drawdown " + sol(st.max_drawdown) + " (" + magnitude_pct(st.max_drawdown_pct) + ")";
    data.curve = st.curve;
    KT_TRY(std::string png, charts::render_equity_chart(data));
    Reply r;
    r.html = fmt::format("Equity curve · {} · ROI {}{}", analytics::to_string(period), pct(st.roi_pct),
                         s_.quotes.simulated() ? " <i>(SIMULATED)</i>" : "");
    r.photo_png = std::move(png);
    return one(std::move(r));
  }
  Reply r;
  r.html = fmt::format(
      "<b>PnL · {}</b>{}\nRealized: {} ({})\nUnrealized: {}\nROI: {}\nTrades: {} · wins {} · losses {} · win rate {}\n"
      "Average win: {} · average loss: {}\nFees paid: {}\nMax drawdown: {} ({})",
      analytics::to_string(period), s_.quotes.simulated() ? " <i>(SIMULATED)</i>" : "", signed_sol(st.realized),
      pct(st.realized_pct), signed_sol(st.unrealized), pct(st.roi_pct), st.trades, st.wins, st.losses,
      pct(st.win_rate_pct), st.avg_win ? signed_sol(*st.avg_win) : "n/a",
      st.avg_loss ? signed_sol(*st.avg_loss) : "n/a", sol(st.fees), sol(st.max_drawdown),
      magnitude_pct(st.max_drawdown_pct));
  if (st.best)
    r.html += fmt::format("\nBest: #{} {} {}", st.best->position.value, escape_html(st.best->symbol),
                          signed_sol(st.best->pnl));
  if (st.worst)
    r.html += fmt::format("\nWorst: #{} {} {}", st.worst->position.value, escape_html(st.worst->symbol),
                          signed_sol(st.worst->pnl));
  if (auto usd = sol_usd()) {
    r.html +=
        fmt::format("\n≈ ${:.2f} realized, ${:.2f} unrealized", static_cast<double>(st.realized.value) / 1e9 * *usd,
                    static_cast<double>(st.unrealized.value) / 1e9 * *usd);
  }
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_daily(const DailyCommand& c, const User& user) {
  const TimePoint now = s_.clock.now();
  KT_TRY(const auto snap, snapshot(user.id));
  std::vector<LedgerEntry> ledger;
  const TimePoint from = analytics::utc_day_start(now) - std::chrono::hours(24) * (c.days - 1);
  KT_TRY_VOID(s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(ledger, tx.ledger(user.id, engine::kLedgerScanLimit, from));
    return {};
  }));
  const auto rows = analytics::daily_pnl(ledger, snap.book_equity(), now, c.days);
  std::string table = fmt::format("{:<10} {:>14} {:>7} {:>8}\n", "day", "PnL SOL", "trades", "%");
  for (const auto& row : rows) {
    table += fmt::format("{:<10} {:>14} {:>7} {:>8}\n", row.date, format_sol(row.realized), row.trades, pct(row.pct));
  }
  Reply r;
  r.html = fmt::format("<b>Daily PnL · last {} days</b>\n<pre>{}</pre>", c.days, escape_html(table));
  return one(std::move(r));
}

Result<std::vector<analytics::PricePoint>> Dispatcher::price_series(const Mint& mint, TimePoint from, TimePoint to) {
  std::vector<storage::PriceRecord> stored;
  KT_TRY_VOID(s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(stored, tx.price_history(mint, from, to));
    return {};
  }));
  std::vector<analytics::PricePoint> series;
  for (const auto& p : stored) series.push_back({p.observed_at, p.price.sol_per_token(p.decimals)});
  if (series.size() >= 30) return series;
  // A simulated market is a function of time: sample it where nothing was stored yet.
  KT_TRY(const Quote now_quote, s_.quotes.quote(mint, to));
  if (!now_quote.simulated) return series;
  series.clear();
  const Millis step = std::max<Millis>(Millis{60'000}, std::chrono::duration_cast<Millis>((to - from) / 240));
  for (TimePoint t = from; t <= to; t += step) {
    auto q = s_.quotes.quote(mint, t);
    if (q.ok() && q->observed_at <= t) series.push_back({t, q->price.sol_per_token(q->decimals)});
  }
  return series;
}

Result<std::vector<Reply>> Dispatcher::do_ta(const TaCommand& c) {
  KT_TRY(const Mint mint, resolve_token(c.token));
  const TimePoint now = s_.clock.now();
  KT_TRY(const auto series, price_series(mint, now - std::chrono::hours(24), now));
  const auto closes = analytics::resample_closes(series, std::chrono::minutes(5));
  std::vector<double> values;
  for (const auto& p : closes) values.push_back(p.price);
  const auto reading = analytics::ta_reading(values);
  Reply r;
  r.html = fmt::format("<b>{}</b> · 5-minute closes, last 24 h{}\n", token_label(symbol_of(mint), mint),
                       s_.quotes.simulated() ? " <i>(SIMULATED)</i>" : "");
  if (reading.sma20) r.html += "SMA20 " + format_significant(*reading.sma20) + " SOL · ";
  if (reading.ema50) r.html += "EMA50 " + format_significant(*reading.ema50) + " SOL · ";
  if (reading.rsi14) r.html += fmt::format("RSI14 {:.1f}", *reading.rsi14);
  r.html += "\n" + escape_html(reading.summary);
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_chart(const ChartCommand& c, const User& user) {
  KT_TRY(const Mint mint, resolve_token(c.token));
  const TimePoint now = s_.clock.now();
  const TimePoint from = now - range_length(c.range);
  charts::PriceChartData data;
  data.symbol = symbol_of(mint);
  if (data.symbol.empty()) data.symbol = mint.short_form();
  data.range_label = c.range;
  KT_TRY(data.series, price_series(mint, from, now));
  auto q = s_.quotes.quote(mint, now);
  data.simulated = q.ok() && q->simulated;
  std::vector<LedgerEntry> ledger;
  KT_TRY_VOID(s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(ledger, tx.ledger(user.id, 1000, from));
    return {};
  }));
  for (const auto& e : ledger) {
    if (!e.mint || *e.mint != mint || !e.price || e.kind == LedgerKind::kGrant || e.kind == LedgerKind::kReset)
      continue;
    const std::uint8_t decimals = q.ok() ? q->decimals : 0;
    data.markers.push_back({e.created_at, e.price->sol_per_token(decimals), e.kind == LedgerKind::kOpen});
  }
  KT_TRY(std::string png, charts::render_price_chart(data));
  Reply r;
  r.html = fmt::format("<b>{}</b> · {}{}", escape_html(data.symbol), escape_html(c.range),
                       data.simulated ? " <i>(SIMULATED)</i>" : "");
  r.photo_png = std::move(png);
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_card(const CardCommand& c, const User& user) {
  KT_TRY(auto marked, s_.portfolio.position(user.id, c.position));
  Position p = marked.position;
  if (p.symbol.empty()) p.symbol = symbol_of(p.mint);
  KT_TRY(const auto data, charts::pnl_card_for(p));
  KT_TRY(std::string png, charts::render_pnl_card(data));
  Reply r;
  r.html = fmt::format("#{} {} · PnL {}", p.id.value, escape_html(p.symbol), signed_sol(p.realized_pnl));
  r.photo_png = std::move(png);
  r.callback_answer = "Card ready";
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_stats(const User& actor) {
  if (actor.role != Role::kAdmin) return rejected("E-NOT-ALLOWED", "Not allowed: only admins can see bot statistics");
  const TimePoint now = s_.clock.now();
  std::int64_t users = 0, active = 0, open = 0, trades = 0, tokens = 0;
  KT_TRY_VOID(s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(users, tx.count_users());
    KT_TRY(active, tx.count_active_users(now - std::chrono::hours(24)));
    KT_TRY(open, tx.count_all_open_positions());
    KT_TRY(trades, tx.count_trades_since(analytics::utc_day_start(now)));
    KT_TRY(tokens, tx.count_active_tokens());
    return {};
  }));
  Reply r;
  r.html = fmt::format(
      "<b>Bot statistics</b>\nUsers: {} ({} active in 24 h)\nOpen positions: {}\nTrades today: {}\nTracked tokens: {}",
      users, active, open, trades, tokens);
  if (price_freshness_) r.html += "\nPrices: " + escape_html(price_freshness_());
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_reset(const ResetCommand& c, const Incoming& in, const User& user) {
  Reply r;
  if (!c.confirmed) {
    r.html =
        "Reset your paper wallet? Open positions are forfeited, pending orders cancelled, and the balance goes back to "
        "the "
        "starting amount. This cannot be undone.";
    r.buttons = {{{"Yes, reset my wallet", std::string(kResetConfirmButton)}}};
    return one(std::move(r));
  }
  KT_TRY(const Wallet w, s_.accounts.reset(user.id, in.update_id));
  r.html = "Wallet reset. Balance: <b>" + sol(w.balance) + "</b>.";
  if (in.message_id) r.edit_message_id = in.message_id;
  r.callback_answer = "Wallet reset";
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_top(const TopCommand& c, const Incoming& in) {
  if (in.chat_kind != ChatKind::kGroup)
    return rejected("E-GROUP-ONLY", "/top ranks the members of a group: use it in a group chat");
  const TimePoint now = s_.clock.now();
  const auto period = analytics::parse_period(c.period).value_or(analytics::Period::kAll);
  std::vector<UserId> members;
  KT_TRY_VOID(s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(members, tx.group_members(in.chat_id));
    return {};
  }));
  struct Row {
    std::string name;
    double roi;
    Lamports pnl;
  };
  std::vector<Row> rows;
  for (const UserId id : members) {
    if (rows.size() >= 200) break;
    auto snap = snapshot(id);
    if (!snap) continue;
    std::vector<LedgerEntry> ledger;
    std::optional<User> u;
    if (!s_.repository
             .read([&](storage::Transaction& tx) -> Result<void> {
               KT_TRY(u, tx.find_user(id));
               const auto from = period == analytics::Period::kAll ? std::optional<TimePoint>()
                                                                   : analytics::period_start(period, now);
               KT_TRY(ledger, tx.ledger(id, engine::kLedgerScanLimit, from));
               return {};
             })
             .ok() ||
        !u) {
      continue;
    }
    const auto st = analytics::compute_pnl_stats(ledger, {}, *snap, period, now);
    const std::string name = u->username.empty() ? std::to_string(u->telegram_id.value) : "@" + u->username;
    rows.push_back({name, st.roi_pct.value_or(0.0), st.realized + st.unrealized});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.roi > b.roi; });
  Reply r;
  r.html = fmt::format("<b>Leaderboard · {}</b> (ROI)\n", analytics::to_string(period));
  if (rows.empty()) r.html += "Nobody here has traded yet. Members appear after their first command in this group.";
  for (std::size_t i = 0; i < rows.size() && i < 10; ++i) {
    r.html +=
        fmt::format("{}. {} {} ({})\n", i + 1, escape_html(rows[i].name), pct(rows[i].roi), signed_sol(rows[i].pnl));
  }
  return one(std::move(r));
}

std::optional<double> Dispatcher::sol_usd() {
  // The price APIs quote wrapped SOL in USD; demo and replay markets may not.
  static const Mint kWrappedSol = *Mint::parse("So11111111111111111111111111111111111111112");
  auto q = s_.quotes.quote(kWrappedSol, s_.clock.now());
  if (!q.ok() || !q->usd_per_token) return std::nullopt;
  return q->usd_per_token;
}

}  // namespace kt::bot
