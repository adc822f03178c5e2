// libFuzzer entry point: SPL token account decoder
#include <cstddef>
#include <cstdint>
#include <span>

#include "solana/spl_token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  (void)kt::solana::decode_token_account(bytes);
  return 0;
}
