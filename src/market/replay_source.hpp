#pragma once
// Prices replayed from a CSV file, for backtests and offline runs.
//
// Format: one row per observation, `unix_time,mint,price_sol[,decimals]`:
//   unix_time  whole seconds since the Unix epoch
//   mint       base58 token mint
//   price_sol  SOL per whole token, a decimal ("0.000000029", "2.9e-8" also accepted)
//   decimals   optional; otherwise the demo market's decimals for a known token, otherwise 6
// A header line (first field not a number) may come first; blank lines and lines starting with '#'
// are skipped; rows need not be sorted. A mint's price at time t is its latest row with
// unix_time <= t (for equal times the later line wins); before its first row it is NotFound.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "market/price_source.hpp"

namespace kt::market {

/// One replayed observation.
struct ReplayRow {
  std::int64_t unix_time = 0;
  Price price;
  std::uint8_t decimals = 0;
};

/// Rows per mint, sorted by time.
using ReplayTable = std::map<Mint, std::vector<ReplayRow>>;

/// Parses replay CSV text. Errors ("E-REPLAY-FILE") name `file_name` and each bad line's number.
Result<ReplayTable> parse_replay_csv(std::string_view text, const std::string& file_name);

/// PriceSource over a replay file; re-reads it when its modification time or size changes (looked at
/// no more than once per second of `now`). Quotes are simulated and observed at their row's time.
/// Thread-safe.
class ReplaySource final : public PriceSource {
 public:
  /// Reads and parses the file; a missing or malformed file is a fatal "E-REPLAY-FILE" error.
  static Result<std::unique_ptr<ReplaySource>> open(const std::string& path);

  std::string name() const override { return "replay"; }
  /// NotFound before the mint's first row or for a mint not in the file; retryable "E-REPLAY-FILE"
  /// while the file, after a change, cannot be read or parsed.
  Result<Quote> quote(const Mint& mint, TimePoint now) override;
  /// Decimals (and the symbol, for demo-market tokens) of a mint in the file.
  Result<TokenInfo> token_info(const Mint& mint, TimePoint now) override;
  /// Demo-market symbols (BONK, ...) whose mint appears in the file.
  std::optional<Mint> resolve_symbol(const std::string& upper_symbol) const override;
  bool simulated() const override { return true; }

  /// How many times the file was (re)loaded successfully, the first load included.
  std::uint64_t load_count() const;

 private:
  struct FileStamp {
    std::filesystem::file_time_type modified;
    std::uintmax_t size = 0;
    bool operator==(const FileStamp&) const = default;
  };
  explicit ReplaySource(std::string path) : path_(std::move(path)) {}
  Result<void> load();                             // requires mutex_
  Result<void> refresh_if_changed(TimePoint now);  // requires mutex_

  mutable std::mutex mutex_;
  std::string path_;
  ReplayTable table_;
  std::optional<FileStamp> stamp_;
  std::optional<TimePoint> last_check_;
  std::optional<Error> load_error_;
  std::uint64_t load_count_ = 0;
};

}  // namespace kt::market
