// libFuzzer entry point: SPL / Token-2022 mint decoder
#include <cstddef>
#include <cstdint>
#include <span>

#include "solana/spl_token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto mint = kt::solana::decode_mint(bytes);
  if (mint.ok() && mint->token_2022_extensions) {
    for (const auto& e : mint->extensions) {
      if (e.value_offset + e.length > size) __builtin_trap();  // entries must lie inside the data
    }
  }
  return 0;
}
