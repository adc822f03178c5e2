#pragma once
// A price as an exact rational: lamports per raw token base unit = num / den.
// Exact for what sources give: a bonding curve's sol_reserves / token_reserves as is, and a decimal
// string "0.004321" SOL per whole token as 4321·10^9 / (10^6 · 10^decimals).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/checked_math.hpp"
#include "core/result.hpp"
#include "domain/money.hpp"

namespace kt {

class Price {
 public:
  Price() = default;  ///< zero: "no price"; never used to fill

  /// lamports / raw_units; both must be positive. Reduced by their gcd.
  static Result<Price> from_ratio(u128 lamports, u128 raw_units);
  /// Rebuilds a price from the num()/den() of an existing Price (e.g. a stored row) without
  /// reducing, so the terms round-trip exactly; refuses den == 0 or a term >= 2^100.
  static Result<Price> from_terms(u128 num, u128 den);
  /// Parses a decimal SOL-per-whole-token string as price APIs send it ("84.1844", "0.00000002966",
  /// "2.966e-8"); exact for plain decimals, exponents shift the scale exactly.
  static Result<Price> from_sol_per_token(std::string_view decimal, std::uint8_t decimals);
  /// Whole SOL per whole token from a user ("0.0000123"): like from_sol_per_token, user-input rules.
  static Result<Price> parse_user(std::string_view text, std::uint8_t decimals);

  u128 num() const { return num_; }
  u128 den() const { return den_; }
  bool is_zero() const { return num_ == 0; }

  /// floor(raw · num / den): lamports a raw quantity is worth, rounded down.
  std::optional<u128> value_floor(u128 raw) const;
  /// ceil(raw · num / den).
  std::optional<u128> value_ceil(u128 raw) const;
  /// floor(lamports · den / num): raw units those lamports buy, rounded down.
  std::optional<u128> units_floor(u128 lamports) const;

  /// This price times (1 + delta_bps/10^4), e.g. +500 for +5 %, -1000 for −10 %. Exact.
  Price adjusted_bps(std::int64_t delta_bps) const;

  /// SOL per whole token as a double: for display, charts and statistics only.
  double sol_per_token(std::uint8_t decimals) const;
  /// Readable at any magnitude: "84.18", "0.00002966", "0.0000000001"; 4 significant digits.
  std::string format_sol_per_token(std::uint8_t decimals) const;

  friend bool operator==(const Price& a, const Price& b) { return a.num_ == b.num_ && a.den_ == b.den_; }
  friend std::strong_ordering operator<=>(const Price& a, const Price& b);

 private:
  Price(u128 num, u128 den) : num_(num), den_(den) {}
  static Price reduced(u128 num, u128 den);

  u128 num_ = 0;
  u128 den_ = 1;
};

/// Formats a positive double with 4 significant digits and no exponent ("0.00002966").
std::string format_significant(double value, int significant = 4);

}  // namespace kt
