#pragma once
// Opening and closing positions: quote → fill model → risk rules → one storage transaction.
#include <cstdint>
#include <functional>
#include <optional>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/fill.hpp"
#include "domain/records.hpp"
#include "engine/engine_config.hpp"
#include "engine/ports.hpp"
#include "engine/risk_policy.hpp"
#include "storage/repository.hpp"

namespace kt::engine {

/// Open `size` (SOL spent, trading fee included) of `mint` on `side`.
struct OpenPosition {
  UserId user;
  Mint mint;
  Lamports size;
  Side side = Side::kLong;
  std::optional<std::int64_t> update_id;  ///< exactly-once key (Telegram update id)
  /// The user as the caller read them moments ago, if it did: spares the read for the early size
  /// refusal. Only a shortcut: every rule is checked again on the current row in the transaction.
  std::optional<User> known_user = std::nullopt;
  /// The token as the price source describes it, if known: recorded (record_token) in the trade's
  /// transaction before the position is written, so the position takes its symbol.
  std::optional<storage::TokenRecord> token = std::nullopt;
};

/// Close `percent` (1–100) of a position.
struct ClosePosition {
  UserId user;
  PositionId position;
  int percent = 100;
  std::optional<std::int64_t> update_id;
  /// The position as the caller read it moments ago, if it did: spares the read that refuses a
  /// closed position before the price lookup. Used only if its id and owner match; every rule is
  /// checked again on the locked row in the transaction.
  std::optional<Position> known_position = std::nullopt;
};

struct PositionOpened {
  Position position;
  OpenFill fill;
  Quote quote;
  Lamports balance_after;
};

struct PositionClosed {
  Position position;  ///< after the close (qty left, status)
  CloseFill fill;
  Quote quote;
  Lamports credited;  ///< net change of the balance (proceeds − network fee)
  Lamports pnl;       ///< realized by this close: credited − cost released
  Lamports balance_after;
};

/// Runs inside a trade's write transaction once the trade applied, before the commit; an error
/// rolls the trade back. The bot stores the trade's reply there, so it commits with the update id.
template <class Outcome>
using BeforeCommit = std::function<Result<void>(storage::Transaction& tx, const Outcome& outcome)>;

/// Stores `token` (active, with its symbol) unless it is stored so already: in the common case a
/// read and no write. A token without a symbol is not recorded.
Result<void> record_token(storage::Transaction& tx, const storage::TokenRecord& token);

/// Error code returned when an update id was already applied: the caller replies nothing.
inline constexpr const char* kDuplicateUpdate = "E-DUPLICATE";

class TradingEngine {
 public:
  TradingEngine(storage::Repository& repository, QuoteProvider& quotes, const Clock& clock, EngineConfig config);

  Result<PositionOpened> open_position(const OpenPosition& command,
                                       const BeforeCommit<PositionOpened>& before_commit = {});
  Result<PositionClosed> close_position(const ClosePosition& command,
                                        const BeforeCommit<PositionClosed>& before_commit = {});

  /// The transactional steps, for callers that already hold a write transaction (order fills):
  /// they lock the wallet (unless the caller passes it `locked` in this transaction), re-check
  /// every rule and write position + ledger. The update id, if any, must already be claimed.
  Result<PositionOpened> open_in(storage::Transaction& tx, const OpenPosition& command, const Quote& quote,
                                 TimePoint now, std::optional<Wallet> locked = std::nullopt);
  Result<PositionClosed> close_in(storage::Transaction& tx, const ClosePosition& command, const Quote& quote,
                                  TimePoint now, std::optional<Wallet> locked = std::nullopt);
  /// Refuses a quote older than the configured limit.
  Result<void> check_quote_age(const Quote& quote, TimePoint now) const {
    return check_fresh(quote, now, config_.max_quote_age);
  }

  const EngineConfig& config() const { return config_; }
  const RiskPolicy& risk() const { return risk_; }

 private:
  Result<Quote> fresh_quote(const Mint& mint, TimePoint now);

  storage::Repository& repository_;
  QuoteProvider& quotes_;
  const Clock& clock_;
  EngineConfig config_;
  RiskPolicy risk_;
};

/// Finds the caller's position or says it does not exist (the same answer for another user's id).
/// `lock` takes the row lock (inside write()); otherwise a plain read.
Result<Position> owned_position(storage::Transaction& tx, UserId user, PositionId id, bool lock);

}  // namespace kt::engine
