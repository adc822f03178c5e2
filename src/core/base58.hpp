#pragma once
// Bitcoin-alphabet base58, as Solana uses for addresses and signatures.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace kt::base58 {

/// Encodes bytes; each leading zero byte becomes a leading '1'.
std::string encode(std::span<const std::uint8_t> bytes);

/// Decodes a base58 string. Rejects characters outside the alphabet (0, O, I, l, whitespace, ...)
/// with an error that names the offending character and its position.
Result<std::vector<std::uint8_t>> decode(std::string_view text);

}  // namespace kt::base58
