#pragma once
// Front-end-neutral messages: what a user sent (Incoming) and what the bot answers (Reply).
// The console and Telegram front ends translate to and from these; bot/ knows no transport.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kt::bot {

enum class ChatKind { kPrivate, kGroup, kConsole };

/// One thing a user did: a text message or a button press.
struct Incoming {
  std::optional<std::int64_t> update_id;  ///< Telegram update id: the exactly-once key
  std::int64_t telegram_user_id = 0;
  std::string username;  ///< without '@', may be empty
  std::string first_name;
  std::int64_t chat_id = 0;
  ChatKind chat_kind = ChatKind::kPrivate;
  std::string text;                              ///< message text ("/open BONK 1"), empty for buttons
  std::optional<std::string> callback_data;      ///< a pressed button's data (≤ 64 bytes)
  std::optional<std::string> callback_query_id;  ///< to answer the button press
  std::optional<std::int64_t> message_id;        ///< the message the button sits on
  /// The text of this bot's own message that this one replies to (Telegram's reply_to_message):
  /// how a bare "2" answers the "X SOL" prompt.
  std::optional<std::string> reply_to_bot_text;
};

/// An inline button: pressing it sends `callback_data` back as an Incoming.
struct Button {
  std::string label;
  std::string callback_data;  ///< ≤ 64 bytes
};

/// One answer. `html` uses Telegram's HTML subset (<b>, <i>, <code>, <a>); every piece of user or
/// token data inside it is escaped. Front ends without HTML strip the tags.
struct Reply {
  std::int64_t chat_id = 0;
  std::string html;
  std::vector<std::vector<Button>> buttons;     ///< rows of inline buttons
  std::optional<std::int64_t> edit_message_id;  ///< edit this message instead of sending a new one
  std::optional<std::string> photo_png;         ///< PNG bytes: sent as a photo with `html` as caption
  std::optional<std::string> callback_answer;   ///< short toast for the pressed button ("" = just ack)
  /// Set: the client opens a reply to this message, with this placeholder in the input field
  /// (Telegram's ForceReply); a new message only, not with buttons.
  std::optional<std::string> force_reply;
  /// The update this answers, when its reply is stored for re-sending (set by the Dispatcher on
  /// the last reply of an update): the front end reports it once Telegram accepted the reply.
  std::optional<std::int64_t> update_id;
};

}  // namespace kt::bot
