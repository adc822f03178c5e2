#pragma once
#include <optional>
#include <string_view>

namespace kt {

/// Long profits when the price rises; short (synthetic) when it falls.
enum class Side { kLong, kShort };
/// Sets position limits and admin rights.
enum class Role { kBasic, kPremium, kAdmin };
enum class PositionStatus { kOpen, kClosed, kLiquidated };

std::string_view to_string(Side side);
std::string_view to_string(Role role);
std::string_view to_string(PositionStatus status);
std::optional<Side> parse_side(std::string_view text);
std::optional<Role> parse_role(std::string_view text);
std::optional<PositionStatus> parse_position_status(std::string_view text);

}  // namespace kt
