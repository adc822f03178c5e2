#include "domain/mint.hpp"

#include <algorithm>

#include "core/base58.hpp"

namespace kt {

Mint::Mint(const Bytes& bytes) : bytes_(bytes) { set_text(base58::encode(bytes)); }

void Mint::set_text(std::string_view text) {
  // Callers pass the base58 form of 32 bytes: 32 to 44 characters.
  size_ = static_cast<std::uint8_t>(std::min(text.size(), text_.size()));
  std::copy_n(text.begin(), size_, text_.begin());
}

Result<Mint> Mint::parse(std::string_view text) {
  const std::string shown(text.substr(0, 60));
  if (text.size() < 32 || text.size() > 44) {
    return rejected("E-ADDRESS", "'" + shown +
                                     "' is not a Solana address: an address is 32 to 44 base58 characters, this has " +
                                     std::to_string(text.size()));
  }
  auto decoded = base58::decode(text);
  if (!decoded) return rejected("E-ADDRESS", "'" + shown + "' is not a Solana address: " + decoded.error().message);
  if (decoded->size() != 32) {
    return rejected("E-ADDRESS", "'" + shown + "' is not a Solana address: it decodes to " +
                                     std::to_string(decoded->size()) + " bytes, an address has 32");
  }
  Bytes bytes{};
  std::copy(decoded->begin(), decoded->end(), bytes.begin());
  Mint mint;
  mint.bytes_ = bytes;
  mint.set_text(text);
  return mint;
}

std::string Mint::short_form() const {
  const std::string_view t = text();
  return std::string(t.substr(0, 4)) + "…" + std::string(t.substr(t.size() - 4));
}

}  // namespace kt
