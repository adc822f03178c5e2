#include "pricing/dexscreener_source.hpp"

#include <algorithm>

#include "pricing/exact_ratio.hpp"
#include "pricing/http_fetch.hpp"

namespace kt::pricing {
namespace {

std::optional<double> to_double(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  try {
    return std::stod(*text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

DexScreenerSource::DexScreenerSource(http::Client& client, DexScreenerOptions options,
                                     std::shared_ptr<SolUsdCache> sol_usd, std::shared_ptr<MintDecimals> decimals)
    : client_(client), options_(std::move(options)), sol_usd_(std::move(sol_usd)), decimals_(std::move(decimals)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
}

Result<std::map<Mint, DexPair>> DexScreenerSource::fetch(std::span<const Mint> mints, TimePoint now) {
  std::string url = options_.base_url + "/latest/dex/tokens/";
  bool has_sol = false;
  for (std::size_t i = 0; i < mints.size(); ++i) {
    url += (i ? "," : "") + mints[i].to_string();
    has_sol |= mints[i] == wrapped_sol();
  }
  if (!has_sol) url += (mints.empty() ? "" : ",") + wrapped_sol().to_string();
  KT_TRY(std::string body, fetch_body(client_, url, {}, options_.timeout, "DexScreener"));
  KT_TRY(auto pairs, parse_dexscreener_tokens(body));
  const auto sol = pairs.find(wrapped_sol());
  if (sol != pairs.end() && is_usd_stablecoin(sol->second.quote_mint)) {
    sol_usd_->put(
        SolUsd{sol->second.price_native, to_double(sol->second.price_native).value_or(0), "dexscreener", now});
  }
  return pairs;
}

Result<Quote> DexScreenerSource::to_quote(const Mint& mint, const DexPair& pair, std::uint8_t decimals,
                                          TimePoint now) const {
  Quote q;
  q.mint = mint;
  q.decimals = decimals;
  q.source = name();
  q.observed_at = now;
  q.usd_per_token = to_double(pair.price_usd);
  const auto sol_usd = sol_usd_->get(now);
  if (mint == wrapped_sol()) {
    KT_TRY(q.price, Price::from_ratio(1, 1));
    if (sol_usd) q.usd_per_token = sol_usd->usd;
    return q;
  }
  KT_TRY(const ExactDecimal native, parse_exact_decimal(pair.price_native));
  if (pair.quote_mint == wrapped_sol()) {
    KT_TRY(q.price, price_from_ratio_of_decimals(native, ExactDecimal{1, 0}, decimals));
  } else {
    if (!sol_usd) return retryable("E-NO-SOL-USD", "no SOL/USD price to convert a dollar-quoted pair");
    KT_TRY(const ExactDecimal usd_per_sol, parse_exact_decimal(sol_usd->usd_text));
    KT_TRY(q.price, price_from_ratio_of_decimals(native, usd_per_sol, decimals));
  }
  if (!q.usd_per_token && sol_usd) q.usd_per_token = q.price.sol_per_token(decimals) * sol_usd->usd;
  return q;
}

Result<Quote> DexScreenerSource::quote(const Mint& mint, TimePoint now) {
  return std::move(quote_many(std::span<const Mint>(&mint, 1), now).front());
}

std::vector<Result<Quote>> DexScreenerSource::quote_many(std::span<const Mint> mints, TimePoint now) {
  std::vector<Result<Quote>> out;
  out.reserve(mints.size());
  // One slot of each call is kept for wrapped SOL, the SOL/USD reference.
  constexpr std::size_t kPerCall = kDexScreenerMaxMints - 1;
  for (std::size_t start = 0; start < mints.size(); start += kPerCall) {
    const auto chunk = mints.subspan(start, std::min(kPerCall, mints.size() - start));
    auto pairs = fetch(chunk, now);
    if (!pairs) {
      for (std::size_t i = 0; i < chunk.size(); ++i) out.push_back(pairs.error());
      continue;
    }
    std::vector<Mint> priced;
    for (const auto& m : chunk) {
      if (pairs->count(m)) priced.push_back(m);
    }
    auto decimals = decimals_->get(priced);
    std::map<Mint, Result<std::uint8_t>> decimals_by_mint;
    for (std::size_t i = 0; i < priced.size(); ++i) decimals_by_mint.emplace(priced[i], std::move(decimals[i]));
    for (const auto& m : chunk) {
      const auto pair = pairs->find(m);
      if (pair == pairs->end()) {
        out.push_back(not_found("E-UNKNOWN-TOKEN", "DexScreener has no SOL or dollar pair for " + m.short_form()));
        continue;
      }
      const auto& d = decimals_by_mint.at(m);
      if (!d) {
        out.push_back(d.error());
        continue;
      }
      out.push_back(to_quote(m, pair->second, *d, now));
    }
  }
  return out;
}

Result<TokenInfo> DexScreenerSource::token_info(const Mint& mint, TimePoint now) {
  KT_TRY(auto pairs, fetch(std::span<const Mint>(&mint, 1), now));
  const auto it = pairs.find(mint);
  if (it == pairs.end()) return not_found("E-UNKNOWN-TOKEN", "DexScreener has no pair for " + mint.short_form());
  auto d = decimals_->get(std::span<const Mint>(&mint, 1));
  KT_TRY(const std::uint8_t decimals, std::move(d.front()));
  const DexPair& p = it->second;
  TokenInfo info;
  info.mint = mint;
  info.symbol = p.base_symbol;
  info.name = p.base_name;
  info.decimals = decimals;
  info.market_cap_usd = p.market_cap_usd ? p.market_cap_usd : p.fdv_usd;
  info.liquidity_usd = p.liquidity_usd;
  info.change_24h_pct = p.change_h24_pct;
  return info;
}

}  // namespace kt::pricing
