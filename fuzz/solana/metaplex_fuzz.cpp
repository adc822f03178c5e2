// libFuzzer entry point: Metaplex metadata decoder
#include <cstddef>
#include <cstdint>
#include <span>

#include "solana/metaplex.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  (void)kt::solana::decode_metaplex_metadata(bytes);
  return 0;
}
