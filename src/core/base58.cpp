#include "core/base58.hpp"

#include <array>

namespace kt::base58 {
namespace {

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr std::array<std::int8_t, 256> make_index() {
  std::array<std::int8_t, 256> index{};
  for (auto& v : index) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    index[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return index;
}
constexpr auto kIndex = make_index();

std::string describe(char c) {
  if (c == ' ') return "a space";
  if (c == '\t' || c == '\n' || c == '\r') return "whitespace";
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
    return "a non-ASCII or control byte";
  return std::string("'") + c + "'";
}

}  // namespace

std::string encode(std::span<const std::uint8_t> bytes) {
  std::size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  // log(256)/log(58) < 1.38; digits are little-endian base 58.
  std::vector<std::uint8_t> digits;
  digits.reserve(bytes.size() * 138 / 100 + 1);
  for (std::size_t i = zeros; i < bytes.size(); ++i) {
    std::uint32_t carry = bytes[i];
    for (auto& d : digits) {
      carry += static_cast<std::uint32_t>(d) << 8;
      d = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<std::uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  out.reserve(zeros + digits.size());
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

Result<std::vector<std::uint8_t>> decode(std::string_view text) {
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  std::vector<std::uint8_t> bytes;  // little-endian base 256
  bytes.reserve(text.size() * 733 / 1000 + 1);
  for (std::size_t i = ones; i < text.size(); ++i) {
    const int value = kIndex[static_cast<unsigned char>(text[i])];
    if (value < 0) {
      return rejected("E-BASE58", "not base58: " + describe(text[i]) + " at position " + std::to_string(i + 1) +
                                      " (base58 has no 0, O, I or l)");
    }
    std::uint32_t carry = static_cast<std::uint32_t>(value);
    for (auto& b : bytes) {
      carry += static_cast<std::uint32_t>(b) * 58;
      b = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  std::vector<std::uint8_t> out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

}  // namespace kt::base58
