#include "pricing/dexscreener.hpp"

#include <nlohmann/json.hpp>

#include "pricing/exact_ratio.hpp"

namespace kt::pricing {
namespace {

using Json = nlohmann::json;

std::optional<double> number_at(const Json& object, std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string string_at(const Json& object, std::string_view key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json& member(const Json& object, std::string_view key) {
  static const Json null_value;
  if (!object.is_object()) return null_value;
  const auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

/// One pair, or nullopt when it is not a usable Solana pair with a SOL or dollar quote.
std::optional<DexPair> read_pair(const Json& p) {
  if (!p.is_object() || string_at(p, "chainId") != "solana") return std::nullopt;
  auto base = Mint::parse(string_at(member(p, "baseToken"), "address"));
  auto quote = Mint::parse(string_at(member(p, "quoteToken"), "address"));
  if (!base || !quote) return std::nullopt;
  if (*quote != wrapped_sol() && !is_usd_stablecoin(*quote)) return std::nullopt;
  const Json& native = member(p, "priceNative");
  if (!native.is_string() && !native.is_number()) return std::nullopt;
  auto native_text = json_number_text(native);
  if (!native_text || !parse_exact_decimal(*native_text)) return std::nullopt;

  DexPair out;
  out.base_mint = *base;
  out.base_symbol = string_at(member(p, "baseToken"), "symbol");
  out.base_name = string_at(member(p, "baseToken"), "name");
  out.quote_mint = *quote;
  out.quote_symbol = string_at(member(p, "quoteToken"), "symbol");
  out.dex_id = string_at(p, "dexId");
  out.pair_address = string_at(p, "pairAddress");
  out.price_native = *native_text;
  if (const Json& usd = member(p, "priceUsd"); usd.is_string() || usd.is_number()) {
    if (auto text = json_number_text(usd); text && parse_exact_decimal(*text)) out.price_usd = *text;
  }
  out.liquidity_usd = number_at(member(p, "liquidity"), "usd");
  out.fdv_usd = number_at(p, "fdv");
  out.market_cap_usd = number_at(p, "marketCap");
  out.change_h24_pct = number_at(member(p, "priceChange"), "h24");
  out.volume_h24_usd = number_at(member(p, "volume"), "h24");
  if (const Json& created = member(p, "pairCreatedAt"); created.is_number_integer()) {
    out.pair_created_at_ms = created.get<std::int64_t>();
  }
  return out;
}

}  // namespace

Result<std::map<Mint, DexPair>> parse_dexscreener_tokens(std::string_view body) {
  const Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("pairs")) {
    return retryable("E-PRICE-PARSE", "DexScreener sent something that is not a tokens answer");
  }
  const Json& pairs = doc["pairs"];
  if (pairs.is_null()) return not_found("E-UNKNOWN-TOKEN", "DexScreener knows no pair for these tokens");
  if (!pairs.is_array()) return retryable("E-PRICE-PARSE", "DexScreener's pairs is not a list");

  std::map<Mint, DexPair> best;
  for (const Json& p : pairs) {
    auto pair = read_pair(p);
    if (!pair) continue;
    auto [it, inserted] = best.try_emplace(pair->base_mint, *pair);
    if (!inserted && pair->liquidity_usd.value_or(0) > it->second.liquidity_usd.value_or(0)) it->second = *pair;
  }
  return best;
}

}  // namespace kt::pricing
