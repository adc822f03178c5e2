#include "solana/spl_token.hpp"

#include <algorithm>
#include <array>

namespace kt::solana {
namespace {

constexpr std::array<std::string_view, 28> kExtensionNames = {
    "Uninitialized",
    "TransferFeeConfig",
    "TransferFeeAmount",
    "MintCloseAuthority",
    "ConfidentialTransferMint",
    "ConfidentialTransferAccount",
    "DefaultAccountState",
    "ImmutableOwner",
    "MemoTransfer",
    "NonTransferable",
    "InterestBearingConfig",
    "CpiGuard",
    "PermanentDelegate",
    "NonTransferableAccount",
    "TransferHook",
    "TransferHookAccount",
    "ConfidentialTransferFeeConfig",
    "ConfidentialTransferFeeAmount",
    "MetadataPointer",
    "TokenMetadata",
    "GroupPointer",
    "TokenGroup",
    "GroupMemberPointer",
    "TokenGroupMember",
    "ConfidentialMintBurn",
    "ScaledUiAmount",
    "Pausable",
    "PausableAccount",
};

constexpr std::uint8_t kAccountTypeMint = 1;
constexpr std::uint8_t kAccountTypeAccount = 2;

Result<std::optional<std::uint64_t>> read_coption_u64(ByteReader& r) {
  const std::size_t at = r.offset();
  KT_TRY(const std::uint32_t tag, r.u32());
  KT_TRY(const std::uint64_t v, r.u64());
  if (tag > 1) return r.malformed("COption tag " + std::to_string(tag) + " at offset " + std::to_string(at));
  if (tag == 0) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{v};
}

bool all_zero(std::span<const std::uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// TLV entries from `offset` to the end; a zero type with zero length is trailing padding.
Result<std::vector<ExtensionEntry>> read_tlv(std::span<const std::uint8_t> data, std::size_t offset) {
  ByteReader r(data, "Token-2022 extensions");
  KT_TRY_VOID(r.seek(offset));
  std::vector<ExtensionEntry> out;
  while (r.remaining() >= 4) {
    const std::size_t at = r.offset();
    KT_TRY(const std::uint16_t type, r.u16());
    KT_TRY(const std::uint16_t length, r.u16());
    if (type == 0) {
      if (length == 0 && all_zero(data.subspan(at))) break;
      return r.malformed("Uninitialized extension with length " + std::to_string(length) + " at offset " +
                         std::to_string(at));
    }
    if (length > r.remaining()) {
      return r.malformed("extension " + std::to_string(type) + " at offset " + std::to_string(at) + " claims " +
                         std::to_string(length) + " bytes, " + std::to_string(r.remaining()) + " remain");
    }
    out.push_back(ExtensionEntry{type, length, r.offset()});
    KT_TRY_VOID(r.seek(r.offset() + length));
  }
  if (r.remaining() != 0 && !all_zero(data.subspan(r.offset()))) {
    return r.malformed(std::to_string(r.remaining()) + " stray bytes after the last extension");
  }
  return out;
}

}  // namespace

std::string_view extension_name(std::uint16_t type) {
  return type < kExtensionNames.size() ? kExtensionNames[type] : std::string_view("Unknown");
}

bool MintAccount::has_extension(ExtensionType type) const {
  return std::any_of(extensions.begin(), extensions.end(),
                     [type](const ExtensionEntry& e) { return e.type == static_cast<std::uint16_t>(type); });
}

Result<std::optional<Pubkey>> read_coption_pubkey(ByteReader& r) {
  const std::size_t at = r.offset();
  KT_TRY(const std::uint32_t tag, r.u32());
  KT_TRY(Pubkey key, r.pubkey());
  if (tag > 1) return r.malformed("COption tag " + std::to_string(tag) + " at offset " + std::to_string(at));
  if (tag == 0) return std::optional<Pubkey>{};
  return std::optional<Pubkey>{std::move(key)};
}

Result<TokenMetadata> decode_token_metadata(std::span<const std::uint8_t> value) {
  ByteReader r(value, "TokenMetadata extension");
  TokenMetadata out;
  KT_TRY(const auto authority_bytes, r.bytes(32));
  if (!all_zero(authority_bytes)) {
    Pubkey::Bytes b{};
    std::copy(authority_bytes.begin(), authority_bytes.end(), b.begin());
    out.update_authority = Pubkey(b);
  }
  KT_TRY(out.mint, r.pubkey());
  KT_TRY(out.name, r.borsh_string());
  KT_TRY(out.symbol, r.borsh_string());
  KT_TRY(out.uri, r.borsh_string());
  KT_TRY(const std::uint32_t pairs, r.u32());
  // Each pair needs at least 8 bytes; refuse counts the data cannot hold before reserving.
  if (pairs > r.remaining() / 8) return r.malformed(std::to_string(pairs) + " additional metadata pairs cannot fit");
  out.additional_metadata.reserve(pairs);
  for (std::uint32_t i = 0; i < pairs; ++i) {
    KT_TRY(std::string key, r.borsh_string());
    KT_TRY(std::string val, r.borsh_string());
    out.additional_metadata.emplace_back(std::move(key), std::move(val));
  }
  return out;
}

Result<MintAccount> decode_mint(std::span<const std::uint8_t> data) {
  ByteReader r(data, "SPL mint");
  if (data.size() < kMintBaseLen) return r.malformed(std::to_string(data.size()) + " bytes, a mint has at least 82");
  if (data.size() > kMintBaseLen && data.size() <= kAccountTypeOffset) {
    return r.malformed(std::to_string(data.size()) +
                       " bytes: neither an 82-byte mint nor a Token-2022 mint with extensions");
  }
  MintAccount out;
  KT_TRY(out.mint_authority, read_coption_pubkey(r));
  KT_TRY(out.supply, r.u64());
  KT_TRY(out.decimals, r.u8());
  KT_TRY(out.is_initialized, r.boolean());
  KT_TRY(out.freeze_authority, read_coption_pubkey(r));
  if (data.size() == kMintBaseLen) return out;

  out.token_2022_extensions = true;
  if (!all_zero(data.subspan(kMintBaseLen, kAccountTypeOffset - kMintBaseLen))) {
    return r.malformed("Token-2022 padding between byte 82 and 165 is not zero");
  }
  if (data[kAccountTypeOffset] != kAccountTypeMint) {
    return r.malformed("account type " + std::to_string(data[kAccountTypeOffset]) + " at offset 165 is not Mint (1)");
  }
  KT_TRY(out.extensions, read_tlv(data, kAccountTypeOffset + 1));
  for (const auto& e : out.extensions) {
    if (e.type != static_cast<std::uint16_t>(ExtensionType::kTokenMetadata)) continue;
    KT_TRY(auto metadata, decode_token_metadata(data.subspan(e.value_offset, e.length)));
    out.token_metadata = std::move(metadata);
  }
  return out;
}

Result<TokenAccount> decode_token_account(std::span<const std::uint8_t> data) {
  ByteReader r(data, "SPL token account");
  if (data.size() < kTokenAccountLen)
    return r.malformed(std::to_string(data.size()) + " bytes, a token account has 165");
  if (data.size() > kTokenAccountLen && data[kAccountTypeOffset] != kAccountTypeAccount) {
    return r.malformed("account type " + std::to_string(data[kAccountTypeOffset]) +
                       " at offset 165 is not Account (2)");
  }
  TokenAccount out;
  KT_TRY(out.mint, r.pubkey());
  KT_TRY(out.owner, r.pubkey());
  KT_TRY(out.amount, r.u64());
  KT_TRY(out.delegate, read_coption_pubkey(r));
  KT_TRY(const std::uint8_t state, r.u8());
  if (state > 2) return r.malformed("token account state " + std::to_string(state));
  out.state = static_cast<TokenAccountState>(state);
  KT_TRY(out.is_native, read_coption_u64(r));
  KT_TRY(out.delegated_amount, r.u64());
  KT_TRY(out.close_authority, read_coption_pubkey(r));
  return out;
}

}  // namespace kt::solana
