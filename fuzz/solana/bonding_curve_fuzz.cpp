// libFuzzer entry point: pump.fun bonding curve decoder and its quote state
#include <cstddef>
#include <cstdint>
#include <span>

#include "solana/pumpfun.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto curve = kt::solana::decode_bonding_curve(bytes);
  if (curve.ok()) {
    (void)kt::solana::curve_quote_state(*curve);
    (void)kt::solana::curve_price(*curve);
  }
  return 0;
}
