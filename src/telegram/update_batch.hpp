#pragma once
// A getUpdates answer split into its updates' raw JSON texts without building a JSON tree. Under
// load the poller's offset (the oldest unfinished update) lags, so each answer repeats the updates
// still in flight: parsing every answer whole cost more CPU than the updates themselves. The split
// only finds the boundaries and each update's top-level update_id; an update is fully parsed (and
// validated) only if it is new. Pure functions, no allocation per byte.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kt::telegram {

/// One element of the answer's "result" array: where its text is in the body, and its top-level
/// "update_id" when that is a plain integer literal that fits in 64 bits (else empty: the full
/// parse decides).
struct RawUpdate {
  std::size_t offset = 0;
  std::size_t size = 0;
  std::optional<std::int64_t> update_id;
};

/// The answer body and its updates (positions into `body`, so moving the batch keeps them valid).
struct UpdateBatch {
  std::string body;
  std::vector<RawUpdate> updates;

  std::string_view text(const RawUpdate& update) const {
    return std::string_view(body).substr(update.offset, update.size);
  }
};

/// Splits `{"ok":true,"result":[...]}` (other top-level members, any order, any JSON whitespace).
/// Empty when the body is not exactly such an object with balanced brackets and terminated strings,
/// or `ok` is not `true`, or `result` is not an array: the caller then parses the body in full (and
/// reports Telegram's error or the malformed answer). Each element is only delimited here; a
/// malformed element is caught by its own full parse.
std::optional<std::vector<RawUpdate>> split_updates_answer(std::string_view body);

}  // namespace kt::telegram
