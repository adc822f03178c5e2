#include "solana/raydium.hpp"

namespace kt::solana {
namespace {

// Offsets of the AmmInfo fields we read (32 u64 fields first, then swap counters, then keys).
constexpr std::size_t kStatus = 0, kNonce = 8, kCoinDecimals = 32, kPcDecimals = 40;
constexpr std::size_t kTradeFeeNum = 144, kTradeFeeDen = 152, kSwapFeeNum = 176, kSwapFeeDen = 184;
constexpr std::size_t kNeedTakePnlCoin = 192, kNeedTakePnlPc = 200, kPoolOpenTime = 224;
constexpr std::size_t kSwapCoinIn = 256, kSwapPcOut = 272, kSwapPcIn = 296, kSwapCoinOut = 312;
constexpr std::size_t kCoinVault = 336, kPcVault = 368, kCoinMint = 400, kPcMint = 432, kLpMint = 464;
constexpr std::size_t kOpenOrders = 496, kMarketId = 528, kMarketProgram = 560, kTargetOrders = 592;
constexpr std::size_t kOwner = 688, kLpReserve = 720;

template <class T>
Result<T> at(ByteReader& r, std::size_t offset, Result<T> (ByteReader::*read)()) {
  KT_TRY_VOID(r.seek(offset));
  return (r.*read)();
}

}  // namespace

Result<RaydiumAmmV4> decode_raydium_amm_v4(std::span<const std::uint8_t> data) {
  ByteReader r(data, "Raydium AMM v4 pool");
  if (data.size() != kRaydiumAmmV4Len) return r.malformed(std::to_string(data.size()) + " bytes, an AmmInfo has 752");
  RaydiumAmmV4 p;
  using R = ByteReader;
  KT_TRY(p.status, at(r, kStatus, &R::u64));
  KT_TRY(p.nonce, at(r, kNonce, &R::u64));
  KT_TRY(p.coin_decimals, at(r, kCoinDecimals, &R::u64));
  KT_TRY(p.pc_decimals, at(r, kPcDecimals, &R::u64));
  KT_TRY(p.trade_fee_numerator, at(r, kTradeFeeNum, &R::u64));
  KT_TRY(p.trade_fee_denominator, at(r, kTradeFeeDen, &R::u64));
  KT_TRY(p.swap_fee_numerator, at(r, kSwapFeeNum, &R::u64));
  KT_TRY(p.swap_fee_denominator, at(r, kSwapFeeDen, &R::u64));
  KT_TRY(p.need_take_pnl_coin, at(r, kNeedTakePnlCoin, &R::u64));
  KT_TRY(p.need_take_pnl_pc, at(r, kNeedTakePnlPc, &R::u64));
  KT_TRY(p.pool_open_time, at(r, kPoolOpenTime, &R::u64));
  KT_TRY(p.swap_coin_in_amount, at(r, kSwapCoinIn, &R::u128));
  KT_TRY(p.swap_pc_out_amount, at(r, kSwapPcOut, &R::u128));
  KT_TRY(p.swap_pc_in_amount, at(r, kSwapPcIn, &R::u128));
  KT_TRY(p.swap_coin_out_amount, at(r, kSwapCoinOut, &R::u128));
  KT_TRY(p.coin_vault, at(r, kCoinVault, &R::pubkey));
  KT_TRY(p.pc_vault, at(r, kPcVault, &R::pubkey));
  KT_TRY(p.coin_mint, at(r, kCoinMint, &R::pubkey));
  KT_TRY(p.pc_mint, at(r, kPcMint, &R::pubkey));
  KT_TRY(p.lp_mint, at(r, kLpMint, &R::pubkey));
  KT_TRY(p.open_orders, at(r, kOpenOrders, &R::pubkey));
  KT_TRY(p.market_id, at(r, kMarketId, &R::pubkey));
  KT_TRY(p.market_program_id, at(r, kMarketProgram, &R::pubkey));
  KT_TRY(p.target_orders, at(r, kTargetOrders, &R::pubkey));
  KT_TRY(p.owner, at(r, kOwner, &R::pubkey));
  KT_TRY(p.lp_reserve, at(r, kLpReserve, &R::u64));
  if (p.coin_decimals > 19 || p.pc_decimals > 19) {
    return r.malformed("decimals " + std::to_string(p.coin_decimals) + "/" + std::to_string(p.pc_decimals) +
                       " out of range");
  }
  return p;
}

Result<RaydiumReserves> raydium_reserves(const RaydiumAmmV4& pool, std::uint64_t coin_vault_amount,
                                         std::uint64_t pc_vault_amount) {
  if (coin_vault_amount < pool.need_take_pnl_coin || pc_vault_amount < pool.need_take_pnl_pc) {
    return rejected("E-RESERVES", "Raydium vault amounts (" + std::to_string(coin_vault_amount) + ", " +
                                      std::to_string(pc_vault_amount) + ") are below the pool's unclaimed PnL (" +
                                      std::to_string(pool.need_take_pnl_coin) + ", " +
                                      std::to_string(pool.need_take_pnl_pc) + ")");
  }
  return RaydiumReserves{coin_vault_amount - pool.need_take_pnl_coin, pc_vault_amount - pool.need_take_pnl_pc};
}

Result<std::uint32_t> raydium_swap_fee_bps(const RaydiumAmmV4& pool) {
  const u128 num = u128{pool.swap_fee_numerator} * 10'000;
  if (pool.swap_fee_denominator == 0 || num % pool.swap_fee_denominator != 0 ||
      num / pool.swap_fee_denominator > 10'000) {
    return rejected("E-ACCOUNT-DATA", "Raydium swap fee " + std::to_string(pool.swap_fee_numerator) + "/" +
                                          std::to_string(pool.swap_fee_denominator) + " is not a whole number of bps");
  }
  return static_cast<std::uint32_t>(num / pool.swap_fee_denominator);
}

}  // namespace kt::solana
