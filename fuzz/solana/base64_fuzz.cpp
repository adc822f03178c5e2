// libFuzzer entry point: strict base64: whatever decodes must re-encode to the same text
#include <cstddef>
#include <cstdint>
#include <span>

#include <string_view>

#include "solana/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto decoded = kt::solana::base64_decode(text);
  if (decoded.ok() && kt::solana::base64_encode(*decoded) != text) __builtin_trap();
  return 0;
}
