#include "bot/reply_codec.hpp"

#include <nlohmann/json.hpp>

namespace kt::bot {
namespace {

using nlohmann::json;

Error malformed(const std::string& why) { return rejected("E-REPLY-JSON", "stored reply is malformed: " + why); }

/// True if `text` is well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms, no surrogates,
/// nothing above U+10FFFF), the same rule as nlohmann's decoder.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (n - i < len) return false;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < lo || second > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

/// Appends `text` as a JSON string literal, escaped as nlohmann's dump does (UTF-8 kept as is).
void append_json_string(std::string& out, std::string_view text) {
  if (!valid_utf8(text)) {
    // User input inside the html may be invalid UTF-8: nlohmann's replacement rule (U+FFFD per bad
    // sequence) for this rare case, so the stored text stays what it always was.
    out += json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text, plain_from, text.size() - plain_from);
  out += '"';
}

}  // namespace

std::string encode_replies(const std::vector<Reply>& replies) {
  // Written by hand: every command stores its reply, and building an nlohmann tree first (a map
  // node and a string copy per field, then the dump) was ~10 % of Dispatcher::handle's CPU under
  // load (docs/benchmarks.md). The text is byte for byte what that tree's dump wrote: keys in
  // sorted order, the same escapes (tests/app/reply_codec_test.cpp).
  std::string out;
  std::size_t size = 2;
  for (const auto& r : replies) size += r.html.size() + 64 + r.buttons.size() * 64;
  out.reserve(size);
  out += '[';
  for (std::size_t i = 0; i < replies.size(); ++i) {
    const Reply& r = replies[i];
    if (i > 0) out += ',';
    out += '{';
    if (!r.buttons.empty()) {
      out += "\"buttons\":[";
      for (std::size_t row = 0; row < r.buttons.size(); ++row) {
        if (row > 0) out += ',';
        out += '[';
        for (std::size_t b = 0; b < r.buttons[row].size(); ++b) {
          if (b > 0) out += ',';
          out += "{\"data\":";
          append_json_string(out, r.buttons[row][b].callback_data);
          out += ",\"label\":";
          append_json_string(out, r.buttons[row][b].label);
          out += '}';
        }
        out += ']';
      }
      out += "],";
    }
    out += "\"chat_id\":";
    out += std::to_string(r.chat_id);
    if (r.edit_message_id) {
      out += ",\"edit_message_id\":";
      out += std::to_string(*r.edit_message_id);
    }
    if (r.force_reply) {  // keys stay in sorted order, as the nlohmann tree wrote them
      out += ",\"force_reply\":";
      append_json_string(out, *r.force_reply);
    }
    out += ",\"html\":";
    if (r.photo_png) {
      append_json_string(out, r.html + std::string(kPhotoNotKept));
    } else {
      append_json_string(out, r.html);
    }
    out += '}';
  }
  out += ']';
  return out;
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
    if (const auto force = item.find("force_reply"); force != item.end()) {
      if (!force->is_string()) return malformed("force_reply is not a string");
      r.force_reply = force->get<std::string>();
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace kt::bot
