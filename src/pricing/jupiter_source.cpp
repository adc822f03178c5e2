#include "pricing/jupiter_source.hpp"

#include <algorithm>

#include "pricing/exact_ratio.hpp"
#include "pricing/http_fetch.hpp"

namespace kt::pricing {
namespace {

double to_double(const std::string& text) {
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

JupiterSource::JupiterSource(http::Client& client, JupiterOptions options, std::shared_ptr<SolUsdCache> sol_usd,
                             std::shared_ptr<MintDecimals> decimals)
    : client_(client), options_(std::move(options)), sol_usd_(std::move(sol_usd)), decimals_(std::move(decimals)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
}

Result<std::map<Mint, JupiterPrice>> JupiterSource::fetch(std::span<const Mint> mints, TimePoint now) {
  std::string url = options_.base_url + "/price/v3?ids=";
  bool has_sol = false;
  for (std::size_t i = 0; i < mints.size(); ++i) {
    url += (i ? "," : "") + mints[i].to_string();
    has_sol |= mints[i] == wrapped_sol();
  }
  if (!has_sol) url += (mints.empty() ? "" : ",") + wrapped_sol().to_string();
  std::vector<std::pair<std::string, std::string>> headers;
  if (!options_.api_key.empty()) headers.emplace_back("x-api-key", options_.api_key);
  KT_TRY(std::string body, fetch_body(client_, url, std::move(headers), options_.timeout, "Jupiter"));
  KT_TRY(auto prices, parse_jupiter_v3(body));
  for (const auto& [mint, p] : prices) {
    if (p.decimals) decimals_->remember(mint, *p.decimals);
  }
  if (const auto sol = prices.find(wrapped_sol()); sol != prices.end()) {
    sol_usd_->put(SolUsd{sol->second.usd_price, to_double(sol->second.usd_price), "jupiter", now});
  }
  return prices;
}

Result<Quote> JupiterSource::quote(const Mint& mint, TimePoint now) {
  return std::move(quote_many(std::span<const Mint>(&mint, 1), now).front());
}

std::vector<Result<Quote>> JupiterSource::quote_many(std::span<const Mint> mints, TimePoint now) {
  std::vector<Result<Quote>> out;
  out.reserve(mints.size());
  constexpr std::size_t kPerCall = kJupiterMaxIds - 1;  // one id is always wrapped SOL
  for (std::size_t start = 0; start < mints.size(); start += kPerCall) {
    const auto chunk = mints.subspan(start, std::min(kPerCall, mints.size() - start));
    auto prices = fetch(chunk, now);
    if (!prices) {
      for (std::size_t i = 0; i < chunk.size(); ++i) out.push_back(prices.error());
      continue;
    }
    std::vector<Mint> known;
    for (const auto& m : chunk) {
      if (prices->count(m)) known.push_back(m);
    }
    auto decimals = decimals_->get(known);  // all cached when Jupiter stated them
    std::map<Mint, Result<std::uint8_t>> decimals_by_mint;
    for (std::size_t i = 0; i < known.size(); ++i) decimals_by_mint.emplace(known[i], std::move(decimals[i]));
    const auto sol_usd = sol_usd_->get(now);
    for (const auto& m : chunk) {
      const auto it = prices->find(m);
      if (it == prices->end()) {
        out.push_back(not_found("E-UNKNOWN-TOKEN", "Jupiter has no price for " + m.short_form()));
        continue;
      }
      const auto& d = decimals_by_mint.at(m);
      if (!d) {
        out.push_back(d.error());
        continue;
      }
      Quote q;
      q.mint = m;
      q.decimals = *d;
      q.source = name();
      q.observed_at = now;
      q.usd_per_token = to_double(it->second.usd_price);
      if (m == wrapped_sol()) {
        q.price = *Price::from_ratio(1, 1);
        out.push_back(q);
        continue;
      }
      if (!sol_usd) {
        out.push_back(retryable("E-NO-SOL-USD", "Jupiter gave no SOL/USD price to convert the dollar price"));
        continue;
      }
      auto per_token = parse_exact_decimal(it->second.usd_price);
      auto per_sol = parse_exact_decimal(sol_usd->usd_text);
      if (!per_token || !per_sol) {
        out.push_back(retryable("E-PRICE-PARSE", "Jupiter sent an unreadable price"));
        continue;
      }
      auto price = price_from_ratio_of_decimals(*per_token, *per_sol, *d);
      if (!price) {
        out.push_back(price.error());
        continue;
      }
      q.price = *price;
      out.push_back(q);
    }
  }
  return out;
}

Result<TokenInfo> JupiterSource::token_info(const Mint& mint, TimePoint now) {
  KT_TRY(auto prices, fetch(std::span<const Mint>(&mint, 1), now));
  const auto it = prices.find(mint);
  if (it == prices.end()) return not_found("E-UNKNOWN-TOKEN", "Jupiter has no price for " + mint.short_form());
  auto d = decimals_->get(std::span<const Mint>(&mint, 1));
  KT_TRY(const std::uint8_t decimals, std::move(d.front()));
  TokenInfo info;
  info.mint = mint;
  info.decimals = decimals;
  info.liquidity_usd = it->second.liquidity_usd;
  info.change_24h_pct = it->second.change_24h_pct;
  return info;
}

}  // namespace kt::pricing
