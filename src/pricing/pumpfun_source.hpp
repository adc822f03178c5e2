#pragma once
// The pump.fun bonding curve, read on-chain through the RpcPool, as a PriceSource.
#include <memory>
#include <mutex>
#include <unordered_map>

#include "market/price_source.hpp"
#include "pricing/mint_facts.hpp"
#include "pricing/sol_usd.hpp"
#include "solana/rpc_pool.hpp"

namespace kt::pricing {

inline constexpr std::string_view kToken2022ProgramId = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

/// Price = virtual SOL reserves / virtual token reserves of the mint's curve (PDA
/// ["bonding-curve", mint]), exact, with the reserves and pump.fun's 1 % fee in the quote. Many
/// mints go through getMultipleAccounts in calls of ≤ 100 keys; a mint whose decimals are not yet
/// known has its mint account read in the same calls. No curve account (or one not owned by the pump
/// program): NotFound "E-UNKNOWN-TOKEN"; a completed curve or zero reserves: NotFound "E-NO-PRICE",
/// so the PriceService asks the next source. Thread-safe.
class PumpFunCurveSource final : public market::PriceSource {
 public:
  /// `sol_usd` (optional) fills usd_per_token for display.
  PumpFunCurveSource(solana::RpcPool& rpc, std::shared_ptr<MintDecimals> decimals,
                     std::shared_ptr<SolUsdCache> sol_usd = nullptr);

  std::string name() const override { return "pumpfun"; }
  Result<Quote> quote(const Mint& mint, TimePoint now) override;
  std::vector<Result<Quote>> quote_many(std::span<const Mint> mints, TimePoint now) override;
  /// On-chain facts of any SPL mint: supply, decimals, authorities, Token-2022, and name/symbol/
  /// mutability from the Metaplex metadata PDA or the Token-2022 TokenMetadata extension.
  Result<TokenInfo> token_info(const Mint& mint, TimePoint now) override;

 private:
  /// The curve PDA of a mint, derived once (derivation costs SHA-256 and a curve check per bump).
  Result<solana::Pubkey> curve_address(const Mint& mint);

  solana::RpcPool& rpc_;
  std::shared_ptr<MintDecimals> decimals_;
  std::shared_ptr<SolUsdCache> sol_usd_;
  std::mutex mutex_;
  std::unordered_map<Mint, solana::Pubkey> curves_;
};

}  // namespace kt::pricing
