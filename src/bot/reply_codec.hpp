#pragma once
// Replies as JSON, so the reply of an applied update can be stored with it and re-sent after a
// crash (storage::Transaction::store_reply). What is stored: chat_id, html, buttons and
// edit_message_id. Not stored: callback_answer (a button press cannot be answered after a restart:
// the query is gone) and photo_png (a chart can be large and is cheap to ask for again: the stored
// html gets kPhotoNotKept appended instead). update_id is not stored: the key of the row is.
#include <string>
#include <string_view>
#include <vector>

#include "bot/conversation.hpp"
#include "core/result.hpp"

namespace kt::bot {

/// Appended to the text of a stored reply whose picture was not kept.
inline constexpr std::string_view kPhotoNotKept =
    "\n<i>(The chart was not kept; send the command again to see it.)</i>";

/// The replies as a JSON array (see the header comment for what is kept).
std::string encode_replies(const std::vector<Reply>& replies);

/// Parses what encode_replies wrote. Fails with rejected "E-REPLY-JSON" on anything else.
Result<std::vector<Reply>> decode_replies(std::string_view json);

}  // namespace kt::bot
