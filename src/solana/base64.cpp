#include "solana/base64.hpp"

#include <array>

namespace kt::solana {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr auto kTable = make_table();

Error bad(std::string what) { return rejected("E-BASE64", "invalid base64: " + std::move(what)); }

}  // namespace

Result<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return bad("length " + std::to_string(text.size()) + " is not a multiple of 4");
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = (text.size() >= 2 && text[text.size() - 2] == '=') ? 2 : 1;
  const std::size_t symbols = text.size() - padding;  // 4k, 4k + 2 or 4k + 3
  // The first symbol in [from, to) outside the alphabet, as the error for it.
  const auto first_bad = [&](std::size_t from, std::size_t to) -> Error {
    for (std::size_t i = from; i < to; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (kTable[c] < 0) {
        return bad(c == '=' ? "'=' at position " + std::to_string(i) + " before the end"
                            : "character code " + std::to_string(c) + " at position " + std::to_string(i));
      }
    }
    return bad("unexpected symbol");  // not reached: callers saw one
  };
  const auto value = [&](std::size_t i) { return kTable[static_cast<unsigned char>(text[i])]; };
  // Whole groups of 4 symbols (24 bits) make 3 bytes, written in place: one allocation per call.
  std::vector<std::uint8_t> out(symbols * 6 / 8);
  std::size_t i = 0, o = 0;
  for (; i + 4 <= symbols; i += 4, o += 3) {
    const std::int8_t a = value(i), b = value(i + 1), c = value(i + 2), d = value(i + 3);
    if ((a | b | c | d) < 0) return first_bad(i, i + 4);
    const auto n = static_cast<std::uint32_t>(a) << 18 | static_cast<std::uint32_t>(b) << 12 |
                   static_cast<std::uint32_t>(c) << 6 | static_cast<std::uint32_t>(d);
    out[o] = static_cast<std::uint8_t>(n >> 16);
    out[o + 1] = static_cast<std::uint8_t>(n >> 8);
    out[o + 2] = static_cast<std::uint8_t>(n);
  }
  // A padded last group: 2 symbols (12 bits) give 1 byte, 3 (18 bits) give 2; the bits left over
  // must be the zero filler of a canonical encoding.
  std::uint32_t rest = 0;
  for (std::size_t j = i; j < symbols; ++j) {
    if (value(j) < 0) return first_bad(j, symbols);
    rest = rest << 6 | static_cast<std::uint32_t>(value(j));
  }
  if (symbols - i == 2) {
    if ((rest & 0xF) != 0) return bad("non-zero padding bits");
    out[o] = static_cast<std::uint8_t>(rest >> 4);
  } else if (symbols - i == 3) {
    if ((rest & 0x3) != 0) return bad("non-zero padding bits");
    out[o] = static_cast<std::uint8_t>(rest >> 10);
    out[o + 1] = static_cast<std::uint8_t>(rest >> 2);
  }
  return out;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t n = std::uint32_t{bytes[i]} << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace kt::solana
