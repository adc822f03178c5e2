#pragma once
// The simulated fill model: how much a trade gets at a quote, with fees and slippage or price
// impact, rounded against the user at every step. Pure functions; the engine applies the results.
#include <cstdint>

#include "core/result.hpp"
#include "domain/enums.hpp"
#include "domain/money.hpp"
#include "domain/quote.hpp"
#include "domain/records.hpp"

namespace kt {

/// Trading costs from configuration.
struct FeeSchedule {
  std::uint32_t fee_ppm = 2'500;    ///< trading fee, parts per million of notional (0.25 %)
  std::uint32_t slippage_bps = 50;  ///< worsens fills when the quote has no pool reserves
  Lamports network_fee{100'000};    ///< fixed per trade (0.0001 SOL)
};

/// Result of opening: `size` is what the user spends, trading fee included; the network fee is on top.
struct OpenFill {
  std::uint64_t qty_raw = 0;
  Lamports notional;     ///< value bought (long) or sold (short) at the fill price, fees excluded
  Lamports trading_fee;  ///< size − notional
  Lamports network_fee;
  Lamports total_debit;         ///< size + network fee: what leaves the balance
  Price fill_price;             ///< effective: notional / qty
  bool used_reserves = false;   ///< constant-product fill against pool reserves
  std::int64_t impact_bps = 0;  ///< how much worse than the quoted price, in bps (≥ 0)
};

/// Result of closing `qty_raw` of a position.
struct CloseFill {
  std::uint64_t qty_raw = 0;
  Lamports gross;  ///< value received (long) or position value (short) before fees
  Lamports trading_fee;
  Lamports network_fee;        ///< charged from the proceeds; what the proceeds cannot cover comes from the balance
  Lamports proceeds;           ///< credited before the network fee: gross − trading fee, never negative
  Lamports cost_released;      ///< the share of the position's cost this close settles
  Lamports notional_released;  ///< the share of the entry notional
  Price exit_price;            ///< effective exit price (zero when nothing was received)
  bool liquidated = false;     ///< a short whose loss reached its collateral
  bool used_reserves = false;
};

/// Opens `size` lamports worth of `side` at `quote`. Rejected when the size buys less than one base
/// unit, or the arithmetic would overflow.
Result<OpenFill> fill_open(Side side, Lamports size, const Quote& quote, const FeeSchedule& fees);

/// Closes `qty_raw` (≤ position.qty_raw) of `position` at `quote`.
Result<CloseFill> fill_close(const Position& position, std::uint64_t qty_raw, const Quote& quote,
                             const FeeSchedule& fees);

/// What closing all of `position` at `quote` would credit, net of all fees (can be negative when the
/// network fee exceeds the proceeds): the mark-to-market value used for equity and unrealized PnL.
Result<Lamports> liquidation_value(const Position& position, const Quote& quote, const FeeSchedule& fees);

}  // namespace kt
