#pragma once
// The engine's QuoteProvider: an ordered composite of price sources with a short quote cache and
// per-source health. It only ever asks the sources it was given (no silent demo fallback).
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/ports.hpp"
#include "market/price_source.hpp"

namespace kt::market {

/// How one source is doing, for /healthz, metrics and `doctor`.
struct SourceHealth {
  std::string name;
  bool healthy = true;                    ///< false after a failure, true again after the next answer
  std::string last_error;                 ///< "E-CODE: message" of the latest failure, kept after recovery
  std::optional<TimePoint> last_success;  ///< `now` of the latest answer (a quote or a clean NotFound)
  std::uint64_t quote_count = 0;          ///< quotes this source supplied
  std::uint64_t failure_count = 0;
};

/// Tuning of the PriceService.
struct PriceServiceOptions {
  Millis quote_reuse{2000};        ///< a cached quote is reused only while younger than this
  Millis token_info_ttl{600'000};  ///< token facts (market cap, liquidity) are refreshed after this
};

/// Composite QuoteProvider over sources in priority order. Thread-safe: sources are called without
/// holding the service's lock, so each source must itself be thread-safe.
class PriceService final : public engine::QuoteProvider {
 public:
  explicit PriceService(std::vector<std::unique_ptr<PriceSource>> sources, PriceServiceOptions options = {});

  /// A cached quote younger than quote_reuse, else the first source's answer in priority order.
  /// Errors: NotFound "E-UNKNOWN-TOKEN" when every source says it does not know the token;
  /// retryable "E-PRICE-UNAVAILABLE" naming each failing source and its error otherwise.
  Result<Quote> quote(const Mint& mint, TimePoint now) override;
  /// quote() for many mints, using each source's batch call for the mints still unanswered.
  std::vector<Result<Quote>> quote_many(std::span<const Mint> mints, TimePoint now);
  /// Token facts from the first source that knows the token, cached for token_info_ttl.
  Result<TokenInfo> token_info(const Mint& mint, TimePoint now) override;
  /// The first source's answer in priority order.
  std::optional<Mint> resolve_symbol(const std::string& upper_symbol) const override;

  /// A tick another process's tracker observed (scale-out): cached like an answer of our own
  /// (reused while younger than quote_reuse, never over a newer quote), and it counts as an
  /// answer of the source it names at min(observed_at, now), so price freshness follows the
  /// owner's. A tick from a source this service does not have only fills the cache.
  void apply_tick(const Quote& tick, TimePoint now);

  /// One entry per source, in priority order.
  std::vector<SourceHealth> health() const;
  /// True when every source is simulated (demo/replay): replies must say SIMULATED.
  bool simulated() const override;
  /// Names of the sources in priority order.
  std::vector<std::string> source_names() const;

 private:
  /// What the sources said about one mint, for the error when none of them answered.
  struct Attempts {
    std::vector<std::string> failures;   // "jupiter (E-HTTP: timeout)"
    std::vector<std::string> not_found;  // source names
    Millis retry_after{0};
  };
  std::optional<Quote> cached(const Mint& mint, TimePoint now) const;  // requires mutex_
  void remember(const Quote& q);                                       // requires mutex_
  /// Updates the source's health; false when the source failed (not for a clean NotFound).
  template <class T>
  bool record(std::size_t source, const Result<T>& r, TimePoint now, Attempts& attempts,
              bool is_quote);  // requires mutex_
  Error final_error(const Mint& mint, const Attempts& attempts) const;

  std::vector<std::unique_ptr<PriceSource>> sources_;
  PriceServiceOptions options_;
  mutable std::mutex mutex_;
  std::vector<SourceHealth> health_;
  std::unordered_map<Mint, Quote> quotes_;  // looked up per mint each cycle: hashed, not ordered
  std::map<Mint, std::pair<TokenInfo, TimePoint>> infos_;
};

}  // namespace kt::market
