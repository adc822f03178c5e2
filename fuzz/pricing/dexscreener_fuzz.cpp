// libFuzzer: the DexScreener tokens parser on arbitrary bytes; every kept pair must price exactly.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pricing/dexscreener.hpp"
#include "pricing/exact_ratio.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto pairs = kt::pricing::parse_dexscreener_tokens(body);
  if (!pairs) return 0;
  for (const auto& [mint, pair] : *pairs) {
    if (pair.base_mint != mint) std::abort();
    // The parser only keeps pairs whose priceNative is a positive decimal.
    auto native = kt::pricing::parse_exact_decimal(pair.price_native);
    if (!native) std::abort();
    (void)kt::pricing::price_from_ratio_of_decimals(*native, kt::pricing::ExactDecimal{1, 0}, 6);
  }
  return 0;
}
