#pragma once
// Token decimals per mint, read once from the SPL mint account and cached (decimals never change).
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "domain/mint.hpp"
#include "solana/rpc_methods.hpp"

namespace kt::solana {
class RpcPool;
}

namespace kt::pricing {

/// Decimals of mints: wrapped SOL, USDC and USDT are known; others come from the mint account via
/// getMultipleAccounts (≤ 100 keys a call) or from a source that states them (Jupiter). Thread-safe.
class MintDecimals {
 public:
  /// `rpc` may be null (no RPC configured): then only known or remembered mints have decimals.
  explicit MintDecimals(solana::RpcPool* rpc);

  void remember(const Mint& mint, std::uint8_t decimals);
  std::optional<std::uint8_t> cached(const Mint& mint) const;
  /// cached() of each mint, under one lock.
  std::vector<std::optional<std::uint8_t>> cached(std::span<const Mint> mints) const;
  /// Entry i: decimals of mints[i]. A mint account that does not exist or is not a mint: NotFound
  /// "E-UNKNOWN-TOKEN"; RPC down or no RPC: retryable "E-NO-DECIMALS".
  std::vector<Result<std::uint8_t>> get(std::span<const Mint> mints);
  /// Remembers decimals from mint accounts fetched elsewhere; returns the decoded decimals or an error.
  Result<std::uint8_t> learn(const Mint& mint, const std::optional<solana::AccountInfo>& account);

 private:
  solana::RpcPool* rpc_;
  mutable std::mutex mutex_;
  std::unordered_map<Mint, std::uint8_t> decimals_;
};

}  // namespace kt::pricing
