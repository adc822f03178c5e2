#pragma once
// The wire form of price ticks on the bus: text lines that carry each quote exactly (the price as
// its rational terms, reserves as integers), its source and its observation time, batched into
// payloads that fit PostgreSQL's NOTIFY limit (8000 bytes).
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "domain/quote.hpp"

namespace kt::coordination {

/// NOTIFY refuses payloads of 8000 bytes or more; a margin keeps every batch well under it.
inline constexpr std::size_t kMaxPayloadBytes = 7900;

/// Ticks from one process: `origin` tells a process its own ticks apart.
struct TickBatch {
  std::string origin;
  std::vector<Quote> quotes;
};

/// Encodes `quotes` into as few payloads as fit `max_bytes` each (every payload carries the
/// header, so each decodes alone). `origin` must be 1..32 characters of [0-9a-z].
std::vector<std::string> encode_ticks(std::span<const Quote> quotes, std::string_view origin,
                                      std::size_t max_bytes = kMaxPayloadBytes);

/// Decodes one payload. Errors: rejected "E-BAD-TICK" naming the first bad line and why; nothing
/// of a malformed payload is returned.
Result<TickBatch> decode_ticks(std::string_view payload);

}  // namespace kt::coordination
