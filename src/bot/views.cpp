#include "bot/views.hpp"

#include <cmath>
#include <cstdio>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "bot/commands.hpp"
#include "bot/html.hpp"

namespace kt::bot {
namespace {

constexpr std::string_view kSimulated = " <i>(SIMULATED)</i>";

std::string sol(Lamports amount) { return format_sol(amount) + " SOL"; }
std::string signed_sol(Lamports amount) { return (amount.value > 0 ? "+" : "") + format_sol(amount) + " SOL"; }

std::string price_text(const Price& price, std::uint8_t decimals) {
  return price.format_sol_per_token(decimals) + " SOL";
}

std::string usd(double value) {
  if (value >= 1e9) return fmt::format("${:.2f}B", value / 1e9);
  if (value >= 1e6) return fmt::format("${:.2f}M", value / 1e6);
  if (value >= 1e3) return fmt::format("${:.1f}K", value / 1e3);
  return "$" + format_significant(value);
}

std::string source_line(const Quote& quote, TimePoint now) {
  return "source " + escape_html(quote.source) + ", " + format_age(quote.age(now)) + " ago" +
         (quote.simulated ? std::string(kSimulated) : "");
}

std::vector<std::vector<Button>> position_buttons(PositionId id) {
  return {{{"Close 25%", encode_close_button(id, 25)},
           {"Close 50%", encode_close_button(id, 50)},
           {"Close 100%", encode_close_button(id, 100)}},
          {{"TP +50%", encode_exit_button(id, OrderKind::kTakeProfit, 5000)},
           {"SL -20%", encode_exit_button(id, OrderKind::kStopLoss, -2000)},
           {"Trail 10%", encode_exit_button(id, OrderKind::kTrailingStop, 1000)}},
          {{"🔄 Refresh", encode_refresh_button(id)}}};
}

std::string order_kind_label(OrderKind kind) {
  switch (kind) {
    case OrderKind::kLimitBuy: return "limit buy";
    case OrderKind::kTakeProfit: return "take-profit";
    case OrderKind::kStopLoss: return "stop-loss";
    case OrderKind::kTrailingStop: return "trailing stop";
  }
  return "order";
}

std::string order_terms(const Order& o) {
  std::string text;
  if (o.kind == OrderKind::kLimitBuy) {
    text = fmt::format("{} when ≤ {}", sol(o.size), price_text(*o.trigger, o.decimals));
  } else if (o.kind == OrderKind::kTrailingStop) {
    text = fmt::format("#{} at {:.2f}% below the high", o.position ? o.position->value : 0, o.trail_bps / 100.0);
    if (o.extreme)
      text += fmt::format(" (high {}, stop {})", price_text(*o.extreme, o.decimals),
                          price_text(trailing_stop_price(o), o.decimals));
  } else {
    text = fmt::format("#{} at {} {}", o.position ? o.position->value : 0,
                       (o.kind == OrderKind::kTakeProfit) == (o.side == Side::kLong) ? "≥" : "≤",
                       price_text(*o.trigger, o.decimals));
  }
  if (o.expires_at)
    text += " · expires " +
            fmt::format("{:%Y-%m-%d %H:%M} UTC", fmt::gmtime(std::chrono::system_clock::to_time_t(*o.expires_at)));
  return text;
}

}  // namespace

std::string token_label(const std::string& symbol, const Mint& mint) {
  return symbol.empty() ? escape_html(mint.short_form()) : escape_html(symbol);
}

std::string format_age(Millis age) {
  const auto s = age.count() / 1000;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  return std::to_string(s / 3600) + " h";
}

std::string format_pct(Lamports delta, Lamports base) {
  if (base.value == 0) return "n/a";
  const double pct = static_cast<double>(delta.value) * 100.0 / static_cast<double>(base.value);
  return fmt::format("{}{:.2f}%", pct > 0 ? "+" : "", pct);
}

Reply render_welcome(const engine::Registration& r) {
  Reply reply;
  if (r.created) {
    reply.html = "Welcome! Your paper wallet holds <b>" + sol(r.wallet.balance) +
                 "</b>. Nothing here is real money.\nTry <code>/price BONK</code>, then <code>/open BONK 0.5</code>. "
                 "/help lists everything.";
  } else {
    reply.html = "Welcome back. Balance: <b>" + sol(r.wallet.balance) + "</b>. /help lists the commands.";
  }
  return reply;
}

Reply render_help(bool admin) {
  Reply reply;
  std::string text = "<b>Commands</b>\n";
  for (const auto& spec : command_table()) {
    if (spec.admin_only && !admin) continue;
    text += "/" + std::string(spec.name);
    if (!spec.args.empty()) text += " " + escape_html(spec.args);
    text += " — " + escape_html(spec.description) + "\n";
  }
  text +=
      "\nA token is a mint address, a pump.fun / DexScreener / Birdeye / Solscan / Jupiter / GMGN link, or a symbol.";
  reply.html = text;
  return reply;
}

Reply render_opened(const engine::PositionOpened& o, const std::string& symbol) {
  const auto& p = o.position;
  const auto& f = o.fill;
  Reply reply;
  reply.html = fmt::format(
      "✅ Opened <b>#{}</b> {} {}{}\nSpent {} · {} {} {}\nFill price {} (quote {} from {}; {} {:.2f}%)\n"
      "Fees {} (trading {} + network {})\nBalance {}",
      p.id.value, to_string(p.side), token_label(symbol, p.mint), p.simulated ? std::string(kSimulated) : "",
      sol(f.total_debit - f.network_fee), p.side == Side::kLong ? "bought" : "shorted",
      format_token_amount({p.qty_raw, p.decimals}), token_label(symbol, p.mint), price_text(f.fill_price, p.decimals),
      price_text(o.quote.price, p.decimals), escape_html(o.quote.source), f.used_reserves ? "price impact" : "slippage",
      static_cast<double>(f.impact_bps) / 100.0, sol(f.trading_fee + f.network_fee), sol(f.trading_fee),
      sol(f.network_fee), sol(o.balance_after));
  reply.buttons = position_buttons(p.id);
  return reply;
}

Reply render_closed(const engine::PositionClosed& c, const std::string& symbol) {
  const auto& p = c.position;
  const auto& f = c.fill;
  Reply reply;
  std::string head =
      f.liquidated ? "💥 Liquidated" : (p.status == PositionStatus::kOpen ? "✂️ Partly closed" : "✅ Closed");
  reply.html = fmt::format(
      "{} <b>#{}</b> {} {}{}\nClosed {} at {}\nProceeds {} after fees {} (trading {} + network {})\nPnL <b>{}</b> "
      "({})\nBalance {}",
      head, p.id.value, to_string(p.side), token_label(symbol, p.mint),
      c.quote.simulated ? std::string(kSimulated) : "", format_token_amount({f.qty_raw, p.decimals}),
      price_text(f.exit_price, p.decimals), sol(c.credited), sol(f.trading_fee + f.network_fee), sol(f.trading_fee),
      sol(f.network_fee), signed_sol(c.pnl), format_pct(c.pnl, f.cost_released), sol(c.balance_after));
  if (p.status == PositionStatus::kOpen) {
    reply.html +=
        fmt::format("\nStill open: {} {}", format_token_amount({p.qty_raw, p.decimals}), token_label(symbol, p.mint));
    reply.buttons = position_buttons(p.id);
  } else if (p.realized_pnl.value > 0) {
    reply.buttons = {{{"📸 Share PnL card", encode_card_button(p.id)}}};
  }
  return reply;
}

Reply render_wallet(const engine::WalletSummary& s) {
  Reply reply;
  reply.html = fmt::format(
      "<b>Wallet</b>{}\nBalance: <b>{}</b>\nEquity: {}\nUnrealized PnL: {}\nRealized PnL: {}\nOpen positions: {}",
      s.simulated ? std::string(kSimulated) : "", sol(s.wallet.balance), sol(s.equity), signed_sol(s.unrealized),
      signed_sol(s.realized), s.open.size());
  if (!s.all_priced) reply.html += "\n(some positions have no current price and count at cost)";
  return reply;
}

Reply render_positions(const std::vector<engine::MarkedPosition>& positions) {
  Reply reply;
  if (positions.empty()) {
    reply.html = "No open positions. Open one with <code>/open BONK 0.5</code>.";
    return reply;
  }
  std::string text = "<b>Open positions</b>\n";
  std::vector<Button> row;
  for (const auto& m : positions) {
    const auto& p = m.position;
    text += fmt::format("<b>#{}</b> {} {} · {} · cost {}", p.id.value, to_string(p.side), token_label(p.symbol, p.mint),
                        format_token_amount_short({p.qty_raw, p.decimals}), sol(p.cost));
    if (m.value) {
      text += fmt::format(" · value {} · PnL {} ({})", sol(*m.value), signed_sol(*m.unrealized),
                          format_pct(*m.unrealized, p.cost));
      if (m.quote->simulated) text += kSimulated;
    } else {
      text += " · no price: " + escape_html(m.quote_error);
    }
    text += "\n";
    row.push_back({"#" + std::to_string(p.id.value), encode_show_button(p.id)});
    if (row.size() == 5) reply.buttons.push_back(std::move(row)), row.clear();
  }
  if (!row.empty()) reply.buttons.push_back(std::move(row));
  reply.html = text;
  return reply;
}

Reply render_closed_positions(const std::vector<Position>& positions) {
  Reply reply;
  if (positions.empty()) {
    reply.html = "No closed positions yet.";
    return reply;
  }
  std::string text = "<b>Closed positions</b>\n";
  for (const auto& p : positions) {
    text += fmt::format("<b>#{}</b> {} {} · {} · PnL {} ({})\n", p.id.value, to_string(p.side),
                        token_label(p.symbol, p.mint), to_string(p.status), signed_sol(p.realized_pnl),
                        format_pct(p.realized_pnl, p.initial_cost));
  }
  reply.html = text;
  return reply;
}

Reply render_position(const engine::MarkedPosition& m, TimePoint now) {
  const auto& p = m.position;
  Reply reply;
  reply.html =
      fmt::format("<b>#{}</b> {} {} · {}\nQuantity {}\nEntry {} · cost {}", p.id.value, to_string(p.side),
                  token_label(p.symbol, p.mint), to_string(p.status), format_token_amount({p.qty_raw, p.decimals}),
                  price_text(p.entry_price, p.decimals), sol(p.cost));
  if (m.value) {
    reply.html += fmt::format("\nNow {} ({})\nValue {} · PnL <b>{}</b> ({})", price_text(m.quote->price, p.decimals),
                              source_line(*m.quote, now), sol(*m.value), signed_sol(*m.unrealized),
                              format_pct(*m.unrealized, p.cost));
  } else if (p.status == PositionStatus::kOpen) {
    reply.html += "\nNo current price: " + escape_html(m.quote_error);
  }
  if (p.realized_pnl.value != 0) reply.html += "\nRealized so far " + signed_sol(p.realized_pnl);
  if (p.status == PositionStatus::kOpen) reply.buttons = position_buttons(p.id);
  return reply;
}

Reply render_price(const Quote& q, const std::optional<TokenInfo>& info, TimePoint now) {
  Reply reply;
  const std::string label = info ? token_label(info->symbol, q.mint) : token_label("", q.mint);
  reply.html = fmt::format("<b>{}</b>: {}", label, price_text(q.price, q.decimals));
  if (q.usd_per_token) reply.html += " (" + usd(*q.usd_per_token) + ")";
  reply.html += "\n" + source_line(q, now);
  return reply;
}

Reply render_token_card(const TokenInfo& info, const std::optional<Quote>& q, TimePoint now, bool with_buy_buttons) {
  Reply reply;
  std::string text =
      fmt::format("<b>{}</b> ({})\n<code>{}</code>\n", escape_html(info.name.empty() ? info.symbol : info.name),
                  token_label(info.symbol, info.mint), escape_html(info.mint.to_string()));
  if (q) {
    text += "Price: " + price_text(q->price, q->decimals);
    if (q->usd_per_token) text += " (" + usd(*q->usd_per_token) + ")";
    text += " · " + source_line(*q, now) + "\n";
  } else {
    text += "Price: unavailable\n";
  }
  text += fmt::format("Decimals: {}", info.decimals);
  if (info.supply_raw) text += " · supply " + format_token_amount_short({*info.supply_raw, info.decimals});
  text += "\n";
  if (info.market_cap_usd) text += "Market cap: " + usd(*info.market_cap_usd) + "\n";
  if (info.liquidity_usd) text += "Liquidity: " + usd(*info.liquidity_usd) + "\n";
  if (info.change_24h_pct)
    text += fmt::format("24 h: {}{:.2f}%\n", *info.change_24h_pct > 0 ? "+" : "", *info.change_24h_pct);
  std::string flags;
  if (info.mint_authority_set) flags += "⚠️ Mint authority is set: more tokens can be minted at any time.\n";
  if (info.freeze_authority_set) flags += "⚠️ Freeze authority is set: your tokens could be frozen.\n";
  if (info.token_2022) flags += "⚠️ Token-2022 with extensions: check for transfer fees or hooks.\n";
  if (info.metadata_mutable) flags += "⚠️ Metadata is mutable: name and image can change.\n";
  text += flags.empty() ? "✅ No authority flags raised.\n" : flags;
  reply.html = text;
  if (with_buy_buttons && q) {
    const std::string mint = info.mint.to_string();
    reply.buttons = {{{"Buy 0.1 SOL", encode_buy_button(mint, "0.1")},
                      {"Buy 0.5 SOL", encode_buy_button(mint, "0.5")},
                      {"Buy 1 SOL", encode_buy_button(mint, "1")}},
                     {{"Buy 5 SOL", encode_buy_button(mint, "5")}, {"Buy X SOL", encode_ask_amount_button(mint)}}};
  }
  return reply;
}

Reply render_history(const std::vector<LedgerEntry>& entries,
                     const std::vector<std::pair<Mint, std::string>>& symbols) {
  Reply reply;
  if (entries.empty()) {
    reply.html = "No trades yet.";
    return reply;
  }
  auto symbol_of = [&](const Mint& m) -> std::string {
    for (const auto& [mint, sym] : symbols)
      if (mint == m) return sym;
    return "";
  };
  std::string text = "<b>Latest activity</b>\n";
  for (const auto& e : entries) {
    text += fmt::format("{} {}", to_string(e.kind), e.position ? "#" + std::to_string(e.position->value) : "");
    if (e.mint) text += " " + token_label(symbol_of(*e.mint), *e.mint);
    text += " · " + signed_sol(e.amount);
    if (e.kind == LedgerKind::kClose || e.kind == LedgerKind::kLiquidation) text += " · PnL " + signed_sol(e.pnl);
    text += " · balance " + sol(e.balance_after) + "\n";
  }
  reply.html = text;
  return reply;
}

Reply render_users(const std::vector<std::pair<User, Wallet>>& users, std::int64_t total) {
  Reply reply;
  std::string text = fmt::format("<b>Users</b> ({} registered)\n", total);
  for (const auto& [u, w] : users) {
    text += fmt::format("{} {} · {} · {}\n", u.telegram_id.value,
                        u.username.empty() ? "" : "@" + escape_html(u.username), to_string(u.role), sol(w.balance));
  }
  reply.html = text;
  return reply;
}

Reply render_role_set(const User& user) {
  Reply reply;
  reply.html =
      fmt::format("Role of {} is now <b>{}</b>.",
                  user.username.empty() ? std::to_string(user.telegram_id.value) : "@" + escape_html(user.username),
                  to_string(user.role));
  return reply;
}

Reply render_order_placed(const Order& order, const std::string& symbol, bool simulated) {
  Reply reply;
  reply.html = fmt::format(
      "📌 Order <b>{}</b>: {} {} {}{}\nIt fills at the first price that reaches it. /orders lists, /cancel {} cancels.",
      order.id.value, order_kind_label(order.kind), token_label(symbol, order.mint), order_terms(order),
      simulated ? std::string(kSimulated) : "", order.id.value);
  return reply;
}

Reply render_orders(const std::vector<Order>& orders, const std::vector<std::pair<Mint, std::string>>& symbols,
                    bool simulated) {
  Reply reply;
  if (orders.empty()) {
    reply.html = "No pending orders. Set one with /limit, /tp, /sl or /trail.";
    return reply;
  }
  std::string text = "<b>Pending orders</b>" + (simulated ? std::string(kSimulated) : "") + "\n";
  for (const auto& o : orders) {
    std::string symbol;
    for (const auto& [m, s] : symbols)
      if (m == o.mint) symbol = s;
    text += fmt::format("<b>{}</b> {} {} {}\n", o.id.value, order_kind_label(o.kind), token_label(symbol, o.mint),
                        order_terms(o));
  }
  reply.html = text;
  return reply;
}

Reply render_order_cancelled(const Order& order) {
  Reply reply;
  reply.html = fmt::format("Order <b>{}</b> ({}) cancelled.", order.id.value, order_kind_label(order.kind));
  return reply;
}

Reply render_order_outcome(const engine::OrderOutcome& outcome, const std::string& symbol) {
  const Order& o = outcome.order;
  Reply reply;
  reply.chat_id = outcome.owner.value;
  const std::string head =
      fmt::format("Order <b>{}</b> ({} {})", o.id.value, order_kind_label(o.kind), token_label(symbol, o.mint));
  if (outcome.opened) {
    Reply body = render_opened(*outcome.opened, symbol);
    reply.html = "🔔 " + head + " filled.\n" + body.html;
    reply.buttons = body.buttons;
  } else if (outcome.closed) {
    Reply body = render_closed(*outcome.closed, symbol);
    reply.html = "🔔 " + head + " filled.\n" + body.html;
    reply.buttons = body.buttons;
  } else if (o.status == OrderStatus::kExpired) {
    reply.html = "⌛ " + head + " expired without filling.";
  } else {
    reply.html = "⚠️ " + head + " could not fill: " + escape_html(o.note) +
                 (outcome.failure ? " <i>(" + escape_html(outcome.failure->code) + ")</i>" : "");
  }
  return reply;
}

Reply render_error(const Error& error) {
  Reply reply;
  reply.html = "⚠️ " + escape_html(error.message) + " <i>(" + escape_html(error.code) + ")</i>";
  return reply;
}

}  // namespace kt::bot
