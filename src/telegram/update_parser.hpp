#pragma once
// Tolerant parsing of Bot API updates into front-end-neutral Incoming messages. Pure functions.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bot/conversation.hpp"
#include "core/result.hpp"

namespace kt::telegram {

/// One update: either something for the bot (`incoming`) or ignored, with the reason.
struct ParsedUpdate {
  std::int64_t update_id = 0;
  std::optional<bot::Incoming> incoming;         ///< empty: nothing for the bot
  std::string ignored_because;                   ///< set when `incoming` is empty
  std::optional<std::string> callback_query_id;  ///< a button press to answer even if ignored
  std::int64_t shard_key = 0;                    ///< the sender's user id (0 if none)
};

/// Parses one update object. `bot_username` (from getMe, without '@') decides which
/// `/cmd@Name` commands are ours: those are handled with the suffix stripped, others ignored.
/// Unknown update kinds, reactions, messages without text or caption, edited messages (they must
/// not re-run a trade), channel posts and messages from bots are ignored, not errors.
/// Errors: rejected "E-TG-UPDATE" when there is no integer update_id.
Result<ParsedUpdate> parse_update(const nlohmann::json& update, std::string_view bot_username);

/// The same from raw JSON text (webhook bodies, fuzzing). Errors: "E-TG-UPDATE" (also bad JSON).
Result<ParsedUpdate> parse_update_text(std::string_view body, std::string_view bot_username);

/// Strips our own "@BotName" from a leading command; nullopt if the command names another bot.
std::optional<std::string> address_command(const std::string& text, std::string_view bot_username);

}  // namespace kt::telegram
