#include "pricing/pumpfun_source.hpp"

#include "solana/metaplex.hpp"
#include "solana/pda.hpp"
#include "solana/pumpfun.hpp"
#include "solana/spl_token.hpp"

namespace kt::pricing {
namespace {

const solana::Pubkey& pump_program() {
  static const solana::Pubkey key = *solana::Pubkey::parse(solana::kPumpFunProgramId);
  return key;
}

const solana::Pubkey& token_2022_program() {
  static const solana::Pubkey key = *solana::Pubkey::parse(kToken2022ProgramId);
  return key;
}

Result<Quote> curve_quote(const Mint& mint, const std::optional<solana::AccountInfo>& account, std::uint8_t decimals,
                          TimePoint now) {
  if (!account || account->owner != pump_program()) {
    return not_found("E-UNKNOWN-TOKEN", "no pump.fun bonding curve for " + mint.short_form());
  }
  auto curve = solana::decode_bonding_curve(account->data);
  if (!curve) return not_found("E-NO-PRICE", "the pump.fun curve account of " + mint.short_form() + " is unreadable");
  KT_TRY(const PoolReserves reserves, solana::curve_quote_state(*curve));
  KT_TRY(const Price price, solana::curve_price(*curve));
  Quote q;
  q.mint = mint;
  q.price = price;
  q.decimals = decimals;
  q.source = "pumpfun";
  q.observed_at = now;
  q.reserves = reserves;
  return q;
}

}  // namespace

PumpFunCurveSource::PumpFunCurveSource(solana::RpcPool& rpc, std::shared_ptr<MintDecimals> decimals,
                                       std::shared_ptr<SolUsdCache> sol_usd)
    : rpc_(rpc), decimals_(std::move(decimals)), sol_usd_(std::move(sol_usd)) {}

Result<solana::Pubkey> PumpFunCurveSource::curve_address(const Mint& mint) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = curves_.find(mint); it != curves_.end()) return it->second;
  }
  KT_TRY(const auto pda, solana::pumpfun_bonding_curve_address(mint));
  std::lock_guard lock(mutex_);
  curves_.emplace(mint, pda.address);
  return pda.address;
}

Result<Quote> PumpFunCurveSource::quote(const Mint& mint, TimePoint now) {
  return std::move(quote_many(std::span<const Mint>(&mint, 1), now).front());
}

std::vector<Result<Quote>> PumpFunCurveSource::quote_many(std::span<const Mint> mints, TimePoint now) {
  std::vector<std::optional<Result<Quote>>> out(mints.size());
  // keys: every curve, then the mint accounts of mints whose decimals are not known yet.
  std::vector<solana::Pubkey> keys;
  std::vector<std::size_t> curve_key(mints.size(), SIZE_MAX);
  std::vector<std::size_t> mint_key(mints.size(), SIZE_MAX);
  keys.reserve(mints.size());
  std::vector<std::optional<solana::Pubkey>> known;
  {
    std::lock_guard lock(mutex_);  // once for the batch, not once per mint
    known.reserve(mints.size());
    for (const auto& m : mints) {
      const auto it = curves_.find(m);
      known.push_back(it == curves_.end() ? std::nullopt : std::optional(it->second));
    }
  }
  for (std::size_t i = 0; i < mints.size(); ++i) {
    auto pda = known[i] ? Result<solana::Pubkey>(std::move(*known[i])) : curve_address(mints[i]);
    if (!pda) {
      out[i] = not_found("E-UNKNOWN-TOKEN", "no pump.fun curve address for " + mints[i].short_form());
      continue;
    }
    curve_key[i] = keys.size();
    keys.push_back(std::move(*pda));
  }
  const std::vector<std::optional<std::uint8_t>> decimals = decimals_->cached(mints);
  for (std::size_t i = 0; i < mints.size(); ++i) {
    if (curve_key[i] != SIZE_MAX && !decimals[i]) {
      mint_key[i] = keys.size();
      keys.push_back(mints[i]);
    }
  }
  if (!keys.empty()) {
    auto accounts = rpc_.get_multiple_accounts(keys);
    for (std::size_t i = 0; i < mints.size(); ++i) {
      if (out[i]) continue;
      if (!accounts) {
        out[i] = accounts.error();
        continue;
      }
      const auto& values = accounts->value;
      std::optional<std::uint8_t> mint_decimals = decimals[i];
      if (!mint_decimals && mint_key[i] != SIZE_MAX) {
        auto learned = decimals_->learn(mints[i], values[mint_key[i]]);
        if (!learned) {
          out[i] = learned.error();
          continue;
        }
        mint_decimals = *learned;
      }
      if (!mint_decimals) {
        out[i] = retryable("E-NO-DECIMALS", "decimals of " + mints[i].short_form() + " unknown");
        continue;
      }
      out[i] = curve_quote(mints[i], values[curve_key[i]], *mint_decimals, now);
    }
  }
  const auto sol_usd = sol_usd_ ? sol_usd_->get_or_refresh(now) : std::nullopt;
  std::vector<Result<Quote>> results;
  results.reserve(mints.size());
  for (auto& r : out) {
    if (r->ok() && sol_usd) (*r)->usd_per_token = (*r)->price.sol_per_token((*r)->decimals) * sol_usd->usd;
    results.push_back(std::move(*r));
  }
  return results;
}

Result<TokenInfo> PumpFunCurveSource::token_info(const Mint& mint, TimePoint) {
  KT_TRY(const auto metadata_pda, solana::metaplex_metadata_address(mint));
  const std::vector<solana::Pubkey> keys = {mint, metadata_pda.address};
  KT_TRY(const auto accounts, rpc_.get_multiple_accounts(keys));
  const auto& mint_account = accounts.value[0];
  if (!mint_account) return not_found("E-UNKNOWN-TOKEN", "no mint account exists at " + mint.short_form());
  auto decoded = solana::decode_mint(mint_account->data);
  if (!decoded || !decoded->is_initialized) {
    return not_found("E-UNKNOWN-TOKEN", mint.short_form() + " is not an initialized token mint");
  }
  decimals_->remember(mint, decoded->decimals);
  TokenInfo info;
  info.mint = mint;
  info.decimals = decoded->decimals;
  info.supply_raw = decoded->supply;
  info.mint_authority_set = decoded->mint_authority.has_value();
  info.freeze_authority_set = decoded->freeze_authority.has_value();
  info.token_2022 = mint_account->owner == token_2022_program() || decoded->token_2022_extensions;
  if (const auto& md = accounts.value[1]) {
    if (auto meta = solana::decode_metaplex_metadata(md->data)) {
      info.name = meta->name;
      info.symbol = meta->symbol;
      info.metadata_mutable = meta->is_mutable;
    }
  }
  if (info.name.empty() && decoded->token_metadata) {
    info.name = decoded->token_metadata->name;
    info.symbol = decoded->token_metadata->symbol;
    info.metadata_mutable = decoded->token_metadata->update_authority.has_value();
  }
  return info;
}

}  // namespace kt::pricing
