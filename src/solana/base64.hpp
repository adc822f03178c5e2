#pragma once
// Standard base64 (RFC 4648 §4), strict: the encoding Solana RPC uses for account data.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace kt::solana {

/// Decodes canonical padded base64. Rejects whitespace, characters outside the alphabet, a length
/// that is not a multiple of 4, misplaced '=' and non-zero bits in the last symbol ("E-BASE64").
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);

/// Encodes bytes as padded base64.
std::string base64_encode(std::span<const std::uint8_t> bytes);

}  // namespace kt::solana
