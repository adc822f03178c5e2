#pragma once
// Renders engine results as replies: HTML text (untrusted data escaped) and inline buttons.
#include <optional>
#include <string>
#include <vector>

#include "bot/conversation.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "engine/accounts.hpp"
#include "engine/order_book.hpp"
#include "engine/portfolio.hpp"
#include "engine/trading_engine.hpp"

namespace kt::bot {

/// "BONK" or "DezX…B263" when the symbol is unknown; escaped.
std::string token_label(const std::string& symbol, const Mint& mint);
/// "3 s", "2 min", "5 h".
std::string format_age(Millis age);
/// "+1.25%" / "-3.4%" of `delta` relative to `base`.
std::string format_pct(Lamports delta, Lamports base);

Reply render_welcome(const engine::Registration& registration);
Reply render_help(bool admin);
Reply render_opened(const engine::PositionOpened& opened, const std::string& symbol);
Reply render_closed(const engine::PositionClosed& closed, const std::string& symbol);
Reply render_wallet(const engine::WalletSummary& summary);
Reply render_positions(const std::vector<engine::MarkedPosition>& positions);
Reply render_closed_positions(const std::vector<Position>& positions);
Reply render_position(const engine::MarkedPosition& position, TimePoint now);
Reply render_price(const Quote& quote, const std::optional<TokenInfo>& info, TimePoint now);
Reply render_token_card(const TokenInfo& info, const std::optional<Quote>& quote, TimePoint now, bool with_buy_buttons);
Reply render_history(const std::vector<LedgerEntry>& entries, const std::vector<std::pair<Mint, std::string>>& symbols);
Reply render_users(const std::vector<std::pair<User, Wallet>>& users, std::int64_t total);
Reply render_role_set(const User& user);
/// `simulated`: the market is simulated, so the prices the order names came from it.
Reply render_order_placed(const Order& order, const std::string& symbol, bool simulated);
Reply render_orders(const std::vector<Order>& orders, const std::vector<std::pair<Mint, std::string>>& symbols,
                    bool simulated);
Reply render_order_cancelled(const Order& order);
/// The notification a user gets when one of their orders fills, expires or fails.
Reply render_order_outcome(const engine::OrderOutcome& outcome, const std::string& symbol);
/// A refusal or failure: the message and its stable code.
Reply render_error(const Error& error);

}  // namespace kt::bot
