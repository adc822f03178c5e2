#include "solana/pumpfun.hpp"

#include <algorithm>

namespace kt::solana {

Result<BondingCurve> decode_bonding_curve(std::span<const std::uint8_t> data) {
  ByteReader r(data, "pump.fun bonding curve");
  if (data.size() < kBondingCurveMinLen)
    return r.malformed(std::to_string(data.size()) + " bytes, a bonding curve has at least 49");
  if (!std::equal(kBondingCurveDiscriminator.begin(), kBondingCurveDiscriminator.end(), data.begin())) {
    return r.malformed("the first 8 bytes are not the BondingCurve discriminator");
  }
  KT_TRY_VOID(r.seek(8));
  BondingCurve out;
  KT_TRY(out.virtual_token_reserves, r.u64());
  KT_TRY(out.virtual_sol_reserves, r.u64());
  KT_TRY(out.real_token_reserves, r.u64());
  KT_TRY(out.real_sol_reserves, r.u64());
  KT_TRY(out.token_total_supply, r.u64());
  KT_TRY(out.complete, r.boolean());
  if (r.remaining() >= 32) {
    KT_TRY(out.creator, r.pubkey());
  }
  return out;
}

Result<PoolReserves> curve_quote_state(const BondingCurve& curve, std::uint32_t fee_bps) {
  if (curve.complete) return not_found("E-NO-PRICE", "the bonding curve is complete: the token has graduated");
  if (curve.virtual_sol_reserves == 0 || curve.virtual_token_reserves == 0) {
    return not_found("E-NO-PRICE", "the bonding curve has a zero virtual reserve");
  }
  return PoolReserves{curve.virtual_sol_reserves, curve.virtual_token_reserves, fee_bps};
}

Result<Price> curve_price(const BondingCurve& curve) {
  KT_TRY(const PoolReserves reserves, curve_quote_state(curve));
  return Price::from_ratio(reserves.sol_lamports, reserves.token_raw);
}

}  // namespace kt::solana
