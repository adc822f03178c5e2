#include "domain/fill.hpp"

#include <algorithm>

namespace kt {
namespace {

constexpr u128 kPpm = 1'000'000;
constexpr u128 kBps = 10'000;
constexpr std::int64_t kMaxLamports = INT64_MAX / 4;

Error overflow() { return rejected("E-OVERFLOW", "the amounts are too large to compute exactly"); }

Result<Lamports> to_lamports(std::optional<u128> v) {
  if (!v || *v > static_cast<u128>(kMaxLamports)) return overflow();
  return Lamports{static_cast<std::int64_t>(*v)};
}

// How much worse `actual` (lamports per raw unit paid or received) is than `quoted`, in bps.
std::int64_t impact_bps(const Price& quoted, const Price& actual, bool buying) {
  const double q = static_cast<double>(quoted.num()) / static_cast<double>(quoted.den());
  const double a = static_cast<double>(actual.num()) / static_cast<double>(actual.den());
  if (q <= 0) return 0;
  const double rel = buying ? (a - q) / q : (q - a) / q;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(rel * 10'000.0 + 0.5));
}

// Constant product: out = floor(in · R_out / (R_in + in)).
std::optional<u128> swap_out(u128 in, u128 reserve_in, u128 reserve_out) {
  return mul_div_floor(in, reserve_out, reserve_in + in);
}

}  // namespace

Result<OpenFill> fill_open(Side side, Lamports size, const Quote& quote, const FeeSchedule& fees) {
  if (size.value <= 0) return rejected("E-SIZE", "the position size must be positive");
  if (quote.price.is_zero()) return rejected("E-NO-PRICE", "there is no price for this token");
  OpenFill fill;
  fill.network_fee = fees.network_fee;
  fill.total_debit = size + fees.network_fee;
  const u128 spend = static_cast<u128>(size.value);
  const bool pool =
      side == Side::kLong && quote.reserves && quote.reserves->sol_lamports > 0 && quote.reserves->token_raw > 0;
  u128 qty = 0;
  if (pool) {
    // Buying from the pool: the venue fee comes off the SOL going in, then constant product.
    const auto& r = *quote.reserves;
    KT_TRY(fill.trading_fee, to_lamports(mul_div_ceil(spend, r.fee_bps, kBps)));
    fill.notional = size - fill.trading_fee;
    const auto out = swap_out(static_cast<u128>(fill.notional.value), r.sol_lamports, r.token_raw);
    if (!out) return overflow();
    qty = *out;
    fill.used_reserves = true;
  } else {
    // freqtrade convention: size = notional · (1 + fee) → notional = floor(size / (1 + fee)).
    KT_TRY(fill.notional, to_lamports(mul_div_floor(spend, kPpm, kPpm + fees.fee_ppm)));
    fill.trading_fee = size - fill.notional;
    // Slippage makes a buy dearer and a (short) sell cheaper.
    const std::int64_t slip = side == Side::kLong ? fees.slippage_bps : -static_cast<std::int64_t>(fees.slippage_bps);
    const Price effective = quote.price.adjusted_bps(slip);
    const auto units = effective.units_floor(static_cast<u128>(fill.notional.value));
    if (!units) return overflow();
    qty = *units;
  }
  if (qty == 0) {
    return rejected("E-SIZE", "this size buys less than one base unit of the token at the current price");
  }
  if (qty > UINT64_MAX) {
    return rejected("E-OVERFLOW", "Position size " + format_sol(size) +
                                      " SOL buys more than 18446744073709551615 base units of this token, the most a "
                                      "token amount can hold; use a smaller size");
  }
  fill.qty_raw = static_cast<std::uint64_t>(qty);
  KT_TRY(fill.fill_price, Price::from_ratio(static_cast<u128>(fill.notional.value), qty));
  fill.impact_bps = impact_bps(quote.price, fill.fill_price, side == Side::kLong);
  return fill;
}

Result<CloseFill> fill_close(const Position& position, std::uint64_t qty_raw, const Quote& quote,
                             const FeeSchedule& fees) {
  if (qty_raw == 0 || qty_raw > position.qty_raw) return rejected("E-SIZE", "nothing to close");
  if (quote.price.is_zero()) return rejected("E-NO-PRICE", "there is no price for this token");
  CloseFill fill;
  fill.qty_raw = qty_raw;
  fill.network_fee = fees.network_fee;
  const bool full = qty_raw == position.qty_raw;
  // The closed share of cost and notional; a full close releases exactly what is left.
  if (full) {
    fill.cost_released = position.cost;
    fill.notional_released = position.entry_notional;
  } else {
    KT_TRY(fill.cost_released,
           to_lamports(mul_div_floor(static_cast<u128>(position.cost.value), qty_raw, position.qty_raw)));
    KT_TRY(fill.notional_released,
           to_lamports(mul_div_floor(static_cast<u128>(position.entry_notional.value), qty_raw, position.qty_raw)));
  }
  const u128 qty = qty_raw;
  if (position.side == Side::kLong) {
    const bool pool = quote.reserves && quote.reserves->sol_lamports > 0 && quote.reserves->token_raw > 0;
    if (pool) {
      const auto& r = *quote.reserves;
      KT_TRY(fill.gross, to_lamports(swap_out(qty, r.token_raw, r.sol_lamports)));
      KT_TRY(fill.trading_fee, to_lamports(mul_div_ceil(static_cast<u128>(fill.gross.value), r.fee_bps, kBps)));
      fill.used_reserves = true;
    } else {
      const Price effective = quote.price.adjusted_bps(-static_cast<std::int64_t>(fees.slippage_bps));
      KT_TRY(fill.gross, to_lamports(effective.value_floor(qty)));
      KT_TRY(fill.trading_fee, to_lamports(mul_div_ceil(static_cast<u128>(fill.gross.value), fees.fee_ppm, kPpm)));
    }
    fill.proceeds = fill.gross - fill.trading_fee;
    if (fill.gross.value > 0) {
      KT_TRY(fill.exit_price, Price::from_ratio(static_cast<u128>(fill.gross.value), qty));
    }
  } else {
    // Synthetic short: the collateral comes back plus (entry − exit) · qty, minus the fee on the
    // buy-back; the loss is capped at the collateral (liquidation).
    const Price effective = quote.price.adjusted_bps(fees.slippage_bps);
    KT_TRY(const Lamports sold, to_lamports(position.entry_price.value_floor(qty)));
    KT_TRY(const Lamports buyback, to_lamports(effective.value_ceil(qty)));
    KT_TRY(fill.trading_fee, to_lamports(mul_div_ceil(static_cast<u128>(buyback.value), fees.fee_ppm, kPpm)));
    const Lamports value = fill.notional_released + sold - buyback;
    fill.gross = value.value > 0 ? value : Lamports{0};
    const Lamports net = value - fill.trading_fee;
    fill.proceeds = net.value > 0 ? net : Lamports{0};
    if (fill.proceeds.value == 0) {
      fill.liquidated = true;
      fill.trading_fee = std::min(fill.trading_fee, fill.gross);
    }
    KT_TRY(fill.exit_price, Price::from_ratio(static_cast<u128>(buyback.value > 0 ? buyback.value : 1), qty));
  }
  return fill;
}

Result<Lamports> liquidation_value(const Position& position, const Quote& quote, const FeeSchedule& fees) {
  if (position.qty_raw == 0) return Lamports{0};
  KT_TRY(const CloseFill fill, fill_close(position, position.qty_raw, quote, fees));
  return fill.proceeds - fill.network_fee;
}

}  // namespace kt
