#pragma once
// SPL Token and Token-2022 account layouts: mints (with Token-2022 extensions) and token accounts.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "solana/byte_reader.hpp"

namespace kt::solana {

inline constexpr std::size_t kMintBaseLen = 82;
inline constexpr std::size_t kTokenAccountLen = 165;
inline constexpr std::size_t kAccountTypeOffset = 165;  ///< Token-2022: where the AccountType byte sits

/// Token-2022 extension type numbers (spl-token-2022 ExtensionType).
enum class ExtensionType : std::uint16_t {
  kUninitialized = 0,
  kTransferFeeConfig = 1,
  kTransferFeeAmount = 2,
  kMintCloseAuthority = 3,
  kConfidentialTransferMint = 4,
  kConfidentialTransferAccount = 5,
  kDefaultAccountState = 6,
  kImmutableOwner = 7,
  kMemoTransfer = 8,
  kNonTransferable = 9,
  kInterestBearingConfig = 10,
  kCpiGuard = 11,
  kPermanentDelegate = 12,
  kNonTransferableAccount = 13,
  kTransferHook = 14,
  kTransferHookAccount = 15,
  kConfidentialTransferFeeConfig = 16,
  kConfidentialTransferFeeAmount = 17,
  kMetadataPointer = 18,
  kTokenMetadata = 19,
  kGroupPointer = 20,
  kTokenGroup = 21,
  kGroupMemberPointer = 22,
  kTokenGroupMember = 23,
  kConfidentialMintBurn = 24,
  kScaledUiAmount = 25,
  kPausable = 26,
  kPausableAccount = 27,
};

/// "TransferFeeConfig" for 1, ..., "Unknown" for numbers this build does not know.
std::string_view extension_name(std::uint16_t type);

/// One TLV entry of a Token-2022 account: its type number and where its value lies.
struct ExtensionEntry {
  std::uint16_t type = 0;
  std::uint16_t length = 0;
  std::size_t value_offset = 0;  ///< into the account data
  std::string_view name() const { return extension_name(type); }
};

/// The Token-2022 TokenMetadata extension (type 19).
struct TokenMetadata {
  std::optional<Pubkey> update_authority;  ///< all-zero key means none
  Pubkey mint;
  std::string name;
  std::string symbol;
  std::string uri;
  std::vector<std::pair<std::string, std::string>> additional_metadata;
};

/// An SPL Token (or Token-2022) mint.
struct MintAccount {
  std::optional<Pubkey> mint_authority;
  std::uint64_t supply = 0;
  std::uint8_t decimals = 0;
  bool is_initialized = false;
  std::optional<Pubkey> freeze_authority;
  bool token_2022_extensions = false;  ///< data longer than 82 bytes: Token-2022 layout with TLV extensions
  std::vector<ExtensionEntry> extensions;
  std::optional<TokenMetadata> token_metadata;

  bool has_extension(ExtensionType type) const;
};

/// Token account state byte.
enum class TokenAccountState : std::uint8_t { kUninitialized = 0, kInitialized = 1, kFrozen = 2 };

/// An SPL token account (165 bytes; Token-2022 accounts may carry extensions after it).
struct TokenAccount {
  Pubkey mint;
  Pubkey owner;
  std::uint64_t amount = 0;
  std::optional<Pubkey> delegate;
  TokenAccountState state = TokenAccountState::kUninitialized;
  std::optional<std::uint64_t> is_native;  ///< Some(rent-exempt reserve) for wrapped SOL
  std::uint64_t delegated_amount = 0;
  std::optional<Pubkey> close_authority;
};

/// Decodes a mint: exactly 82 bytes (SPL Token), or the Token-2022 layout (base, zero padding to 165,
/// AccountType 1 at 165, TLV extensions). Errors: "E-ACCOUNT-DATA".
Result<MintAccount> decode_mint(std::span<const std::uint8_t> data);

/// Decodes the TokenMetadata extension value (the bytes of one TLV entry of type 19).
Result<TokenMetadata> decode_token_metadata(std::span<const std::uint8_t> value);

/// Decodes a token account: 165 bytes, or longer with AccountType 2 (Token-2022).
Result<TokenAccount> decode_token_account(std::span<const std::uint8_t> data);

/// Reads a COption<Pubkey>: u32 tag (0 None, 1 Some) then 32 bytes, present either way.
Result<std::optional<Pubkey>> read_coption_pubkey(ByteReader& r);

}  // namespace kt::solana
