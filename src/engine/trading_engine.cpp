#include "engine/trading_engine.hpp"

#include <algorithm>

#include "engine/contests.hpp"

namespace kt::engine {
namespace {

Error duplicate() { return rejected(kDuplicateUpdate, "this update was already processed"); }

}  // namespace

TradingEngine::TradingEngine(storage::Repository& repository, QuoteProvider& quotes, const Clock& clock,
                             EngineConfig config)
    : repository_(repository), quotes_(quotes), clock_(clock), config_(std::move(config)), risk_(config_.limits) {}

Result<Quote> TradingEngine::fresh_quote(const Mint& mint, TimePoint now) {
  KT_TRY(Quote quote, quotes_.quote(mint, now));
  KT_TRY_VOID(check_fresh(quote, now, config_.max_quote_age));
  return quote;
}

Result<Position> owned_position(storage::Transaction& tx, UserId user, PositionId id, bool lock) {
  auto position = lock ? tx.lock_position(id) : tx.get_position(id);
  if (!position.ok()) {
    if (position.error().kind == ErrorKind::kNotFound)
      return not_found("E-NO-POSITION", "Position #" + std::to_string(id.value) + " not found");
    return std::move(position).error();
  }
  if (position->user != user) return not_found("E-NO-POSITION", "Position #" + std::to_string(id.value) + " not found");
  return position;
}

Result<void> record_token(storage::Transaction& tx, const storage::TokenRecord& token) {
  if (token.symbol.empty()) return {};
  KT_TRY(const auto known, tx.find_token(token.mint));
  if (known && known->symbol == token.symbol && known->is_active) return {};
  storage::TokenRecord active = token;
  active.is_active = true;
  return tx.upsert_token(active);
}

Result<PositionOpened> TradingEngine::open_position(const OpenPosition& command,
                                                    const BeforeCommit<PositionOpened>& before_commit) {
  const TimePoint now = clock_.now();
  // Cheap refusals first, so a bad size costs no price lookup.
  std::optional<User> user = command.known_user;
  if (!user || user->id != command.user) {
    KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
      KT_TRY(user, tx.find_user(command.user));
      return {};
    }));
  }
  if (!user) return not_found("E-NO-USER", "Send /start first to get your wallet");
  KT_TRY_VOID(risk_.check_size(*user, command.size));

  KT_TRY(const Quote quote, fresh_quote(command.mint, now));
  // Refuse before locking. A size too large to fill exactly is usually one the wallet cannot pay
  // for either: say so, which is the refusal the user can act on.
  if (auto fill = fill_open(command.side, command.size, quote, config_.fees); !fill) {
    if (fill.error().code == "E-OVERFLOW") {
      std::optional<Wallet> wallet;
      KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
        KT_TRY(wallet, tx.get_wallet(command.user));
        return {};
      }));
      KT_TRY_VOID(risk_.check_balance(*wallet, command.size, config_.fees.network_fee));
    }
    return std::move(fill).error();
  }

  PositionOpened out;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    std::optional<Wallet> wallet;
    if (command.update_id) {
      KT_TRY(wallet, tx.claim_update_and_lock_wallet(*command.update_id, command.user, now));
      if (!wallet) return duplicate();
    }
    if (command.token) KT_TRY_VOID(record_token(tx, *command.token));
    KT_TRY(out, open_in(tx, command, quote, now, wallet));
    if (before_commit) return before_commit(tx, out);
    return {};
  }));
  return out;
}

Result<PositionClosed> TradingEngine::close_position(const ClosePosition& command,
                                                     const BeforeCommit<PositionClosed>& before_commit) {
  if (command.percent < 1 || command.percent > 100) {
    return rejected("E-PERCENT", "The percentage to close must be between 1 and 100");
  }
  const TimePoint now = clock_.now();
  std::optional<Position> seen;
  const auto& known = command.known_position;
  if (known && known->id == command.position && known->user == command.user) {
    seen = known;
  } else {
    KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
      KT_TRY(seen, owned_position(tx, command.user, command.position, false));
      return {};
    }));
  }
  if (seen->status != PositionStatus::kOpen) {
    return rejected("E-CLOSED", "Position #" + std::to_string(command.position.value) + " is already " +
                                    std::string(to_string(seen->status)));
  }
  KT_TRY(const Quote quote, fresh_quote(seen->mint, now));

  PositionClosed out;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    std::optional<Wallet> wallet;
    if (command.update_id) {
      KT_TRY(wallet, tx.claim_update_and_lock_wallet(*command.update_id, command.user, now));
      if (!wallet) return duplicate();
    }
    KT_TRY(out, close_in(tx, command, quote, now, wallet));
    if (before_commit) return before_commit(tx, out);
    return {};
  }));
  return out;
}

Result<PositionOpened> TradingEngine::open_in(storage::Transaction& tx, const OpenPosition& command, const Quote& quote,
                                              TimePoint now, std::optional<Wallet> locked) {
  KT_TRY(const OpenFill fill, fill_open(command.side, command.size, quote, config_.fees));
  PositionOpened out{Position{}, fill, quote, Lamports{}};
  if (!locked) {
    KT_TRY(locked, tx.lock_wallet(command.user));
  }
  const Wallet& wallet = *locked;
  KT_TRY(const auto current_user, tx.find_user(command.user));
  if (!current_user) return not_found("E-NO-USER", "Send /start first to get your wallet");
  KT_TRY_VOID(check_contest_open(tx, *current_user, now));
  KT_TRY(const std::int64_t open_count, tx.count_open_positions(command.user));
  KT_TRY_VOID(risk_.check_open(*current_user, wallet, open_count, command.size, fill));

  Position p;
  p.user = command.user;
  p.mint = command.mint;
  p.decimals = quote.decimals;
  p.side = command.side;
  p.status = PositionStatus::kOpen;
  p.qty_raw = p.initial_qty_raw = fill.qty_raw;
  p.cost = p.initial_cost = fill.total_debit;
  p.entry_notional = fill.notional;
  p.entry_price = fill.fill_price;
  p.opened_at = now;
  p.source = quote.source;
  p.simulated = quote.simulated;
  if (auto token = tx.find_token(command.mint); token.ok() && *token) p.symbol = (*token)->symbol;
  KT_TRY(out.position, tx.insert_position(p));

  LedgerEntry entry;
  entry.user = command.user;
  entry.kind = LedgerKind::kOpen;
  entry.amount = -fill.total_debit;
  entry.balance_after = wallet.balance - fill.total_debit;
  entry.position = out.position.id;
  entry.mint = command.mint;
  entry.qty_raw = fill.qty_raw;
  entry.price = fill.fill_price;
  entry.fee = fill.trading_fee + fill.network_fee;
  entry.update_id = command.update_id;
  entry.created_at = now;
  entry.note = std::string(to_string(command.side));
  KT_TRY_VOID(tx.append_ledger_deferred(entry));
  out.balance_after = entry.balance_after;
  return out;
}

Result<PositionClosed> TradingEngine::close_in(storage::Transaction& tx, const ClosePosition& command,
                                               const Quote& quote, TimePoint now, std::optional<Wallet> locked) {
  if (command.percent < 1 || command.percent > 100) {
    return rejected("E-PERCENT", "The percentage to close must be between 1 and 100");
  }
  PositionClosed out;
  out.quote = quote;
  if (!locked) {
    KT_TRY(locked, tx.lock_wallet(command.user));
  }
  const Wallet& wallet = *locked;
  KT_TRY_VOID(check_contest_open(tx, command.user, now));
  KT_TRY(Position p, owned_position(tx, command.user, command.position, true));
  if (p.status != PositionStatus::kOpen) {
    return rejected("E-CLOSED",
                    "Position #" + std::to_string(p.id.value) + " is already " + std::string(to_string(p.status)));
  }
  const std::uint64_t qty =
      command.percent == 100
          ? p.qty_raw
          : static_cast<std::uint64_t>(static_cast<u128>(p.qty_raw) * static_cast<unsigned>(command.percent) / 100);
  if (qty == 0) return rejected("E-SIZE", "That is less than one base unit of the token; close a larger share");
  KT_TRY(out.fill, fill_close(p, qty, quote, config_.fees));
  if (out.fill.liquidated && qty != p.qty_raw) {
    // A short under water is liquidated whole, not in parts.
    KT_TRY(out.fill, fill_close(p, p.qty_raw, quote, config_.fees));
  }
  const CloseFill& fill = out.fill;

  // The network fee comes out of the proceeds; what they cannot cover comes from the balance,
  // which never goes below zero.
  Lamports credited = fill.proceeds - fill.network_fee;
  if (wallet.balance + credited < Lamports{0}) credited = -wallet.balance;
  out.credited = credited;
  out.pnl = credited - fill.cost_released;

  p.qty_raw -= fill.qty_raw;
  p.cost -= fill.cost_released;
  p.entry_notional -= fill.notional_released;
  p.realized_pnl += out.pnl;
  p.exit_price = fill.exit_price;
  if (p.qty_raw == 0 || fill.liquidated) {
    p.status = fill.liquidated ? PositionStatus::kLiquidated : PositionStatus::kClosed;
    p.closed_at = now;
  }
  KT_TRY_VOID(tx.update_position(p));

  LedgerEntry entry;
  entry.user = command.user;
  entry.kind = fill.liquidated ? LedgerKind::kLiquidation : LedgerKind::kClose;
  entry.amount = credited;
  entry.balance_after = wallet.balance + credited;
  entry.position = p.id;
  entry.mint = p.mint;
  entry.qty_raw = fill.qty_raw;
  entry.price = fill.exit_price;
  entry.fee = fill.trading_fee + fill.network_fee;
  entry.pnl = out.pnl;
  entry.update_id = command.update_id;
  entry.created_at = now;
  entry.note = std::to_string(command.percent) + "%";
  KT_TRY_VOID(tx.append_ledger_deferred(entry));
  out.position = p;
  out.balance_after = entry.balance_after;
  if (p.status != PositionStatus::kOpen) {
    // Exit orders of a closed position can never fill: cancel them with the close.
    KT_TRY(auto orders, tx.pending_orders_for_position(p.id));
    for (auto& order : orders) {
      order.status = OrderStatus::kCancelled;
      order.note = "position closed";
      order.updated_at = now;
      KT_TRY_VOID(tx.update_order(order));
    }
  }
  return out;
}

}  // namespace kt::engine
