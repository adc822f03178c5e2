#pragma once
// Metaplex Token Metadata account (MetadataV1): a token's name, symbol and URI.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "solana/byte_reader.hpp"

namespace kt::solana {

/// A creator entry of a Metaplex metadata account.
struct MetaplexCreator {
  Pubkey address;
  bool verified = false;
  std::uint8_t share = 0;
};

/// The fields of a MetadataV1 account this bot uses (strings with their NUL padding trimmed).
struct MetaplexMetadata {
  std::uint8_t key = 0;  ///< 4 = MetadataV1
  Pubkey update_authority;
  Pubkey mint;
  std::string name;
  std::string symbol;
  std::string uri;
  std::uint16_t seller_fee_basis_points = 0;
  std::optional<std::vector<MetaplexCreator>> creators;
  bool primary_sale_happened = false;
  bool is_mutable = false;
};

inline constexpr std::uint8_t kMetaplexKeyMetadataV1 = 4;

/// Decodes a Metaplex metadata account; fields after is_mutable are ignored. Errors: "E-ACCOUNT-DATA".
Result<MetaplexMetadata> decode_metaplex_metadata(std::span<const std::uint8_t> data);

}  // namespace kt::solana
