#include "pricing/exact_ratio.hpp"

#include "core/decimal.hpp"

namespace kt::pricing {
namespace {

std::optional<u128> pow10_checked(int n) {
  u128 v = 1;
  for (int i = 0; i < n; ++i) {
    auto next = checked_mul(v, 10);
    if (!next) return std::nullopt;
    v = *next;
  }
  return v;
}

Error bad(std::string_view text, std::string_view why) {
  return rejected("E-PRICE", "price '" + std::string(text.substr(0, 40)) + "' " + std::string(why));
}

}  // namespace

const Mint& wrapped_sol() {
  static const Mint mint = *Mint::parse(kWrappedSolMint);
  return mint;
}

bool is_usd_stablecoin(const Mint& mint) { return mint.text() == kUsdcMint || mint.text() == kUsdtMint; }

Result<ExactDecimal> parse_exact_decimal(std::string_view text) {
  int exponent = 0;
  std::string_view mantissa = text;
  if (const auto e = text.find_first_of("eE"); e != std::string_view::npos) {
    std::string_view exp_text = text.substr(e + 1);
    bool negative = false;
    if (!exp_text.empty() && (exp_text.front() == '-' || exp_text.front() == '+')) {
      negative = exp_text.front() == '-';
      exp_text.remove_prefix(1);
    }
    if (exp_text.empty() || exp_text.size() > 3) return bad(text, "has a bad exponent");
    for (char ch : exp_text) {
      if (ch < '0' || ch > '9') return bad(text, "has a bad exponent");
      exponent = exponent * 10 + (ch - '0');
    }
    if (negative) exponent = -exponent;
    mantissa = text.substr(0, e);
  }
  auto d = parse_decimal(mantissa);
  if (!d) return bad(text, "is not a decimal number");
  if (d->mantissa == 0) return bad(text, "is zero");
  ExactDecimal out{d->mantissa, exponent - d->scale};
  while (out.mantissa % 10 == 0) {
    out.mantissa /= 10;
    ++out.exponent;
  }
  return out;
}

Result<std::string> json_number_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return rejected("E-PRICE", "the price is neither a number nor a string");
}

Result<Price> price_from_ratio_of_decimals(const ExactDecimal& per_token, const ExactDecimal& per_sol,
                                           std::uint8_t decimals) {
  if (per_token.mantissa == 0 || per_sol.mantissa == 0)
    return rejected("E-PRICE", "a price ratio needs positive terms");
  const int power = per_token.exponent - per_sol.exponent + 9 - static_cast<int>(decimals);
  const auto scale = pow10_checked(power < 0 ? -power : power);
  if (!scale) return rejected("E-PRICE", "the price is out of range");
  const auto num = power >= 0 ? checked_mul(per_token.mantissa, *scale) : std::optional<u128>(per_token.mantissa);
  const auto den = power < 0 ? checked_mul(per_sol.mantissa, *scale) : std::optional<u128>(per_sol.mantissa);
  if (!num || !den) return rejected("E-PRICE", "the price is out of range");
  return Price::from_ratio(*num, *den);
}

}  // namespace kt::pricing
