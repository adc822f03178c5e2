#include "pricing/jupiter.hpp"

#include <nlohmann/json.hpp>

#include "pricing/exact_ratio.hpp"

namespace kt::pricing {
namespace {

using Json = nlohmann::json;

std::optional<double> number_at(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

/// The exact text of a positive price at object[key], or nullopt.
std::optional<std::string> price_at(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  auto text = json_number_text(*it);
  if (!text || !parse_exact_decimal(*text)) return std::nullopt;
  return *text;
}

Result<Json> parse_object(std::string_view body) {
  Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return retryable("E-PRICE-PARSE", "Jupiter sent something that is not a price answer");
  }
  return doc;
}

}  // namespace

Result<std::map<Mint, JupiterPrice>> parse_jupiter_v3(std::string_view body) {
  KT_TRY(const Json doc, parse_object(body));
  std::map<Mint, JupiterPrice> out;
  for (const auto& [key, entry] : doc.items()) {
    auto mint = Mint::parse(key);
    if (!mint || !entry.is_object()) continue;
    auto usd = price_at(entry, "usdPrice");
    if (!usd) continue;
    JupiterPrice p{*mint,       *usd, std::nullopt, number_at(entry, "priceChange24h"), number_at(entry, "liquidity"),
                   std::nullopt};
    if (const auto it = entry.find("decimals");
        it != entry.end() && it->is_number_unsigned() && it->get<std::uint64_t>() <= 255) {
      p.decimals = static_cast<std::uint8_t>(it->get<std::uint64_t>());
    }
    if (const auto it = entry.find("blockId"); it != entry.end() && it->is_number_integer()) {
      p.block_id = it->get<std::int64_t>();
    }
    out.emplace(*mint, std::move(p));
  }
  return out;
}

Result<std::map<Mint, JupiterPrice>> parse_jupiter_v2(std::string_view body) {
  KT_TRY(const Json doc, parse_object(body));
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) return retryable("E-PRICE-PARSE", "Jupiter v2 answer without data");
  std::map<Mint, JupiterPrice> out;
  for (const auto& [key, entry] : data->items()) {
    auto mint = Mint::parse(key);
    if (!mint || !entry.is_object()) continue;
    auto usd = price_at(entry, "price");
    if (!usd) continue;
    out.emplace(*mint, JupiterPrice{*mint, *usd, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  }
  return out;
}

}  // namespace kt::pricing
