#include "solana/metaplex.hpp"

namespace kt::solana {
namespace {

constexpr std::uint32_t kMaxCreators = 5;  // Metaplex MAX_CREATOR_LIMIT

// Metaplex pads name/symbol/uri with NULs inside their declared length.
std::string trim_nuls(std::string s) {
  const auto end = s.find_last_not_of('\0');
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

}  // namespace

Result<MetaplexMetadata> decode_metaplex_metadata(std::span<const std::uint8_t> data) {
  ByteReader r(data, "Metaplex metadata");
  MetaplexMetadata out;
  KT_TRY(out.key, r.u8());
  if (out.key != kMetaplexKeyMetadataV1)
    return r.malformed("key " + std::to_string(out.key) + " is not MetadataV1 (4)");
  KT_TRY(out.update_authority, r.pubkey());
  KT_TRY(out.mint, r.pubkey());
  KT_TRY(std::string name, r.borsh_string());
  KT_TRY(std::string symbol, r.borsh_string());
  KT_TRY(std::string uri, r.borsh_string());
  out.name = trim_nuls(std::move(name));
  out.symbol = trim_nuls(std::move(symbol));
  out.uri = trim_nuls(std::move(uri));
  KT_TRY(out.seller_fee_basis_points, r.u16());
  KT_TRY(const bool has_creators, r.boolean());
  if (has_creators) {
    KT_TRY(const std::uint32_t count, r.u32());
    if (count > kMaxCreators) return r.malformed(std::to_string(count) + " creators, at most 5 are allowed");
    std::vector<MetaplexCreator> creators;
    for (std::uint32_t i = 0; i < count; ++i) {
      MetaplexCreator c;
      KT_TRY(c.address, r.pubkey());
      KT_TRY(c.verified, r.boolean());
      KT_TRY(c.share, r.u8());
      creators.push_back(std::move(c));
    }
    out.creators = std::move(creators);
  }
  KT_TRY(out.primary_sale_happened, r.boolean());
  KT_TRY(out.is_mutable, r.boolean());
  return out;
}

}  // namespace kt::solana
