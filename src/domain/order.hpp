#pragma once
// Conditional orders: limit buy, take-profit, stop-loss and trailing stop, and the pure rules
// that decide when one triggers.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "domain/enums.hpp"
#include "domain/ids.hpp"
#include "domain/mint.hpp"
#include "domain/money.hpp"
#include "domain/price.hpp"

namespace kt {

enum class OrderKind { kLimitBuy, kTakeProfit, kStopLoss, kTrailingStop };
enum class OrderStatus { kPending, kFilled, kCancelled, kExpired, kFailed };

std::string_view to_string(OrderKind kind);
std::string_view to_string(OrderStatus status);
std::optional<OrderKind> parse_order_kind(std::string_view text);
std::optional<OrderStatus> parse_order_status(std::string_view text);

struct Order {
  OrderId id;
  UserId user;
  OrderKind kind = OrderKind::kLimitBuy;
  OrderStatus status = OrderStatus::kPending;
  Mint mint;
  std::uint8_t decimals = 0;
  std::optional<PositionId> position;  ///< the position a TP/SL/trailing stop closes
  Side side = Side::kLong;             ///< of the position (TP/SL direction), or the limit buy's side
  Lamports size;                       ///< limit buy: SOL to spend
  std::optional<Price> trigger;        ///< limit, TP, SL: the trigger price
  std::uint32_t trail_bps = 0;         ///< trailing stop distance (1000 = 10 %)
  std::optional<Price> extreme;        ///< trailing: highest (long) / lowest (short) price seen
  int close_percent = 100;
  std::optional<TimePoint> expires_at;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> filled_at;
  std::optional<PositionId> filled_position;  ///< the position a limit buy opened
  std::string note;                           ///< why it failed or was cancelled
};

/// What a price does to a pending order.
struct OrderEvaluation {
  bool triggered = false;
  bool expired = false;
  std::optional<Price> new_extreme;  ///< trailing stops: a new high (long) / low (short) to store
};

/// The stop price of a trailing stop: extreme·(1 − trail) for longs, extreme·(1 + trail) for shorts.
Price trailing_stop_price(const Order& order);

/// Evaluates a pending order at `price` observed at `now`. Limit buys trigger at or below the
/// trigger; a long's take-profit at or above, its stop-loss at or below (mirrored for shorts);
/// a trailing stop first raises its extreme (it never lowers it), then triggers when the price
/// crosses the stop. Ties trigger. An order past its expiry expires instead.
OrderEvaluation evaluate_order(const Order& order, const Price& price, TimePoint now);

}  // namespace kt
