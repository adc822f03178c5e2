#include "telegram/html_text.hpp"

#include <cstdint>
#include <optional>

namespace kt::telegram {
namespace {

/// Byte length of the UTF-8 sequence starting with `lead` (1 for invalid bytes).
std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Decodes one entity body (between '&' and ';'), or nullopt if unknown.
std::optional<std::string> decode_entity(std::string_view name) {
  if (name == "lt") return "<";
  if (name == "gt") return ">";
  if (name == "amp") return "&";
  if (name == "quot") return "\"";
  if (name == "apos") return "'";
  if (name.size() >= 2 && name[0] == '#') {
    bool hex = name[1] == 'x' || name[1] == 'X';
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return std::nullopt;
    std::uint32_t cp = 0;
    for (char c : digits) {
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (hex && c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return std::nullopt;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    std::string out;
    append_utf8(out, cp);
    return out;
  }
  return std::nullopt;
}

/// An indivisible piece of HTML: a tag, an entity, one character or a newline.
struct Atom {
  std::string_view text;
  std::size_t units = 0;
  enum Kind { kChar, kNewline, kOpenTag, kCloseTag } kind = kChar;
  std::string_view tag_name;
};

std::string_view tag_name_of(std::string_view tag) {
  std::size_t start = tag.size() > 1 && tag[1] == '/' ? 2 : 1;
  std::size_t end = start;
  while (end < tag.size() && tag[end] != '>' && tag[end] != ' ' && tag[end] != '\t' && tag[end] != '\n' &&
         tag[end] != '/') {
    ++end;
  }
  return tag.substr(start, end - start);
}

std::vector<Atom> tokenize(std::string_view html) {
  std::vector<Atom> atoms;
  std::size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    Atom a;
    if (c == '<') {
      auto close = html.find('>', i);
      std::size_t end = close == std::string_view::npos ? html.size() : close + 1;
      a.text = html.substr(i, end - i);
      bool closing = a.text.size() > 1 && a.text[1] == '/';
      a.kind = closing ? Atom::kCloseTag : Atom::kOpenTag;
      a.tag_name = tag_name_of(a.text);
    } else if (c == '&') {
      auto semi = html.find(';', i);
      std::size_t end = (semi != std::string_view::npos && semi - i <= 10) ? semi + 1 : i + 1;
      a.text = html.substr(i, end - i);
    } else if (c == '\n') {
      a.text = html.substr(i, 1);
      a.kind = Atom::kNewline;
    } else {
      a.text = html.substr(i, std::min(utf8_length(static_cast<unsigned char>(c)), html.size() - i));
    }
    a.units = utf16_length(a.text);
    i += a.text.size();
    atoms.push_back(a);
  }
  return atoms;
}

struct OpenTag {
  std::string_view name;
  std::string_view text;
};

void apply(std::vector<OpenTag>& stack, const Atom& a) {
  if (a.kind == Atom::kOpenTag) {
    stack.push_back({a.tag_name, a.text});
  } else if (a.kind == Atom::kCloseTag) {
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      if (it->name == a.tag_name) {
        stack.erase(std::next(it).base());
        break;
      }
    }
  }
}

std::size_t closing_units(const std::vector<OpenTag>& stack) {
  std::size_t n = 0;
  for (const auto& t : stack) n += t.name.size() + 3;  // "</" name ">"
  return n;
}

}  // namespace

std::size_t utf16_length(std::string_view text) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = utf8_length(static_cast<unsigned char>(text[i]));
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return units;
}

std::string html_to_plain(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    char c = html[i];
    if (c == '<') {
      auto close = html.find('>', i);
      if (close == std::string_view::npos) break;
      i = close + 1;
      continue;
    }
    if (c == '&') {
      auto semi = html.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        if (auto decoded = decode_entity(html.substr(i + 1, semi - i - 1))) {
          out += *decoded;
          i = semi + 1;
          continue;
        }
      }
    }
    out += c;
    ++i;
  }
  return out;
}

std::vector<std::string> split_html(std::string_view html, std::size_t limit) {
  if (utf16_length(html) <= limit) return {std::string(html)};
  std::vector<Atom> atoms = tokenize(html);
  std::vector<std::string> pieces;
  std::vector<OpenTag> stack_at_start;
  std::size_t start = 0;
  while (start < atoms.size()) {
    std::size_t units = 0;
    for (const auto& t : stack_at_start) units += utf16_length(t.text);
    if (units + closing_units(stack_at_start) > limit / 2) {
      // Absurdly deep nesting: reopening would not fit; give up on balance (the plain-text
      // fallback covers what Telegram then refuses).
      stack_at_start.clear();
      units = 0;
    }
    std::vector<OpenTag> stack = stack_at_start;
    std::size_t i = start;
    std::optional<std::size_t> last_newline;
    std::vector<OpenTag> stack_at_newline;
    while (i < atoms.size()) {
      std::vector<OpenTag> next = stack;
      apply(next, atoms[i]);
      if (units + atoms[i].units + closing_units(next) > limit) break;
      units += atoms[i].units;
      stack = std::move(next);
      if (atoms[i].kind == Atom::kNewline) {
        last_newline = i;
        stack_at_newline = stack;
      }
      ++i;
    }
    std::size_t end = i;
    std::size_t content_end = i;
    if (i < atoms.size() && last_newline && *last_newline > start) {
      end = *last_newline + 1;  // cut after the line break and drop it
      content_end = *last_newline;
      stack = stack_at_newline;
    } else if (i == start) {
      // Not even one atom fits next to the open tags: emit it alone rather than loop forever.
      end = content_end = start + 1;
      apply(stack, atoms[start]);
    }
    std::string piece;
    for (const auto& t : stack_at_start) piece += t.text;
    for (std::size_t k = start; k < content_end; ++k) piece += atoms[k].text;
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) piece += "</" + std::string(it->name) + ">";
    pieces.push_back(std::move(piece));
    stack_at_start = stack;
    start = end;
  }
  return pieces;
}

}  // namespace kt::telegram
