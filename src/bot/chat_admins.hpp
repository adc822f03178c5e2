#pragma once
// The question the contest commands ask the chat platform: is this user an admin of that group?
// Telegram answers it with getChatMember (see app/run_telegram.cpp); the console has no groups.
#include <cstdint>

#include "core/result.hpp"

namespace kt::bot {

class ChatAdmins {
 public:
  virtual ~ChatAdmins() = default;
  /// True if `telegram_user_id` is the creator or an administrator of group `chat_id`. A failed
  /// lookup is an error (the caller refuses and says to try again), never a silent "no".
  virtual Result<bool> is_chat_admin(std::int64_t chat_id, std::int64_t telegram_user_id) = 0;
};

}  // namespace kt::bot
