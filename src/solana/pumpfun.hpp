#pragma once
// pump.fun bonding curve accounts: the on-chain source of a pre-graduation token's price.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "core/result.hpp"
#include "domain/price.hpp"
#include "domain/quote.hpp"
#include "solana/byte_reader.hpp"

namespace kt::solana {

inline constexpr std::string_view kPumpFunProgramId = "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";
/// Anchor discriminator of the BondingCurve account: sha256("account:BondingCurve")[0..8).
inline constexpr std::array<std::uint8_t, 8> kBondingCurveDiscriminator = {0x17, 0xb7, 0xf8, 0x37,
                                                                           0x60, 0xd8, 0xac, 0x60};
inline constexpr std::size_t kBondingCurveMinLen = 49;
inline constexpr std::uint32_t kPumpFunFeeBps = 100;  ///< Global.fee_basis_points in the program docs
inline constexpr std::uint8_t kPumpFunTokenDecimals = 6;

/// A pump.fun BondingCurve account.
struct BondingCurve {
  std::uint64_t virtual_token_reserves = 0;
  std::uint64_t virtual_sol_reserves = 0;
  std::uint64_t real_token_reserves = 0;
  std::uint64_t real_sol_reserves = 0;
  std::uint64_t token_total_supply = 0;
  bool complete = false;
  std::optional<Pubkey> creator;  ///< present in accounts of 81 bytes or more (newer layout)
};

/// Decodes any length ≥ 49 with the BondingCurve discriminator. Errors: "E-ACCOUNT-DATA".
Result<BondingCurve> decode_bonding_curve(std::span<const std::uint8_t> data);

/// The curve's virtual reserves as constant-product pool reserves with pump.fun's fee.
/// A completed (graduated) curve or one with a zero reserve has no price here: NotFound "E-NO-PRICE".
Result<PoolReserves> curve_quote_state(const BondingCurve& curve, std::uint32_t fee_bps = kPumpFunFeeBps);

/// The curve's spot price (lamports per raw token unit) = virtual_sol / virtual_token, exact.
/// Same "E-NO-PRICE" rule as curve_quote_state.
Result<Price> curve_price(const BondingCurve& curve);

}  // namespace kt::solana
