#include "domain/mint.hpp"

#include <algorithm>

#include "core/base58.hpp"

namespace kt {

Mint::Mint(const Bytes& bytes) : bytes_(bytes), text_(base58::encode(bytes)) {}

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
  mint.text_ = std::string(text);
  return mint;
}

std::string Mint::short_form() const { return text_.substr(0, 4) + "…" + text_.substr(text_.size() - 4); }

}  // namespace kt
