#include "telegram/update_batch.hpp"

#include <charconv>

namespace kt::telegram {
namespace {

constexpr std::size_t kMaxDepth = 512;  ///< deeper nesting is refused (no update is that deep)

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Reads JSON text left to right; every method leaves `at` after what it read.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::size_t at() const { return at_; }
  bool done() { return skip_space() == text_.size(); }

  std::size_t skip_space() {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
    return at_;
  }
  /// The next non-space character is `c`: consumes it.
  bool eat(char c) {
    if (skip_space() < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  /// A string starting at the next non-space character; `raw` is its content with escapes left as
  /// they are, `escaped` says whether there were any.
  bool string(std::string_view& raw, bool& escaped) {
    if (!eat('"')) return false;
    const std::size_t start = at_;
    escaped = false;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '"') {
        raw = text_.substr(start, at_ - start);
        ++at_;
        return true;
      }
      if (c == '\\') {
        escaped = true;
        ++at_;  // the escaped character, whatever it is, cannot end the string
      } else if (static_cast<unsigned char>(c) < 0x20) {
        return false;  // a raw control character: not JSON
      }
      ++at_;
    }
    return false;
  }
  /// Any value: strings and brackets are matched; a scalar runs to the next delimiter.
  bool value() {
    if (skip_space() >= text_.size()) return false;
    const char first = text_[at_];
    if (first == '"') {
      std::string_view ignored;
      bool escaped = false;
      return string(ignored, escaped);
    }
    if (first == '{' || first == '[') return nested();
    const std::size_t start = at_;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == ',' || c == '}' || c == ']' || c == '"' || c == '{' || c == '[' || c == ':' || is_space(c)) break;
      ++at_;
    }
    return at_ > start;
  }
  /// A scalar token as text (for update_id); empty if the value is not a scalar.
  std::string_view scalar() {
    if (skip_space() >= text_.size()) return {};
    const char first = text_[at_];
    if (first == '"' || first == '{' || first == '[') return {};
    const std::size_t start = at_;
    if (!value()) return {};
    return text_.substr(start, at_ - start);
  }

 private:
  /// An object or array, brackets matched on a stack; strings skipped as strings.
  bool nested() {
    std::string stack;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '"') {
        std::string_view ignored;
        bool escaped = false;
        if (!string(ignored, escaped)) return false;
        continue;
      }
      ++at_;
      if (c == '{' || c == '[') {
        if (stack.size() >= kMaxDepth) return false;
        stack.push_back(c == '{' ? '}' : ']');
      } else if (c == '}' || c == ']') {
        if (stack.empty() || stack.back() != c) return false;
        stack.pop_back();
        if (stack.empty()) return true;
      }
    }
    return false;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

/// The top-level "update_id" of one element, if it is an integer literal in range. A key written
/// with escapes is not recognised (the full parse then decides).
std::optional<std::int64_t> top_level_update_id(std::string_view element) {
  Scanner s(element);
  if (!s.eat('{')) return std::nullopt;
  std::optional<std::int64_t> id;
  if (s.eat('}')) return std::nullopt;
  do {
    std::string_view key;
    bool escaped = false;
    if (!s.string(key, escaped) || !s.eat(':')) return std::nullopt;
    if (key == "update_id" && !escaped) {
      // The last one wins, as in the full parse.
      id.reset();
      const std::string_view token = s.scalar();
      std::int64_t v = 0;
      const bool integer = !token.empty() && token.find_first_of(".eE") == std::string_view::npos;
      if (!integer) {
        if (token.empty() && !s.value()) return std::nullopt;
        continue;
      }
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
      if (ec == std::errc() && end == token.data() + token.size()) id = v;
    } else if (!s.value()) {
      return std::nullopt;
    }
  } while (s.eat(','));
  if (!s.eat('}') || !s.done()) return std::nullopt;
  return id;
}

}  // namespace

std::optional<std::vector<RawUpdate>> split_updates_answer(std::string_view body) {
  Scanner s(body);
  if (!s.eat('{')) return std::nullopt;
  bool ok = false;
  bool have_result = false;
  std::vector<RawUpdate> updates;
  if (s.eat('}')) return std::nullopt;
  do {
    std::string_view key;
    bool escaped = false;
    if (!s.string(key, escaped) || !s.eat(':')) return std::nullopt;
    if (escaped) return std::nullopt;  // an escaped member name: leave it to the full parse
    if (key == "ok") {
      ok = s.scalar() == "true";
      if (!ok) return std::nullopt;
    } else if (key == "result") {
      if (have_result || !s.eat('[')) return std::nullopt;
      have_result = true;
      if (!s.eat(']')) {
        do {
          const std::size_t start = s.skip_space();
          if (start >= body.size() || body[start] != '{' || !s.value()) return std::nullopt;
          RawUpdate update;
          update.offset = start;
          update.size = s.at() - start;
          update.update_id = top_level_update_id(body.substr(start, update.size));
          updates.push_back(update);
        } while (s.eat(','));
        if (!s.eat(']')) return std::nullopt;
      }
    } else if (!s.value()) {
      return std::nullopt;
    }
  } while (s.eat(','));
  if (!s.eat('}') || !s.done() || !ok || !have_result) return std::nullopt;
  return updates;
}

}  // namespace kt::telegram
