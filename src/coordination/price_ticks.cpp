#include "coordination/price_ticks.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/checked_math.hpp"

namespace kt::coordination {
namespace {

constexpr std::string_view kMagic = "kt-ticks/1";
constexpr std::size_t kMaxOriginLength = 32;
constexpr std::size_t kMaxSourceLength = 32;

bool is_token_text(std::string_view s, std::size_t max_length) {
  if (s.empty() || s.size() > max_length) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

template <class Int>
std::optional<Int> parse_int(std::string_view text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// One tick per line: mint, price num and den, decimals, source, observed_at in ns since the epoch,
/// simulated flag, USD price ("-" or the shortest round-trip double), reserves ("-" or sol:token:fee).
std::string encode_line(const Quote& q) {
  std::string usd = "-";
  if (q.usd_per_token && std::isfinite(*q.usd_per_token)) usd = fmt::format("{}", *q.usd_per_token);
  std::string reserves = "-";
  if (q.reserves) {
    reserves = u128_to_string(q.reserves->sol_lamports) + ":" + u128_to_string(q.reserves->token_raw) + ":" +
               std::to_string(q.reserves->fee_bps);
  }
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(q.observed_at.time_since_epoch()).count();
  return fmt::format("{} {} {} {} {} {} {} {} {}\n", q.mint.to_string(), u128_to_string(q.price.num()),
                     u128_to_string(q.price.den()), static_cast<int>(q.decimals), q.source, ns, q.simulated ? 1 : 0,
                     usd, reserves);
}

Result<Quote> decode_line(std::string_view line) {
  const auto f = split(line, ' ');
  if (f.size() != 9) return rejected("E-BAD-TICK", fmt::format("expected 9 fields, got {}", f.size()));
  Quote q;
  auto mint = Mint::parse(f[0]);
  if (!mint) return rejected("E-BAD-TICK", "bad mint: " + mint.error().message);
  q.mint = *mint;
  const auto num = u128_from_string(f[1]);
  const auto den = u128_from_string(f[2]);
  if (!num || !den || *num == 0) return rejected("E-BAD-TICK", "bad price terms");
  auto price = Price::from_terms(*num, *den);
  if (!price) return rejected("E-BAD-TICK", "bad price terms: " + price.error().message);
  q.price = *price;
  const auto decimals = parse_int<int>(f[3]);
  if (!decimals || *decimals < 0 || *decimals > 255) return rejected("E-BAD-TICK", "bad decimals");
  q.decimals = static_cast<std::uint8_t>(*decimals);
  if (!is_token_text(f[4], kMaxSourceLength)) return rejected("E-BAD-TICK", "bad source name");
  q.source = std::string(f[4]);
  const auto ns = parse_int<std::int64_t>(f[5]);
  if (!ns || *ns < 0) return rejected("E-BAD-TICK", "bad observation time");
  q.observed_at = TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(*ns)));
  if (f[6] != "0" && f[6] != "1") return rejected("E-BAD-TICK", "bad simulated flag");
  q.simulated = f[6] == "1";
  if (f[7] != "-") {
    // Display only; strtod needs a terminated string.
    const std::string text(f[7]);
    char* end = nullptr;
    const double usd = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(usd)) return rejected("E-BAD-TICK", "bad USD price");
    q.usd_per_token = usd;
  }
  if (f[8] != "-") {
    const auto r = split(f[8], ':');
    if (r.size() != 3) return rejected("E-BAD-TICK", "bad reserves");
    const auto sol = u128_from_string(r[0]);
    const auto token = u128_from_string(r[1]);
    const auto fee = parse_int<std::uint32_t>(r[2]);
    if (!sol || !token || !fee || *fee > 10'000) return rejected("E-BAD-TICK", "bad reserves");
    q.reserves = PoolReserves{*sol, *token, *fee};
  }
  return q;
}

}  // namespace

std::vector<std::string> encode_ticks(std::span<const Quote> quotes, std::string_view origin, std::size_t max_bytes) {
  const std::string header = fmt::format("{} {}\n", kMagic, origin);
  std::vector<std::string> payloads;
  std::string current = header;
  for (const Quote& q : quotes) {
    const std::string line = encode_line(q);
    if (current.size() + line.size() > max_bytes && current.size() > header.size()) {
      payloads.push_back(std::move(current));
      current = header;
    }
    current += line;
  }
  if (current.size() > header.size()) payloads.push_back(std::move(current));
  return payloads;
}

Result<TickBatch> decode_ticks(std::string_view payload) {
  if (payload.empty() || payload.back() != '\n') return rejected("E-BAD-TICK", "payload does not end with a newline");
  auto lines = split(payload.substr(0, payload.size() - 1), '\n');
  const auto head = split(lines[0], ' ');
  if (head.size() != 2 || head[0] != kMagic) return rejected("E-BAD-TICK", "not a kt-ticks/1 payload");
  if (!is_token_text(head[1], kMaxOriginLength)) return rejected("E-BAD-TICK", "bad origin");
  TickBatch batch{std::string(head[1]), {}};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto q = decode_line(lines[i]);
    if (!q) return rejected("E-BAD-TICK", fmt::format("line {}: {}", i + 1, q.error().message));
    batch.quotes.push_back(std::move(*q));
  }
  return batch;
}

}  // namespace kt::coordination
