// libFuzzer entry point: Raydium AMM v4 decoder and reserves
#include <cstddef>
#include <cstdint>
#include <span>

#include "solana/raydium.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto pool = kt::solana::decode_raydium_amm_v4(bytes);
  if (pool.ok()) {
    (void)kt::solana::raydium_reserves(*pool, pool->need_take_pnl_coin, pool->need_take_pnl_pc);
    (void)kt::solana::raydium_swap_fee_bps(*pool);
  }
  return 0;
}
