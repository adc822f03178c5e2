#pragma once
// Read-side analytics: balances, marks, equity and PnL. Nothing here moves money.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/fill.hpp"
#include "domain/records.hpp"
#include "engine/ports.hpp"
#include "storage/repository.hpp"

namespace kt::engine {

/// Ledger entries read for whole-history statistics (a paper account rarely has more).
inline constexpr int kLedgerScanLimit = 1'000'000;

/// An open position valued at a current quote (what closing it now would credit).
struct MarkedPosition {
  Position position;
  std::optional<Quote> quote;
  std::optional<Lamports> value;       ///< net of fees; nullopt when no price could be had
  std::optional<Lamports> unrealized;  ///< value − cost
  std::string quote_error;             ///< why there is no value
};

struct WalletSummary {
  Wallet wallet;
  std::vector<MarkedPosition> open;
  Lamports equity;      ///< balance + Σ values (unpriced positions at cost)
  Lamports unrealized;  ///< Σ unrealized of priced positions
  Lamports realized;    ///< Σ realized PnL of every close so far
  bool all_priced = true;
  bool simulated = false;  ///< some value came from a simulated quote
};

class Portfolio {
 public:
  Portfolio(storage::Repository& repository, QuoteProvider& quotes, const Clock& clock, FeeSchedule fees);

  Result<WalletSummary> summary(UserId user);
  Result<std::vector<MarkedPosition>> open_positions(UserId user);
  Result<std::vector<Position>> closed_positions(UserId user, int limit);
  Result<std::vector<LedgerEntry>> history(UserId user, int limit);
  /// One position of the caller, marked (NotFound for someone else's).
  Result<MarkedPosition> position(UserId user, PositionId id);

  /// Values one position at the current price.
  MarkedPosition mark(const Position& position, TimePoint now);

 private:
  storage::Repository& repository_;
  QuoteProvider& quotes_;
  const Clock& clock_;
  FeeSchedule fees_;
};

}  // namespace kt::engine
