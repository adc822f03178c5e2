#pragma once
// SOL as integer lamports and token quantities as integer base units: floats never move money.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace kt {

inline constexpr std::int64_t kLamportsPerSol = 1'000'000'000;

/// An amount of SOL in lamports (1 SOL = 10^9). Signed so that PnL and ledger deltas fit.
struct Lamports {
  std::int64_t value = 0;

  constexpr auto operator<=>(const Lamports&) const = default;
  constexpr Lamports operator+(Lamports o) const { return {value + o.value}; }
  constexpr Lamports operator-(Lamports o) const { return {value - o.value}; }
  constexpr Lamports operator-() const { return {-value}; }
  constexpr Lamports& operator+=(Lamports o) {
    value += o.value;
    return *this;
  }
  constexpr Lamports& operator-=(Lamports o) {
    value -= o.value;
    return *this;
  }

  static constexpr Lamports from_sol(std::int64_t whole_sol) { return {whole_sol * kLamportsPerSol}; }
};

/// "1.5", "-0.000000001", "1000": exact, up to 9 decimals, trailing zeros trimmed.
std::string format_sol(Lamports amount);
/// Parses a SOL amount typed by a user ("1", "0.25"); exact, at most 9 decimals, non-negative.
Result<Lamports> parse_sol(std::string_view text);

/// A raw token quantity in base units with the mint's decimals (1 token = 10^decimals units).
struct TokenAmount {
  std::uint64_t raw = 0;
  std::uint8_t decimals = 0;

  friend bool operator==(const TokenAmount&, const TokenAmount&) = default;
};

/// "1234.5" for raw 12345 with 1 decimal: exact, trailing zeros trimmed; thousands not grouped.
std::string format_token_amount(TokenAmount amount);
/// Shortens big token counts for display ("1.23M", "45.6K"); exact below 100,000.
std::string format_token_amount_short(TokenAmount amount);

}  // namespace kt
