#include "engine/portfolio.hpp"

#include "engine/trading_engine.hpp"

namespace kt::engine {

Portfolio::Portfolio(storage::Repository& repository, QuoteProvider& quotes, const Clock& clock, FeeSchedule fees)
    : repository_(repository), quotes_(quotes), clock_(clock), fees_(fees) {}

MarkedPosition Portfolio::mark(const Position& position, TimePoint now) {
  MarkedPosition out{position, std::nullopt, std::nullopt, std::nullopt, ""};
  auto quote = quotes_.quote(position.mint, now);
  if (!quote.ok()) {
    out.quote_error = quote.error().message;
    return out;
  }
  out.quote = *quote;
  auto value = liquidation_value(position, *quote, fees_);
  if (!value.ok()) {
    out.quote_error = value.error().message;
    return out;
  }
  out.value = *value;
  out.unrealized = *value - position.cost;
  return out;
}

Result<std::vector<MarkedPosition>> Portfolio::open_positions(UserId user) {
  std::vector<Position> positions;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(positions, tx.open_positions(user));
    return {};
  }));
  const TimePoint now = clock_.now();
  std::vector<MarkedPosition> out;
  out.reserve(positions.size());
  for (const auto& p : positions) out.push_back(mark(p, now));
  return out;
}

Result<WalletSummary> Portfolio::summary(UserId user) {
  WalletSummary s;
  std::vector<Position> positions;
  std::vector<LedgerEntry> entries;
  // One read transaction (one snapshot) for the wallet, its positions and its ledger.
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(s.wallet, tx.get_wallet(user));
    KT_TRY(positions, tx.open_positions(user));
    KT_TRY(entries, tx.ledger(user, kLedgerScanLimit, std::nullopt));
    return {};
  }));
  const TimePoint now = clock_.now();
  s.equity = s.wallet.balance;
  for (const auto& p : positions) {
    MarkedPosition m = mark(p, now);
    if (m.value) {
      s.equity += *m.value;
      s.unrealized += *m.unrealized;
      s.simulated = s.simulated || m.quote->simulated;
    } else {
      s.equity += p.cost;
      s.all_priced = false;
    }
    s.open.push_back(std::move(m));
  }
  // Realized PnL is what every close and liquidation booked; grants and resets are not PnL.
  for (const auto& e : entries) {
    if (e.kind == LedgerKind::kClose || e.kind == LedgerKind::kLiquidation) s.realized += e.pnl;
  }
  return s;
}

Result<std::vector<Position>> Portfolio::closed_positions(UserId user, int limit) {
  std::vector<Position> out;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(out, tx.closed_positions(user, limit));
    return {};
  }));
  return out;
}

Result<std::vector<LedgerEntry>> Portfolio::history(UserId user, int limit) {
  std::vector<LedgerEntry> out;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(out, tx.ledger(user, limit, std::nullopt));
    return {};
  }));
  return out;
}

Result<MarkedPosition> Portfolio::position(UserId user, PositionId id) {
  std::optional<Position> p;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(p, owned_position(tx, user, id, false));
    return {};
  }));
  return mark(*p, clock_.now());
}

}  // namespace kt::engine
