#include "domain/enums.hpp"

namespace kt {

std::string_view to_string(Side side) { return side == Side::kLong ? "long" : "short"; }

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kBasic: return "basic";
    case Role::kPremium: return "premium";
    case Role::kAdmin: return "admin";
  }
  return "basic";
}

std::string_view to_string(PositionStatus status) {
  switch (status) {
    case PositionStatus::kOpen: return "open";
    case PositionStatus::kClosed: return "closed";
    case PositionStatus::kLiquidated: return "liquidated";
  }
  return "open";
}

std::optional<Side> parse_side(std::string_view text) {
  if (text == "long" || text == "buy") return Side::kLong;
  if (text == "short" || text == "sell") return Side::kShort;
  return std::nullopt;
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "basic") return Role::kBasic;
  if (text == "premium") return Role::kPremium;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::optional<PositionStatus> parse_position_status(std::string_view text) {
  if (text == "open") return PositionStatus::kOpen;
  if (text == "closed") return PositionStatus::kClosed;
  if (text == "liquidated") return PositionStatus::kLiquidated;
  return std::nullopt;
}

}  // namespace kt
