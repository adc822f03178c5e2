#include "bot/reply_codec.hpp"

#include <nlohmann/json.hpp>

namespace kt::bot {
namespace {

using nlohmann::json;

Error malformed(const std::string& why) { return rejected("E-REPLY-JSON", "stored reply is malformed: " + why); }

}  // namespace

std::string encode_replies(const std::vector<Reply>& replies) {
  json out = json::array();
  for (const auto& r : replies) {
    json item = {{"chat_id", r.chat_id}, {"html", r.html}};
    if (r.photo_png) item["html"] = r.html + std::string(kPhotoNotKept);
    if (!r.buttons.empty()) {
      json rows = json::array();
      for (const auto& row : r.buttons) {
        json buttons = json::array();
        for (const auto& b : row) buttons.push_back({{"label", b.label}, {"data", b.callback_data}});
        rows.push_back(std::move(buttons));
      }
      item["buttons"] = std::move(rows);
    }
    if (r.edit_message_id) item["edit_message_id"] = *r.edit_message_id;
    out.push_back(std::move(item));
  }
  // Replacement instead of an exception: html is ours, but user input inside it may be invalid UTF-8.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<Reply>> decode_replies(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return malformed("not JSON");
  if (!doc.is_array()) return malformed("not an array");
  std::vector<Reply> out;
  for (const auto& item : doc) {
    if (!item.is_object()) return malformed("an element is not an object");
    const auto chat = item.find("chat_id");
    const auto html = item.find("html");
    if (chat == item.end() || !chat->is_number_integer()) return malformed("chat_id missing");
    if (html == item.end() || !html->is_string()) return malformed("html missing");
    Reply r;
    r.chat_id = chat->get<std::int64_t>();
    r.html = html->get<std::string>();
    if (const auto rows = item.find("buttons"); rows != item.end()) {
      if (!rows->is_array()) return malformed("buttons is not an array");
      for (const auto& row : *rows) {
        if (!row.is_array()) return malformed("a button row is not an array");
        std::vector<Button> buttons;
        for (const auto& b : row) {
          if (!b.is_object() || !b.contains("label") || !b["label"].is_string() || !b.contains("data") ||
              !b["data"].is_string()) {
            return malformed("a button lacks label or data");
          }
          buttons.push_back({b["label"].get<std::string>(), b["data"].get<std::string>()});
        }
        r.buttons.push_back(std::move(buttons));
      }
    }
    if (const auto edit = item.find("edit_message_id"); edit != item.end()) {
      if (!edit->is_number_integer()) return malformed("edit_message_id is not an integer");
      r.edit_message_id = edit->get<std::int64_t>();
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace kt::bot
