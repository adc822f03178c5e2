#include "pricing/mint_facts.hpp"

#include "pricing/exact_ratio.hpp"
#include "solana/rpc_pool.hpp"
#include "solana/spl_token.hpp"

namespace kt::pricing {

MintDecimals::MintDecimals(solana::RpcPool* rpc) : rpc_(rpc) {
  decimals_[wrapped_sol()] = 9;
  decimals_[*Mint::parse(kUsdcMint)] = 6;
  decimals_[*Mint::parse(kUsdtMint)] = 6;
}

void MintDecimals::remember(const Mint& mint, std::uint8_t decimals) {
  std::lock_guard lock(mutex_);
  decimals_[mint] = decimals;
}

std::optional<std::uint8_t> MintDecimals::cached(const Mint& mint) const {
  std::lock_guard lock(mutex_);
  const auto it = decimals_.find(mint);
  if (it == decimals_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::optional<std::uint8_t>> MintDecimals::cached(std::span<const Mint> mints) const {
  std::vector<std::optional<std::uint8_t>> out;
  out.reserve(mints.size());
  std::lock_guard lock(mutex_);
  for (const auto& mint : mints) {
    const auto it = decimals_.find(mint);
    out.push_back(it == decimals_.end() ? std::nullopt : std::optional(it->second));
  }
  return out;
}

Result<std::uint8_t> MintDecimals::learn(const Mint& mint, const std::optional<solana::AccountInfo>& account) {
  if (!account) return not_found("E-UNKNOWN-TOKEN", "no mint account exists at " + mint.short_form());
  auto decoded = solana::decode_mint(account->data);
  if (!decoded || !decoded->is_initialized) {
    return not_found("E-UNKNOWN-TOKEN", mint.short_form() + " is not an initialized token mint");
  }
  remember(mint, decoded->decimals);
  return decoded->decimals;
}

std::vector<Result<std::uint8_t>> MintDecimals::get(std::span<const Mint> mints) {
  std::vector<std::optional<Result<std::uint8_t>>> out(mints.size());
  std::vector<Mint> missing;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < mints.size(); ++i) {
    if (auto d = cached(mints[i])) {
      out[i] = *d;
    } else {
      missing.push_back(mints[i]);
      where.push_back(i);
    }
  }
  if (!missing.empty()) {
    if (rpc_ == nullptr) {
      for (auto i : where)
        out[i] = retryable("E-NO-DECIMALS", "token decimals need an RPC endpoint and none is configured");
    } else {
      auto accounts = rpc_->get_multiple_accounts(missing);
      for (std::size_t j = 0; j < missing.size(); ++j) {
        if (!accounts) {
          out[where[j]] = retryable("E-NO-DECIMALS", "token decimals unavailable: " + accounts.error().message);
        } else {
          out[where[j]] = learn(missing[j], accounts->value[j]);
        }
      }
    }
  }
  std::vector<Result<std::uint8_t>> results;
  results.reserve(mints.size());
  for (auto& r : out) results.push_back(std::move(*r));
  return results;
}

}  // namespace kt::pricing
