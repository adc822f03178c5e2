// libFuzzer: the Jupiter v3 and v2 parsers on arbitrary bytes, and the USD → SOL ratio they feed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pricing/exact_ratio.hpp"
#include "pricing/jupiter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (auto parsed : {kt::pricing::parse_jupiter_v3(body), kt::pricing::parse_jupiter_v2(body)}) {
    if (!parsed) continue;
    for (const auto& [mint, price] : *parsed) {
      if (price.mint != mint) std::abort();
      auto usd = kt::pricing::parse_exact_decimal(price.usd_price);
      if (!usd) std::abort();  // only positive decimals are kept
      auto sol = kt::pricing::parse_exact_decimal("147.48");
      auto p = kt::pricing::price_from_ratio_of_decimals(*usd, *sol, price.decimals.value_or(6));
      if (p && p->is_zero()) std::abort();
    }
  }
  return 0;
}
