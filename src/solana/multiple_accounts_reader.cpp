#include "solana/multiple_accounts_reader.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

#include "core/base58.hpp"
#include "solana/base64.hpp"

namespace kt::solana {
namespace {

constexpr int kMaxDepth = 64;

/// A strict reader of the JSON subset the fast path accepts. Every method returns false at the
/// first thing outside that subset; the caller then gives up and the generic parser takes over.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  char peek() {
    skip_whitespace();
    return p_ < end_ ? *p_ : '\0';
  }
  bool consume(char c) {
    if (peek() != c || p_ == end_) return false;
    ++p_;
    return true;
  }
  bool at_end() {
    skip_whitespace();
    return p_ == end_;
  }

  /// A string of printable ASCII without escapes, viewed in place.
  bool string(std::string_view& out) {
    if (!consume('"')) return false;
    const char* start = p_;
    for (; p_ < end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
    }
    return false;
  }

  /// A non-negative integer in JSON's grammar that fits a u64 (no sign, fraction or exponent).
  bool u64(std::uint64_t& out) {
    skip_whitespace();
    if (p_ == end_ || !digit(*p_)) return false;
    if (*p_ == '0' && p_ + 1 < end_ && digit(p_[1])) return false;  // a leading zero is not JSON
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    for (; p_ < end_ && digit(*p_); ++p_) {
      const auto d = static_cast<std::uint64_t>(*p_ - '0');
      if (value > (kMax - d) / 10) return false;
      value = value * 10 + d;
    }
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    out = value;
    return true;
  }

  bool literal(std::string_view word) {
    skip_whitespace();
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  /// Any value of the subset, checked and ignored.
  bool skip_value(int depth) {
    if (depth > kMaxDepth) return false;
    std::string_view ignored;
    std::uint64_t number = 0;
    switch (peek()) {
      case '{': return members(depth, [&](std::string_view) { return skip_value(depth + 1); });
      case '[': return elements(depth, [&] { return skip_value(depth + 1); });
      case '"': return string(ignored);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return u64(number);
    }
  }

  /// An object; `member(key)` reads the value after the colon.
  template <class F>
  bool members(int depth, F&& member) {
    if (depth > kMaxDepth || !consume('{')) return false;
    if (consume('}')) return true;
    do {
      std::string_view key;
      if (!string(key) || !consume(':') || !member(key)) return false;
    } while (consume(','));
    return consume('}');
  }

  /// An array; `element()` reads one element.
  template <class F>
  bool elements(int depth, F&& element) {
    if (depth > kMaxDepth || !consume('[')) return false;
    if (consume(']')) return true;
    do {
      if (!element()) return false;
    } while (consume(','));
    return consume(']');
  }

 private:
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  void skip_whitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  const char* p_;
  const char* end_;
};

/// Marks a member as seen; false for the second time (the generic parser keeps the last one).
bool first_time(bool& seen) { return !std::exchange(seen, true); }

class AccountListReader {
 public:
  explicit AccountListReader(std::string_view body) : in_(body) {}

  std::optional<AccountList> response(std::uint64_t id) {
    bool seen_result = false, seen_id = false;
    const bool ok = in_.members(0, [&](std::string_view key) {
      if (key == "result") return first_time(seen_result) && result();
      if (key == "id") {
        std::uint64_t answered = 0;
        return first_time(seen_id) && in_.u64(answered) && answered == id;
      }
      if (key == "error") return false;  // even "error": null: the generic path decides
      return in_.skip_value(1);
    });
    if (!ok || !seen_result || !in_.at_end()) return std::nullopt;
    return std::move(out_);
  }

 private:
  bool result() {
    bool seen_context = false, seen_value = false, seen_slot = false;
    const bool ok = in_.members(1, [&](std::string_view key) {
      if (key == "context") {
        return first_time(seen_context) && in_.members(2, [&](std::string_view k) {
          if (k == "slot") return first_time(seen_slot) && in_.u64(out_.slot);
          return in_.skip_value(3);
        });
      }
      if (key == "value") {
        out_.value.reserve(kMaxAccountsPerCall);  // what the tracker asks for: no regrowth
        return first_time(seen_value) && in_.elements(2, [&] { return account(); });
      }
      return in_.skip_value(2);
    });
    return ok && seen_context && seen_value && seen_slot;
  }

  bool account() {
    if (in_.peek() == 'n') {
      out_.value.emplace_back();
      return in_.literal("null");
    }
    AccountInfo a;
    bool seen_lamports = false, seen_owner = false, seen_rent = false, seen_executable = false, seen_space = false,
         seen_data = false;
    const bool ok = in_.members(3, [&](std::string_view key) {
      if (key == "lamports") return first_time(seen_lamports) && in_.u64(a.lamports);
      if (key == "owner") return first_time(seen_owner) && owner(a.owner);
      if (key == "rentEpoch") return first_time(seen_rent) && in_.u64(a.rent_epoch);
      if (key == "executable") {
        if (!first_time(seen_executable)) return false;
        // The generic parser ignores a non-boolean here; so does this one.
        if (in_.peek() == 't' || in_.peek() == 'f') {
          a.executable = in_.peek() == 't';
          return in_.literal(a.executable ? "true" : "false");
        }
        return in_.skip_value(4);
      }
      if (key == "space") {
        std::uint64_t space = 0;
        if (!first_time(seen_space) || !in_.u64(space)) return false;
        a.space = space;
        return true;
      }
      if (key == "data") return first_time(seen_data) && data(a.data);
      return in_.skip_value(4);
    });
    if (!ok || !seen_lamports || !seen_owner || !seen_rent || !seen_data) return false;
    out_.value.emplace_back(std::move(a));
    return true;
  }

  bool owner(Pubkey& out) {
    std::string_view text;
    if (!in_.string(text)) return false;
    // Most accounts of a call share their owner program: decode its base58 once.
    if (!last_owner_ || text != last_owner_->text()) {
      auto parsed = Pubkey::parse(text);
      if (!parsed) return false;
      last_owner_ = *parsed;
    }
    out = *last_owner_;
    return true;
  }

  bool data(std::vector<std::uint8_t>& out) {
    std::string_view text, encoding;
    if (!in_.consume('[') || !in_.string(text) || !in_.consume(',') || !in_.string(encoding) || !in_.consume(']'))
      return false;
    if (encoding != "base64" && encoding != "base58") return false;
    auto bytes = encoding == "base64" ? base64_decode(text) : base58::decode(text);
    if (!bytes) return false;
    out = std::move(*bytes);
    return true;
  }

  Cursor in_;
  AccountList out_;
  std::optional<Pubkey> last_owner_;
};

}  // namespace

std::optional<AccountList> read_multiple_accounts_response(std::string_view body, std::uint64_t id) {
  return AccountListReader(body).response(id);
}

std::string build_multiple_accounts_request(std::uint64_t id, std::span<const Pubkey> keys,
                                            std::string_view commitment) {
  if (keys.size() > kMaxAccountsPerCall) throw std::logic_error("getMultipleAccounts takes at most 100 keys");
  std::string body = "{\"id\":" + std::to_string(id) + R"(,"jsonrpc":"2.0","method":"getMultipleAccounts","params":[[)";
  body.reserve(body.size() + keys.size() * 47 + 64);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) body += ',';
    body += '"';
    body += keys[i].text();  // base58: nothing to escape
    body += '"';
  }
  body += R"(],{"commitment":)";
  body += Json(std::string(commitment)).dump();
  body += R"(,"encoding":"base64"}]})";
  return body;
}

}  // namespace kt::solana
