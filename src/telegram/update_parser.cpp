#include "telegram/update_parser.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace kt::telegram {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::int64_t> int_member(const json& object, const char* key) {
  const json* v = member(object, key);
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return v->get<std::int64_t>();
}

std::string string_member(const json& object, const char* key) {
  const json* v = member(object, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

bool bool_member(const json& object, const char* key) {
  const json* v = member(object, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

ParsedUpdate ignored(std::int64_t id, std::string why) {
  ParsedUpdate p;
  p.update_id = id;
  p.ignored_because = std::move(why);
  return p;
}

/// Fills the sender fields; false if there is no usable human sender.
bool read_sender(const json& from, bot::Incoming& in) {
  auto id = int_member(from, "id");
  if (!id || bool_member(from, "is_bot")) return false;
  in.telegram_user_id = *id;
  in.username = string_member(from, "username");
  in.first_name = string_member(from, "first_name");
  return true;
}

/// Fills chat id and kind; false for channels and unknown chat types.
bool read_chat(const json& chat, bot::Incoming& in) {
  auto id = int_member(chat, "id");
  if (!id) return false;
  std::string type = string_member(chat, "type");
  if (type == "private") {
    in.chat_kind = bot::ChatKind::kPrivate;
  } else if (type == "group" || type == "supergroup") {
    in.chat_kind = bot::ChatKind::kGroup;
  } else {
    return false;
  }
  in.chat_id = *id;
  return true;
}

ParsedUpdate parse_message(std::int64_t id, const json& message, std::string_view bot_username) {
  bot::Incoming in;
  in.update_id = id;
  const json* from = member(message, "from");
  if (from == nullptr || !read_sender(*from, in)) return ignored(id, "message without a human sender");
  const json* chat = member(message, "chat");
  if (chat == nullptr || !read_chat(*chat, in)) return ignored(id, "message from an unsupported chat");
  std::string text = string_member(message, "text");
  if (text.empty()) text = string_member(message, "caption");
  if (text.empty()) return ignored(id, "message without text");
  auto addressed = address_command(text, bot_username);
  if (!addressed) return ignored(id, "command addressed to another bot");
  in.text = std::move(*addressed);
  in.message_id = int_member(message, "message_id");
  // A reply to one of this bot's own messages (an amount typed in answer to the "X SOL" prompt).
  if (const json* replied = member(message, "reply_to_message"); replied != nullptr) {
    const json* author = member(*replied, "from");
    if (author != nullptr && bool_member(*author, "is_bot") && !bot_username.empty() &&
        iequals(string_member(*author, "username"), bot_username)) {
      in.reply_to_bot_text = string_member(*replied, "text");
    }
  }
  ParsedUpdate p;
  p.update_id = id;
  p.shard_key = in.telegram_user_id;
  p.incoming = std::move(in);
  return p;
}

ParsedUpdate parse_callback(std::int64_t id, const json& query) {
  ParsedUpdate p;
  p.update_id = id;
  std::string query_id = string_member(query, "id");
  if (!query_id.empty()) p.callback_query_id = query_id;
  bot::Incoming in;
  in.update_id = id;
  const json* from = member(query, "from");
  if (from == nullptr || !read_sender(*from, in)) {
    p.ignored_because = "button press without a human sender";
    return p;
  }
  p.shard_key = in.telegram_user_id;
  const json* data = member(query, "data");
  if (data == nullptr || !data->is_string()) {
    p.ignored_because = "button press without data";
    return p;
  }
  const json* message = member(query, "message");
  if (message != nullptr) {
    const json* chat = member(*message, "chat");
    if (chat == nullptr || !read_chat(*chat, in)) {
      p.ignored_because = "button press in an unsupported chat";
      return p;
    }
    in.message_id = int_member(*message, "message_id");
  } else {
    // A button under an inline-mode message: no chat, answer privately.
    in.chat_id = in.telegram_user_id;
    in.chat_kind = bot::ChatKind::kPrivate;
  }
  in.callback_data = data->get<std::string>();
  in.callback_query_id = p.callback_query_id;
  p.incoming = std::move(in);
  return p;
}

}  // namespace

std::optional<std::string> address_command(const std::string& text, std::string_view bot_username) {
  if (text.empty() || text.front() != '/') return text;
  auto word_end = text.find_first_of(" \t\n");
  std::string_view word = std::string_view(text).substr(0, word_end);
  auto at = word.find('@');
  if (at == std::string_view::npos) return text;
  std::string_view target = word.substr(at + 1);
  if (!bot_username.empty() && !iequals(target, bot_username)) return std::nullopt;
  return text.substr(0, at) + (word_end == std::string::npos ? std::string() : text.substr(word_end));
}

Result<ParsedUpdate> parse_update(const json& update, std::string_view bot_username) {
  auto id = int_member(update, "update_id");
  if (!id) return rejected("E-TG-UPDATE", "update without an integer update_id");
  if (const json* message = member(update, "message"); message != nullptr && message->is_object()) {
    return parse_message(*id, *message, bot_username);
  }
  if (const json* query = member(update, "callback_query"); query != nullptr && query->is_object()) {
    return parse_callback(*id, *query);
  }
  if (member(update, "edited_message") != nullptr) return ignored(*id, "edited message");
  return ignored(*id, "update kind not handled");
}

Result<ParsedUpdate> parse_update_text(std::string_view body, std::string_view bot_username) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return rejected("E-TG-UPDATE", "update is not valid JSON");
  return parse_update(parsed, bot_username);
}

}  // namespace kt::telegram
