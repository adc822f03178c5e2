#include "market/demo_market.hpp"

#include <array>

namespace kt::market {
namespace {

constexpr std::int64_t kPpb = 1'000'000'000;
constexpr std::int64_t kEpochMs = 1'704'067'200'000;  // 2024-01-01T00:00:00Z

/// One layer of value noise: random knots every `period_min` minutes, linearly interpolated.
struct Octave {
  std::int64_t period_min;
  std::int64_t amplitude_ppb;  ///< at volatility 100
};
constexpr std::array<Octave, 4> kOctaves{
    {{60, 20'000'000}, {360, 50'000'000}, {1440, 80'000'000}, {10'080, 150'000'000}}};
constexpr std::int64_t kJitterPpb = 1'500'000;  // per-minute noise, ±0.15 % at volatility 100

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t mint_seed(const Mint& mint) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (auto b : mint.bytes()) h = (h ^ b) * 0x100000001b3ULL;
  return h;
}

/// A uniform value in [-amplitude, amplitude] from (seed, layer, index); the same everywhere.
std::int64_t knot(std::uint64_t seed, std::uint64_t layer, std::int64_t index, std::int64_t amplitude) {
  const std::uint64_t h = splitmix64(seed ^ splitmix64(layer * 0x1000003ULL + static_cast<std::uint64_t>(index)));
  return static_cast<std::int64_t>(h % static_cast<std::uint64_t>(2 * amplitude + 1)) - amplitude;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::uint64_t isqrt(u128 v) {
  u128 lo = 0, hi = std::uint64_t{1} << 63;
  while (lo < hi) {  // largest x with x*x <= v
    const u128 mid = (lo + hi + 1) / 2;
    if (mid * mid <= v)
      lo = mid;
    else
      hi = mid - 1;
  }
  return static_cast<std::uint64_t>(lo);
}

Mint mint_of(const char* text) { return Mint::parse(text).value(); }

std::vector<DemoToken> build_tokens() {
  std::vector<DemoToken> t;
  // Base prices: BONK 1.5e-7 SOL (5 decimals → 3/2000 lamports per raw unit), WIF 0.01 SOL and JUP
  // 0.005 SOL (6 decimals → 10 and 5 lamports per raw unit).
  t.push_back({"BONK", "Bonk", mint_of("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"), 5,
               88'000'000'000'000ULL * 100'000ULL, 3, 2000, 100, std::nullopt, 20'000'000, false, false, true});
  t.push_back({"WIF", "dogwifhat", mint_of("EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm"), 6,
               998'926'392ULL * 1'000'000ULL, 10, 1, 100, std::nullopt, 15'000'000, false, false, false});
  t.push_back({"JUP", "Jupiter", mint_of("JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN"), 6,
               10'000'000'000ULL * 1'000'000ULL, 5, 1, 70, std::nullopt, 30'000'000, false, false, true});
  // A fresh pump.fun curve: 30 SOL against 1.073e15 raw units virtual reserves (≈2.8e-8 SOL per token),
  // 1 % fee; mint and freeze authority revoked and metadata immutable, as pump.fun launches them.
  DemoToken pump{"PUMPDEMO",
                 "Pump Demo (simulated)",
                 mint_of("65NjS7bPRF2DhEzs2VV7tw72um5XTLiRVcZyaQz6pump"),
                 6,
                 1'000'000'000ULL * 1'000'000ULL,
                 30'000'000'000ULL,
                 1'073'000'000'000'000ULL,
                 120,
                 PoolReserves{30'000'000'000ULL, 1'073'000'000'000'000ULL, 100},
                 0,
                 false,
                 false,
                 false};
  t.push_back(pump);
  return t;
}

/// Reserves of the curve token at multiplier m: the same k = sol·token, price scaled by m.
PoolReserves curve_at(const PoolReserves& base, std::int64_t multiplier_ppb) {
  const std::uint64_t root = isqrt(static_cast<u128>(multiplier_ppb) * kPpb);  // sqrt(m) in ppb
  return PoolReserves{base.sol_lamports * root / kPpb, base.token_raw * kPpb / root, base.fee_bps};
}

}  // namespace

const std::vector<DemoToken>& demo_tokens() {
  static const std::vector<DemoToken> tokens = build_tokens();
  return tokens;
}

const DemoToken* find_demo_token(const Mint& mint) {
  for (const auto& token : demo_tokens()) {
    if (token.mint == mint) return &token;
  }
  return nullptr;
}

std::int64_t demo_multiplier_ppb(const DemoToken& token, TimePoint now) {
  const std::int64_t minute = floor_div(to_unix_millis(now) - kEpochMs, 60'000);
  const std::uint64_t seed = mint_seed(token.mint);
  std::int64_t m = kPpb;
  for (std::size_t k = 0; k < kOctaves.size(); ++k) {
    const auto& o = kOctaves[k];
    const std::int64_t amplitude = o.amplitude_ppb * token.volatility_pct / 100;
    const std::int64_t i = floor_div(minute, o.period_min);
    const std::int64_t frac = minute - i * o.period_min;
    const std::int64_t v0 = knot(seed, k, i, amplitude), v1 = knot(seed, k, i + 1, amplitude);
    const std::int64_t noise = v0 + (v1 - v0) * frac / o.period_min;
    m = m * (kPpb + noise) / kPpb;
  }
  const std::int64_t jitter = knot(seed, kOctaves.size(), minute, kJitterPpb * token.volatility_pct / 100);
  return m * (kPpb + jitter) / kPpb;
}

Quote demo_quote(const DemoToken& token, TimePoint now) {
  const std::int64_t m = demo_multiplier_ppb(token, now);
  Quote q;
  q.mint = token.mint;
  q.decimals = token.decimals;
  if (token.curve) {
    q.reserves = curve_at(*token.curve, m);
    q.price = Price::from_ratio(q.reserves->sol_lamports, q.reserves->token_raw).value();
  } else {
    q.price = Price::from_ratio(token.base_num * static_cast<u128>(m), token.base_den * kPpb).value();
  }
  q.usd_per_token = q.price.sol_per_token(token.decimals) * DemoMarket::kSolUsd;
  q.source = "demo";
  q.observed_at = now;
  q.simulated = true;
  return q;
}

Result<Quote> DemoMarket::quote(const Mint& mint, TimePoint now) {
  const DemoToken* token = find_demo_token(mint);
  if (!token) {
    return not_found("E-UNKNOWN-TOKEN", "the demo market has no token " + mint.short_form() +
                                            "; demo tokens are BONK, WIF, JUP and PUMPDEMO");
  }
  return demo_quote(*token, now);
}

Result<TokenInfo> DemoMarket::token_info(const Mint& mint, TimePoint now) {
  const DemoToken* token = find_demo_token(mint);
  if (!token) return not_found("E-UNKNOWN-TOKEN", "the demo market has no token " + mint.short_form());
  const Quote q = demo_quote(*token, now);
  const Quote day_ago = demo_quote(*token, now - std::chrono::hours(24));
  TokenInfo info;
  info.mint = token->mint;
  info.symbol = token->symbol;
  info.name = token->name;
  info.decimals = token->decimals;
  info.supply_raw = token->supply_raw;
  // Display figures only (doubles never move money).
  const double sol_per_token = q.price.sol_per_token(token->decimals);
  double whole_supply = static_cast<double>(token->supply_raw);
  for (int i = 0; i < token->decimals; ++i) whole_supply /= 10;
  info.market_cap_usd = sol_per_token * whole_supply * kSolUsd;
  info.liquidity_usd =
      q.reserves ? static_cast<double>(q.reserves->sol_lamports) / 1e9 * kSolUsd : token->liquidity_usd;
  info.change_24h_pct = (sol_per_token / day_ago.price.sol_per_token(token->decimals) - 1.0) * 100.0;
  info.mint_authority_set = token->mint_authority_set;
  info.freeze_authority_set = token->freeze_authority_set;
  info.metadata_mutable = token->metadata_mutable;
  return info;
}

std::optional<Mint> DemoMarket::resolve_symbol(const std::string& upper_symbol) const {
  for (const auto& token : demo_tokens()) {
    if (token.symbol == upper_symbol) return token.mint;
  }
  return std::nullopt;
}

}  // namespace kt::market
