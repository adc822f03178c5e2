#include "engine/order_book.hpp"

#include <string>

#include "engine/contests.hpp"

namespace kt::engine {
namespace {

Error duplicate() { return rejected(kDuplicateUpdate, "this update was already processed"); }

std::string price_words(const Price& p, std::uint8_t decimals) { return p.format_sol_per_token(decimals) + " SOL"; }

}  // namespace

OrderBook::OrderBook(storage::Repository& repository, TradingEngine& trading, QuoteProvider& quotes, const Clock& clock)
    : repository_(repository), trading_(trading), quotes_(quotes), clock_(clock) {}

Result<void> OrderBook::claim(storage::Transaction& tx, std::optional<std::int64_t> update_id, UserId user,
                              TimePoint now) {
  if (!update_id) return {};
  KT_TRY(const bool fresh, tx.claim_update(*update_id, user, now));
  if (!fresh) return duplicate();
  return {};
}

Result<void> OrderBook::check_capacity(storage::Transaction& tx, UserId user) {
  KT_TRY(const auto pending, tx.orders_of_user(user, true, kMaxPendingOrdersPerUser + 1));
  if (static_cast<int>(pending.size()) >= kMaxPendingOrdersPerUser) {
    return rejected("E-MAX-ORDERS", "You have " + std::to_string(pending.size()) + " pending orders; the maximum is " +
                                        std::to_string(kMaxPendingOrdersPerUser) + ". Cancel one first");
  }
  return {};
}

Result<Order> OrderBook::place_limit_buy(const PlaceLimitBuy& c) {
  const TimePoint now = clock_.now();
  if (c.expires_at && *c.expires_at <= now) return rejected("E-EXPIRY", "The expiry must be in the future");
  // The current price tells the decimals and whether the order would fill at once.
  KT_TRY(const Quote quote, quotes_.quote(c.mint, now));
  Order order;
  order.user = c.user;
  order.kind = OrderKind::kLimitBuy;
  order.mint = c.mint;
  order.decimals = quote.decimals;
  order.side = Side::kLong;
  order.size = c.size;
  order.trigger = c.trigger;
  order.expires_at = c.expires_at;
  order.created_at = order.updated_at = now;
  Order stored;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY_VOID(claim(tx, c.update_id, c.user, now));
    KT_TRY(const auto user, tx.find_user(c.user));
    if (!user) return not_found("E-NO-USER", "Send /start first to get your wallet");
    KT_TRY_VOID(trading_.risk().check_size(*user, c.size));
    KT_TRY_VOID(check_contest_open(tx, *user, now));
    KT_TRY_VOID(check_capacity(tx, c.user));
    KT_TRY(stored, tx.insert_order(order));
    return {};
  }));
  return stored;
}

Result<Order> OrderBook::place_exit(const PlaceExitOrder& c) {
  const TimePoint now = clock_.now();
  if (c.expires_at && *c.expires_at <= now) return rejected("E-EXPIRY", "The expiry must be in the future");
  std::optional<Position> position;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(position, owned_position(tx, c.user, c.position, false));
    return {};
  }));
  if (position->status != PositionStatus::kOpen) {
    return rejected("E-CLOSED", "Position #" + std::to_string(c.position.value) + " is already " +
                                    std::string(to_string(position->status)));
  }
  KT_TRY(const Quote quote, quotes_.quote(position->mint, now));
  const bool long_side = position->side == Side::kLong;

  Order order;
  order.user = c.user;
  order.kind = c.kind;
  order.mint = position->mint;
  order.decimals = position->decimals;
  order.position = position->id;
  order.side = position->side;
  order.expires_at = c.expires_at;
  order.created_at = order.updated_at = now;
  if (c.kind == OrderKind::kTrailingStop) {
    if (c.trail_bps < 10 || c.trail_bps > 9'000)
      return rejected("E-ORDER", "A trailing stop distance must be between 0.1% and 90%");
    order.trail_bps = c.trail_bps;
    order.extreme = quote.price;  // the stop starts below (above, for shorts) the current price
  } else {
    Price trigger;
    if (c.trigger.price) {
      trigger = *c.trigger.price;
    } else if (c.trigger.move_bps) {
      trigger = position->entry_price.adjusted_bps(*c.trigger.move_bps);
      if (trigger.is_zero()) return rejected("E-ORDER", "That move would put the trigger at or below zero");
    } else {
      return rejected("E-ORDER", "Give a trigger price or a percentage");
    }
    // An exit that is already crossed would fill at once: say so instead of surprising the user.
    const bool profit_side = c.kind == OrderKind::kTakeProfit;
    const bool above = trigger > quote.price;
    const bool sensible = profit_side == long_side ? above : !above;
    if (!sensible) {
      return rejected("E-ORDER", std::string(profit_side ? "Take-profit" : "Stop-loss") + " at " +
                                     price_words(trigger, order.decimals) +
                                     " is already crossed at the current price " +
                                     price_words(quote.price, order.decimals) + "; use /close to exit now");
    }
    order.trigger = trigger;
  }
  Order stored;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY_VOID(claim(tx, c.update_id, c.user, now));
    KT_TRY_VOID(check_contest_open(tx, c.user, now));
    KT_TRY_VOID(check_capacity(tx, c.user));
    KT_TRY(stored, tx.insert_order(order));
    return {};
  }));
  return stored;
}

Result<Order> OrderBook::cancel(UserId user, OrderId id, std::optional<std::int64_t> update_id) {
  const TimePoint now = clock_.now();
  Order order;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY_VOID(claim(tx, update_id, user, now));
    auto locked = tx.lock_order(id);
    if (!locked.ok() || locked->user != user) {
      if (!locked.ok() && locked.error().kind != ErrorKind::kNotFound) return std::move(locked).error();
      return not_found("E-NO-ORDER", "Order " + std::to_string(id.value) + " not found");
    }
    order = *locked;
    if (order.status != OrderStatus::kPending) {
      return rejected("E-ORDER",
                      "Order " + std::to_string(id.value) + " is already " + std::string(to_string(order.status)));
    }
    order.status = OrderStatus::kCancelled;
    order.note = "cancelled by you";
    order.updated_at = now;
    return tx.update_order(order);
  }));
  return order;
}

Result<std::vector<Order>> OrderBook::list(UserId user, bool pending_only) {
  std::vector<Order> out;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(out, tx.orders_of_user(user, pending_only, 50));
    return {};
  }));
  return out;
}

std::optional<OrderOutcome> OrderBook::finish(OrderId id, OrderStatus status, const std::string& note, TimePoint now,
                                              std::optional<Error> failure) {
  std::optional<OrderOutcome> outcome;
  auto r = repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(Order order, tx.lock_order(id));
    if (order.status != OrderStatus::kPending) return {};  // someone else finished it
    order.status = status;
    order.note = note;
    order.updated_at = now;
    KT_TRY_VOID(tx.update_order(order));
    KT_TRY(const auto owner, tx.find_user(order.user));
    outcome = OrderOutcome{order, owner ? owner->telegram_id : TelegramUserId{}, std::nullopt, std::nullopt, failure};
    return {};
  });
  if (!r.ok()) return std::nullopt;
  return outcome;
}

std::optional<OrderOutcome> OrderBook::fill(const Order& seen, const Quote& quote, TimePoint now) {
  std::optional<OrderOutcome> outcome;
  auto filled = repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(Order order, tx.lock_order(seen.id));
    if (order.status != OrderStatus::kPending) return {};  // a racing tick or process filled it
    // Re-evaluate under the lock: a concurrent tick may have moved a trailing extreme.
    if (!evaluate_order(order, quote.price, now).triggered) return {};
    OrderOutcome out{order, TelegramUserId{}, std::nullopt, std::nullopt, std::nullopt};
    if (order.kind == OrderKind::kLimitBuy) {
      KT_TRY(out.opened,
             trading_.open_in(tx, {order.user, order.mint, order.size, order.side, std::nullopt}, quote, now));
      out.order.filled_position = out.opened->position.id;
    } else {
      KT_TRY(out.closed,
             trading_.close_in(tx, {order.user, *order.position, order.close_percent, std::nullopt}, quote, now));
    }
    out.order.status = OrderStatus::kFilled;
    out.order.filled_at = now;
    out.order.updated_at = now;
    KT_TRY_VOID(tx.update_order(out.order));
    KT_TRY(const auto owner, tx.find_user(order.user));
    out.owner = owner ? owner->telegram_id : TelegramUserId{};
    outcome = std::move(out);
    return {};
  });
  if (filled.ok()) return outcome;
  if (filled.error().retryable()) return std::nullopt;  // storage trouble: stays pending, next tick retries
  // A rule said no (balance, position gone, size): the order fails, visibly, once.
  return finish(seen.id, OrderStatus::kFailed, filled.error().message, now, filled.error());
}

std::vector<OrderOutcome> OrderBook::on_tick(const Quote& quote) {
  const TimePoint now = clock_.now();
  std::vector<OrderOutcome> outcomes;
  if (!trading_.check_quote_age(quote, now).ok()) return outcomes;  // never fill on a stale price
  std::vector<Order> pending;
  if (!repository_
           .read([&](storage::Transaction& tx) -> Result<void> {
             KT_TRY(pending, tx.pending_orders_for_mint(quote.mint));
             return {};
           })
           .ok()) {
    return outcomes;
  }
  for (const Order& order : pending) {
    const OrderEvaluation e = evaluate_order(order, quote.price, now);
    if (e.expired) {
      if (auto o = finish(order.id, OrderStatus::kExpired, "expired", now, std::nullopt))
        outcomes.push_back(std::move(*o));
    } else if (e.triggered) {
      if (auto o = fill(order, quote, now)) outcomes.push_back(std::move(*o));
    } else if (e.new_extreme) {
      (void)repository_.write([&](storage::Transaction& tx) -> Result<void> {
        KT_TRY(Order locked, tx.lock_order(order.id));
        if (locked.status != OrderStatus::kPending) return {};
        const bool better = !locked.extreme || (locked.side == Side::kLong ? *e.new_extreme > *locked.extreme
                                                                           : *e.new_extreme < *locked.extreme);
        if (!better) return {};  // the stop only ever moves in the trader's favour
        locked.extreme = e.new_extreme;
        locked.updated_at = now;
        return tx.update_order(locked);
      });
    }
  }
  return outcomes;
}

std::vector<OrderOutcome> OrderBook::expire_due(TimePoint now) {
  std::vector<OrderOutcome> outcomes;
  std::vector<Order> due;
  (void)repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(const auto mints, tx.mints_with_pending_orders());
    for (const auto& mint : mints) {
      KT_TRY(const auto orders, tx.pending_orders_for_mint(mint));
      for (const auto& o : orders) {
        if (o.expires_at && now >= *o.expires_at) due.push_back(o);
      }
    }
    return {};
  });
  for (const auto& o : due) {
    if (auto out = finish(o.id, OrderStatus::kExpired, "expired", now, std::nullopt))
      outcomes.push_back(std::move(*out));
  }
  return outcomes;
}

}  // namespace kt::engine
