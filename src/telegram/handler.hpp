#pragma once
// The bot's entry point as the Telegram front end sees it.
#include <cstdint>
#include <functional>
#include <vector>

#include "bot/conversation.hpp"

namespace kt::telegram {

/// Thread-safe; does exactly-once itself (an update id already processed yields no replies).
using UpdateHandler = std::function<std::vector<kt::bot::Reply>(const kt::bot::Incoming&)>;

}  // namespace kt::telegram
