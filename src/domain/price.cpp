#include "domain/price.hpp"

#include <cmath>
#include <cstdio>

#include "core/decimal.hpp"

namespace kt {
namespace {

constexpr u128 kLimit = static_cast<u128>(1) << 100;

u128 pow10(int n) {
  u128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

}  // namespace

Price Price::reduced(u128 num, u128 den) {
  const u128 g = gcd_u128(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  // Keep both terms below 2^100 so products with 64-bit quantities stay inside 256-bit math;
  // only absurd inputs reach this, and the relative error it adds is below 2^-60.
  if (num >= kLimit || den >= kLimit) {
    while (num >= kLimit || den >= kLimit) {
      num >>= 1;
      den >>= 1;
    }
    if (den == 0) den = 1;
    // Reduce again so equal values always have equal terms (stored prices compare equal).
    const u128 g2 = gcd_u128(num, den);
    if (g2 > 1) {
      num /= g2;
      den /= g2;
    }
  }
  return Price(num, den);
}

Result<Price> Price::from_ratio(u128 lamports, u128 raw_units) {
  if (lamports == 0 || raw_units == 0) return rejected("E-PRICE", "a price needs positive SOL and token amounts");
  return reduced(lamports, raw_units);
}

Result<Price> Price::from_terms(u128 num, u128 den) {
  if (den == 0 || num >= kLimit || den >= kLimit) return rejected("E-PRICE", "not the terms of a stored price");
  return Price(num, den);
}

Result<Price> Price::from_sol_per_token(std::string_view text, std::uint8_t decimals) {
  // Split an optional exponent: mantissa[e|E][+|-]digits.
  int exponent = 0;
  const auto e = text.find_first_of("eE");
  std::string_view mantissa = text;
  if (e != std::string_view::npos) {
    std::string_view exp_text = text.substr(e + 1);
    bool negative = false;
    if (!exp_text.empty() && (exp_text.front() == '-' || exp_text.front() == '+')) {
      negative = exp_text.front() == '-';
      exp_text.remove_prefix(1);
    }
    if (exp_text.empty() || exp_text.size() > 3)
      return rejected("E-PRICE", "bad exponent in price '" + std::string(text) + "'");
    for (char ch : exp_text) {
      if (ch < '0' || ch > '9') return rejected("E-PRICE", "bad exponent in price '" + std::string(text) + "'");
      exponent = exponent * 10 + (ch - '0');
    }
    if (negative) exponent = -exponent;
    mantissa = text.substr(0, e);
  }
  KT_TRY(DecimalText d, parse_decimal(mantissa));
  if (d.mantissa == 0) return rejected("E-PRICE", "the price is zero");
  // SOL per token = m · 10^(exponent − scale); lamports per raw unit = that · 10^9 / 10^decimals.
  int power = exponent - d.scale + 9 - decimals;
  if (power < -60 || power > 60) return rejected("E-PRICE", "price '" + std::string(text) + "' is out of range");
  u128 num = d.mantissa, den = 1;
  // Reduce trailing zeros first so big powers stay in range.
  while (power < 0 && num % 10 == 0) {
    num /= 10;
    ++power;
  }
  if (power >= 0) {
    auto scaled = checked_mul(num, pow10(std::min(power, 38)));
    if (!scaled || power > 38) return rejected("E-PRICE", "price '" + std::string(text) + "' is out of range");
    num = *scaled;
  } else {
    if (-power > 38) return rejected("E-PRICE", "price '" + std::string(text) + "' is out of range");
    den = pow10(-power);
  }
  return reduced(num, den);
}

Result<Price> Price::parse_user(std::string_view text, std::uint8_t decimals) {
  if (text.find_first_of("eE") != std::string_view::npos) {
    return rejected("E-NUMBER", "write the price as a plain decimal such as 0.0000123");
  }
  auto price = from_sol_per_token(text, decimals);
  if (!price)
    return rejected("E-NUMBER", "'" + std::string(text.substr(0, 40)) + "' is not a price: " + price.error().message);
  return price;
}

std::optional<u128> Price::value_floor(u128 raw) const { return mul_div_floor(raw, num_, den_); }
std::optional<u128> Price::value_ceil(u128 raw) const { return mul_div_ceil(raw, num_, den_); }
std::optional<u128> Price::units_floor(u128 lamports) const {
  if (num_ == 0) return std::nullopt;
  return mul_div_floor(lamports, den_, num_);
}

Price Price::adjusted_bps(std::int64_t delta_bps) const {
  const std::int64_t factor = 10'000 + delta_bps;
  if (factor <= 0 || num_ == 0) return Price();
  return reduced(num_ * static_cast<u128>(factor), den_ * 10'000);
}

double Price::sol_per_token(std::uint8_t decimals) const {
  if (den_ == 0) return 0;
  return static_cast<double>(num_) / static_cast<double>(den_) * std::pow(10.0, decimals - 9);
}

std::string Price::format_sol_per_token(std::uint8_t decimals) const {
  return format_significant(sol_per_token(decimals));
}

std::strong_ordering operator<=>(const Price& a, const Price& b) {
  return compare_products(a.num_, b.den_, b.num_, a.den_);
}

std::string format_significant(double value, int significant) {
  if (!(value > 0) || !std::isfinite(value)) return value == 0 ? "0" : "n/a";
  const int magnitude = static_cast<int>(std::floor(std::log10(value)));
  const int decimals = std::max(0, significant - 1 - magnitude);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 40), value);
  std::string out = buf;
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

}  // namespace kt
