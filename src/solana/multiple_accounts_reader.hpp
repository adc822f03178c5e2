#pragma once
// The tracker's hot path: a getMultipleAccounts response read straight from the body, without a
// JSON tree. It only handles the plain success shape and hands everything else to the generic
// parser, so errors are still reported by one code path.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "solana/rpc_methods.hpp"

namespace kt::solana {

using AccountList = WithContext<std::vector<std::optional<AccountInfo>>>;

/// The accounts of a getMultipleAccounts success response answering request `id`. nullopt for
/// anything else or anything unusual: invalid JSON, an error member, an id other than `id`,
/// escapes or non-ASCII bytes in strings, a duplicate key, a number that is not a plain u64,
/// nesting deeper than 64, data that does not decode, an owner that is not a pubkey. The caller
/// then takes the generic path (parse_response + parse_get_multiple_accounts), which gives the
/// same value or the precise error. A value returned here is always the generic path's value.
std::optional<AccountList> read_multiple_accounts_response(std::string_view body, std::uint64_t id);

/// build_request(id, "getMultipleAccounts", multiple_accounts_params(keys, commitment)), byte for
/// byte, without building JSON values (at most 100 keys).
std::string build_multiple_accounts_request(std::uint64_t id, std::span<const Pubkey> keys,
                                            std::string_view commitment);

}  // namespace kt::solana
