#pragma once
// Distinct id types so a position id can never be passed where a user id is expected.
#include <compare>
#include <cstdint>
#include <functional>

namespace kt {

template <class Tag>
struct Id {
  std::int64_t value = 0;
  constexpr auto operator<=>(const Id&) const = default;
};

using UserId = Id<struct UserIdTag>;          ///< our own user row id
using PositionId = Id<struct PositionIdTag>;  ///< shown to users as #<id>
using OrderId = Id<struct OrderIdTag>;
using TelegramUserId = Id<struct TelegramUserIdTag>;  ///< Telegram's user id (chat id in private chats)

}  // namespace kt

template <class Tag>
struct std::hash<kt::Id<Tag>> {
  std::size_t operator()(const kt::Id<Tag>& id) const noexcept { return std::hash<std::int64_t>{}(id.value); }
};
