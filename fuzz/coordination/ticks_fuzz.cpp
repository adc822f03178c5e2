// libFuzzer: the price tick decoder on arbitrary bytes (a NOTIFY payload anyone on the database
// can send); whatever it accepts must encode and decode back to the same ticks.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "coordination/price_ticks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto batch = kt::coordination::decode_ticks(payload);
  if (!batch) return 0;
  std::size_t i = 0;
  for (const auto& again : kt::coordination::encode_ticks(batch->quotes, batch->origin)) {
    if (again.size() > kt::coordination::kMaxPayloadBytes && batch->quotes.size() > 1) std::abort();
    auto decoded = kt::coordination::decode_ticks(again);
    if (!decoded || decoded->origin != batch->origin) std::abort();
    for (const auto& q : decoded->quotes) {
      if (i >= batch->quotes.size()) std::abort();
      const auto& original = batch->quotes[i++];
      if (q.mint != original.mint || q.price.num() != original.price.num() || q.price.den() != original.price.den() ||
          q.observed_at != original.observed_at || q.source != original.source ||
          q.usd_per_token != original.usd_per_token || q.simulated != original.simulated ||
          q.reserves.has_value() != original.reserves.has_value()) {
        std::abort();
      }
    }
  }
  if (i != batch->quotes.size()) std::abort();
  return 0;
}
