#pragma once
// Typed params and results of the Solana RPC methods the bot calls; pure JSON in, values out.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "solana/byte_reader.hpp"
#include "solana/rpc_json.hpp"

namespace kt::solana {

inline constexpr std::size_t kMaxAccountsPerCall = 100;  ///< getMultipleAccounts limit

/// An account as getAccountInfo returns it, data decoded from base64 (or base58).
struct AccountInfo {
  std::uint64_t lamports = 0;
  Pubkey owner;
  std::vector<std::uint8_t> data;
  bool executable = false;
  std::uint64_t rent_epoch = 0;  ///< u64::MAX for rent-exempt accounts: does not fit a double
  std::optional<std::uint64_t> space;
};

/// A value with the slot it was read at.
template <class T>
struct WithContext {
  std::uint64_t slot = 0;
  T value;
};

/// getHealth's answer: "ok", or -32005 with an optional slot lag.
struct HealthStatus {
  bool healthy = false;
  std::optional<std::uint64_t> num_slots_behind;
  std::string message;
};

/// A token amount as getTokenAccountBalance / getTokenSupply return it.
struct UiTokenAmount {
  std::uint64_t amount = 0;
  std::uint8_t decimals = 0;
  std::string ui_amount_string;
};

struct LatestBlockhash {
  std::string blockhash;
  std::uint64_t last_valid_block_height = 0;
};

/// getTokenAccountsByOwner / getProgramAccounts entries.
struct KeyedAccount {
  Pubkey pubkey;
  AccountInfo account;
};

/// Params of getAccountInfo: [key, {"encoding":"base64","commitment":commitment}].
Json account_info_params(const Pubkey& key, std::string_view commitment = "confirmed");
/// Params of getMultipleAccounts for at most 100 keys (more is a programming error: split first).
Json multiple_accounts_params(std::span<const Pubkey> keys, std::string_view commitment = "confirmed");
/// Splits keys into chunks of at most `per_call`, order kept.
std::vector<std::span<const Pubkey>> chunk_keys(std::span<const Pubkey> keys,
                                                std::size_t per_call = kMaxAccountsPerCall);

/// One account object; null → nullopt. jsonParsed data is refused ("E-RPC-ENCODING").
Result<std::optional<AccountInfo>> parse_account(const Json& value);
/// getAccountInfo's result ({context, value}).
Result<WithContext<std::optional<AccountInfo>>> parse_get_account_info(const Json& result);
/// getMultipleAccounts' result: one entry per requested key, nullopt for missing accounts.
Result<WithContext<std::vector<std::optional<AccountInfo>>>> parse_get_multiple_accounts(const Json& result);
/// getHealth's response (result or error); anything else is "E-RPC-PARSE".
Result<HealthStatus> parse_get_health(const RpcResponse& response);
/// getSlot's result.
Result<std::uint64_t> parse_get_slot(const Json& result);
/// getTokenAccountBalance / getTokenSupply result.
Result<WithContext<UiTokenAmount>> parse_token_amount(const Json& result);
/// getLatestBlockhash result.
Result<WithContext<LatestBlockhash>> parse_latest_blockhash(const Json& result);
/// getTokenAccountsByOwner (base64) result.
Result<WithContext<std::vector<KeyedAccount>>> parse_keyed_accounts(const Json& result);

}  // namespace kt::solana
