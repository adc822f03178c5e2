#pragma once
// Raydium AMM v4 pool state (AmmInfo, 752 bytes). The reserves live in the two vault token accounts.
#include <cstdint>
#include <span>
#include <string_view>

#include "core/checked_math.hpp"
#include "core/result.hpp"
#include "solana/byte_reader.hpp"

namespace kt::solana {

inline constexpr std::string_view kRaydiumAmmV4ProgramId = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
inline constexpr std::size_t kRaydiumAmmV4Len = 752;

/// The AmmInfo fields this bot uses (coin = base, pc = quote).
struct RaydiumAmmV4 {
  std::uint64_t status = 0;
  std::uint64_t nonce = 0;
  std::uint64_t coin_decimals = 0;
  std::uint64_t pc_decimals = 0;
  std::uint64_t trade_fee_numerator = 0;
  std::uint64_t trade_fee_denominator = 0;
  std::uint64_t swap_fee_numerator = 0;
  std::uint64_t swap_fee_denominator = 0;
  std::uint64_t need_take_pnl_coin = 0;
  std::uint64_t need_take_pnl_pc = 0;
  std::uint64_t pool_open_time = 0;
  u128 swap_coin_in_amount = 0;
  u128 swap_pc_out_amount = 0;
  u128 swap_pc_in_amount = 0;
  u128 swap_coin_out_amount = 0;
  Pubkey coin_vault;
  Pubkey pc_vault;
  Pubkey coin_mint;
  Pubkey pc_mint;
  Pubkey lp_mint;
  Pubkey open_orders;
  Pubkey market_id;
  Pubkey market_program_id;
  Pubkey target_orders;
  Pubkey owner;
  std::uint64_t lp_reserve = 0;
};

/// Net pool reserves in raw units of each mint.
struct RaydiumReserves {
  std::uint64_t coin = 0;
  std::uint64_t pc = 0;
};

/// Decodes exactly 752 bytes by the documented offsets. Errors: "E-ACCOUNT-DATA".
Result<RaydiumAmmV4> decode_raydium_amm_v4(std::span<const std::uint8_t> data);

/// Reserves = vault amount − need_take_pnl on each side; "E-RESERVES" (rejected) if a side would be
/// negative, so a stale or inconsistent vault read never yields a price.
Result<RaydiumReserves> raydium_reserves(const RaydiumAmmV4& pool, std::uint64_t coin_vault_amount,
                                         std::uint64_t pc_vault_amount);

/// The swap fee in basis points when it is exact in bps (25/10000 → 25); "E-ACCOUNT-DATA" otherwise.
Result<std::uint32_t> raydium_swap_fee_bps(const RaydiumAmmV4& pool);

}  // namespace kt::solana
