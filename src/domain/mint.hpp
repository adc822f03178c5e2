#pragma once
// A Solana token mint address: base58 text that decodes to exactly 32 bytes.
#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace kt {

/// A validated 32-byte Solana public key used as a token mint (or any account address).
class Mint {
 public:
  using Bytes = std::array<std::uint8_t, 32>;

  Mint() = default;  ///< all zeros (the System Program id); only for containers
  explicit Mint(const Bytes& bytes);

  /// Strict: no surrounding whitespace, 32–44 base58 characters, exactly 32 bytes.
  static Result<Mint> parse(std::string_view text);

  const Bytes& bytes() const { return bytes_; }
  /// The base58 text, valid while this Mint lives.
  std::string_view text() const { return {text_.data(), size_}; }
  std::string to_string() const { return std::string(text()); }
  /// "DezX…B263": enough to recognise, short enough for a button.
  std::string short_form() const;

  friend bool operator==(const Mint& a, const Mint& b) { return a.bytes_ == b.bytes_; }
  friend auto operator<=>(const Mint& a, const Mint& b) { return a.bytes_ <=> b.bytes_; }

 private:
  void set_text(std::string_view text);

  // The text is kept inline (at most 44 characters) so that copying a Mint never allocates: the
  // tracker copies one into several rows per token every cycle.
  Bytes bytes_{};
  std::array<char, 44> text_{'1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1',
                             '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1'};
  std::uint8_t size_ = 32;
};

}  // namespace kt

template <>
struct std::hash<kt::Mint> {
  std::size_t operator()(const kt::Mint& m) const noexcept {
    std::size_t h = 0;
    for (int i = 0; i < 8; ++i) h = (h << 8) | m.bytes()[static_cast<std::size_t>(i)];
    return h;
  }
};
