#pragma once
// Conditional orders: placing, cancelling, and filling them on price ticks, each fill exactly once
// (the order row is locked and re-checked in the same transaction as the trade).
#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/order.hpp"
#include "engine/ports.hpp"
#include "engine/trading_engine.hpp"
#include "storage/repository.hpp"

namespace kt::engine {

/// Place a limit buy: open `size` of `mint` when the price falls to `trigger` or below.
struct PlaceLimitBuy {
  UserId user;
  Mint mint;
  Lamports size;
  Price trigger;
  std::optional<TimePoint> expires_at;
  std::optional<std::int64_t> update_id;
};

/// How an exit order's trigger is given: an absolute price, or a move from the entry price.
struct ExitTrigger {
  std::optional<Price> price;
  std::optional<std::int64_t> move_bps;  ///< +5000 = entry + 50 %, −2000 = entry − 20 %
};

/// Place a take-profit, stop-loss or trailing stop on a position.
struct PlaceExitOrder {
  UserId user;
  PositionId position;
  OrderKind kind = OrderKind::kTakeProfit;
  ExitTrigger trigger;          ///< TP/SL
  std::uint32_t trail_bps = 0;  ///< trailing stop
  std::optional<TimePoint> expires_at;
  std::optional<std::int64_t> update_id;
};

/// What happened to an order on a tick, for notifying its owner.
struct OrderOutcome {
  Order order;  ///< after the change (filled, expired, failed)
  TelegramUserId owner;
  std::optional<PositionOpened> opened;
  std::optional<PositionClosed> closed;
  std::optional<Error> failure;  ///< why a triggered order could not fill
};

inline constexpr int kMaxPendingOrdersPerUser = 50;

class OrderBook {
 public:
  OrderBook(storage::Repository& repository, TradingEngine& trading, QuoteProvider& quotes, const Clock& clock);

  Result<Order> place_limit_buy(const PlaceLimitBuy& command);
  Result<Order> place_exit(const PlaceExitOrder& command);
  Result<Order> cancel(UserId user, OrderId id, std::optional<std::int64_t> update_id);
  Result<std::vector<Order>> list(UserId user, bool pending_only);

  /// Evaluates every pending order on the quote's mint: raises trailing extremes, expires old
  /// orders, fills triggered ones at this quote. Safe to call from several threads and processes
  /// at once: each order fills at most once.
  std::vector<OrderOutcome> on_tick(const Quote& quote);
  /// Expires orders on mints nobody quoted (their tick never comes).
  std::vector<OrderOutcome> expire_due(TimePoint now);

 private:
  Result<void> claim(storage::Transaction& tx, std::optional<std::int64_t> update_id, UserId user, TimePoint now);
  Result<void> check_capacity(storage::Transaction& tx, UserId user);
  std::optional<OrderOutcome> fill(const Order& seen, const Quote& quote, TimePoint now);
  std::optional<OrderOutcome> finish(OrderId id, OrderStatus status, const std::string& note, TimePoint now,
                                     std::optional<Error> failure);

  storage::Repository& repository_;
  TradingEngine& trading_;
  QuoteProvider& quotes_;
  const Clock& clock_;
};

}  // namespace kt::engine
