#include "domain/order.hpp"

namespace kt {

std::string_view to_string(OrderKind kind) {
  switch (kind) {
    case OrderKind::kLimitBuy: return "limit_buy";
    case OrderKind::kTakeProfit: return "take_profit";
    case OrderKind::kStopLoss: return "stop_loss";
    case OrderKind::kTrailingStop: return "trailing_stop";
  }
  return "limit_buy";
}

std::string_view to_string(OrderStatus status) {
  switch (status) {
    case OrderStatus::kPending: return "pending";
    case OrderStatus::kFilled: return "filled";
    case OrderStatus::kCancelled: return "cancelled";
    case OrderStatus::kExpired: return "expired";
    case OrderStatus::kFailed: return "failed";
  }
  return "pending";
}

std::optional<OrderKind> parse_order_kind(std::string_view text) {
  for (auto k : {OrderKind::kLimitBuy, OrderKind::kTakeProfit, OrderKind::kStopLoss, OrderKind::kTrailingStop}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::optional<OrderStatus> parse_order_status(std::string_view text) {
  for (auto s : {OrderStatus::kPending, OrderStatus::kFilled, OrderStatus::kCancelled, OrderStatus::kExpired,
                 OrderStatus::kFailed}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

Price trailing_stop_price(const Order& order) {
  if (!order.extreme) return Price();
  const auto bps = static_cast<std::int64_t>(order.trail_bps);
  return order.extreme->adjusted_bps(order.side == Side::kLong ? -bps : bps);
}

OrderEvaluation evaluate_order(const Order& order, const Price& price, TimePoint now) {
  OrderEvaluation out;
  if (order.status != OrderStatus::kPending || price.is_zero()) return out;
  if (order.expires_at && now >= *order.expires_at) {
    out.expired = true;
    return out;
  }
  const bool long_side = order.side == Side::kLong;
  switch (order.kind) {
    case OrderKind::kLimitBuy: out.triggered = order.trigger && price <= *order.trigger; break;
    case OrderKind::kTakeProfit:
      out.triggered = order.trigger && (long_side ? price >= *order.trigger : price <= *order.trigger);
      break;
    case OrderKind::kStopLoss:
      out.triggered = order.trigger && (long_side ? price <= *order.trigger : price >= *order.trigger);
      break;
    case OrderKind::kTrailingStop: {
      Order current = order;
      const bool better = !order.extreme || (long_side ? price > *order.extreme : price < *order.extreme);
      if (better) {
        out.new_extreme = price;
        current.extreme = price;
      }
      const Price stop = trailing_stop_price(current);
      out.triggered = !better && (long_side ? price <= stop : price >= stop);
      break;
    }
  }
  return out;
}

}  // namespace kt
