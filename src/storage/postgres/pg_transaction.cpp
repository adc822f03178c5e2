#include "storage/postgres/pg_transaction.hpp"

#include <limits>

#include <fmt/format.h>

#include "storage/postgres/pg_rows.hpp"
#include "storage/postgres/pg_statements.hpp"

namespace kt::storage::postgres {

namespace {

std::int64_t ms(TimePoint t) { return to_unix_millis(t); }

/// LIMIT parameter: a negative limit means "no limit" (LIMIT NULL), as in SQLite.
std::optional<std::int64_t> limit_param(int limit) {
  if (limit < 0) return std::nullopt;
  return limit;
}

}  // namespace

Result<PgResult> PgTransaction::run(const Statement& statement, const PgParams& params) {
  KT_TRY(std::vector<PgResult> results, run_all({PgConnection::Step{&statement, &params}}));
  return std::move(results.front());
}

Result<std::vector<PgResult>> PgTransaction::run_all(const std::vector<PgConnection::Step>& steps) {
  if (failed_) return *failed_;
  // Refused before sending: the server transaction is unaffected.
  for (const PgConnection::Step& step : steps) {
    if (step.params->has_nul())
      return rejected(kStorageCode, "text contains a NUL byte, which PostgreSQL cannot store");
  }
  std::vector<PgConnection::Step> all;
  all.reserve(deferred_.size() + steps.size());
  for (const Deferred& d : deferred_) all.push_back(PgConnection::Step{d.statement, &d.params});
  all.insert(all.end(), steps.begin(), steps.end());
  auto result = conn_.execute_all(all, begun_ ? nullptr : &begin_);
  begun_ = true;
  const std::size_t sent = deferred_.size();
  deferred_.clear();
  if (!result.ok()) {
    failed_ = result.error();
    return *failed_;
  }
  std::vector<PgResult> out;
  out.reserve(steps.size());
  for (std::size_t i = sent; i < result->size(); ++i) out.push_back(std::move((*result)[i]));
  return out;
}

Result<void> PgTransaction::defer(const Statement& statement, PgParams params) {
  if (failed_) return *failed_;
  if (params.has_nul()) return rejected(kStorageCode, "text contains a NUL byte, which PostgreSQL cannot store");
  deferred_.push_back(Deferred{&statement, std::move(params)});
  return {};
}

Result<void> PgTransaction::commit() {
  if (failed_) {
    rollback();
    return *failed_;
  }
  if (!begun_ && deferred_.empty()) return {};
  // The waiting statements and COMMIT in one round trip. Each waiting statement raises its own
  // refusal on the server; the error aborts the transaction and the pipeline skips the COMMIT.
  static const PgParams no_params;
  std::vector<PgConnection::Step> steps;
  steps.reserve(deferred_.size() + 1);
  for (const Deferred& d : deferred_) steps.push_back(PgConnection::Step{d.statement, &d.params});
  steps.push_back(PgConnection::Step{&sql::kCommit, &no_params});
  auto result = conn_.execute_all(steps, begun_ ? nullptr : &begin_);
  begun_ = true;
  deferred_.clear();
  if (result.ok()) {
    begun_ = false;
    return {};
  }
  Error e = std::move(result).error();
  if (!conn_.usable()) {
    // The COMMIT may or may not have reached the server before the connection dropped.
    begun_ = false;
    conn_.discard();
    e.message = "storage connection lost during commit; the change may or may not have been applied";
    return e;
  }
  // The server answered with an error: the transaction is aborted and nothing was written.
  failed_ = e;
  rollback();
  return e;
}

void PgTransaction::rollback() {
  deferred_.clear();
  if (!begun_) return;
  begun_ = false;
  if (!conn_.usable()) return;  // the server rolls back a dropped session itself
  auto result = conn_.exec("ROLLBACK");
  if (!result.ok()) conn_.discard();
}

// --- exactly-once ----------------------------------------------------------------------------

Result<bool> PgTransaction::claim_update(std::int64_t update_id, std::optional<UserId> user, TimePoint now) {
  PgParams p;
  p.add(update_id);
  if (user)
    p.add(user->value);
  else
    p.add_null();
  p.add(ms(now));
  KT_TRY(PgResult r, run(sql::kClaimUpdate, p));
  return r.rows() == 1;
}

Result<std::optional<Wallet>> PgTransaction::claim_update_and_lock_wallet(std::int64_t update_id, UserId user,
                                                                          TimePoint now) {
  // Both statements in one round trip. A duplicate update locks the wallet needlessly until the
  // caller rolls back, which changes nothing.
  PgParams claim;
  claim.add(update_id).add(user.value).add(ms(now));
  PgParams wallet;
  wallet.add(user.value);
  KT_TRY(std::vector<PgResult> r,
         run_all({PgConnection::Step{&sql::kClaimUpdate, &claim},
                  PgConnection::Step{read_only_ ? &sql::kGetWallet : &sql::kLockWallet, &wallet}}));
  if (r[0].rows() != 1) return std::optional<Wallet>{};
  if (r[1].rows() == 0) return not_found(kNotFoundCode, fmt::format("no wallet for user {}", user.value));
  return std::optional<Wallet>{decode_wallet(r[1], 0)};
}

Result<bool> PgTransaction::claim_update_with_reply(std::int64_t update_id, TimePoint now,
                                                    const std::optional<std::string>& reply_json) {
  // One round trip instead of an INSERT and an UPDATE.
  PgParams p;
  p.add(update_id).add(ms(now)).add(!reply_json);
  if (reply_json)
    p.add(*reply_json);
  else
    p.add_null();
  KT_TRY(PgResult r, run(sql::kClaimUpdateWithReply, p));
  return r.rows() == 1;
}

Result<std::optional<std::int64_t>> PgTransaction::last_update_id() {
  KT_TRY(PgResult r, run(sql::kLastUpdateId, PgParams{}));
  if (r.rows() == 0 || r.is_null(0, 0)) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{r.int64(0, 0)};
}

Result<void> PgTransaction::store_reply(std::int64_t update_id, const std::string& reply_json) {
  PgParams p;
  p.add(update_id).add(reply_json);
  KT_TRY(PgResult r, run(sql::kStoreReply, p));
  if (r.affected() == 0) return not_found(kNotFoundCode, fmt::format("update {} was never claimed", update_id));
  return {};
}

Result<void> PgTransaction::mark_reply_sent(std::int64_t update_id) {
  PgParams p;
  p.add(update_id);
  KT_TRY(PgResult r, run(sql::kMarkReplySent, p));
  return {};
}

Result<void> PgTransaction::mark_replies_sent(std::span<const std::int64_t> update_ids) {
  if (update_ids.empty()) return {};
  // One round trip for the batch: the ids go as one bigint[] literal ("{1,2,3}").
  std::string ids = "{";
  for (const std::int64_t update_id : update_ids) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(update_id);
  }
  ids += '}';
  PgParams p;
  p.add(ids);
  KT_TRY(PgResult r, run(sql::kMarkRepliesSent, p));
  return {};
}

Result<std::vector<std::pair<std::int64_t, std::string>>> PgTransaction::unsent_replies(int limit) {
  PgParams p;
  p.add(limit);
  KT_TRY(PgResult r, run(sql::kUnsentReplies, p));
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.int64(i, 0), std::string(r.text(i, 1)));
  return out;
}

Result<std::optional<std::string>> PgTransaction::stored_reply(std::int64_t update_id) {
  PgParams p;
  p.add(update_id);
  KT_TRY(PgResult r, run(sql::kStoredReply, p));
  if (r.rows() == 0) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(r.text(0, 0))};
}

Result<bool> PgTransaction::reply_never_stored(std::int64_t update_id) {
  PgParams p;
  p.add(update_id);
  KT_TRY(PgResult r, run(sql::kReplyNeverStored, p));
  return r.rows() > 0;
}

// --- users -----------------------------------------------------------------------------------

Result<User> PgTransaction::insert_user(const NewUser& user) {
  if (user.initial_balance.value < 0) return rejected(kStorageCode, "initial balance must not be negative");
  PgParams p;
  p.add(user.telegram_id.value).add(user.username).add(to_string(user.role)).add(ms(user.now));
  p.add(user.initial_balance.value);
  KT_TRY(PgResult r, run(sql::kInsertUser, p));
  if (r.rows() == 0) {
    return rejected(kStorageCode, fmt::format("constraint violated: a user with telegram id {} already exists",
                                              user.telegram_id.value));
  }
  return decode_user(r, 0);
}

Result<std::optional<User>> PgTransaction::optional_user(const Statement& statement, const PgParams& params) {
  KT_TRY(PgResult r, run(statement, params));
  if (r.rows() == 0) return std::optional<User>{};
  KT_TRY(User u, decode_user(r, 0));
  return std::optional<User>{std::move(u)};
}

Result<std::optional<User>> PgTransaction::find_user(UserId id) {
  return optional_user(sql::kFindUser, PgParams{}.add(id.value));
}

Result<std::optional<User>> PgTransaction::find_user_by_telegram_id(TelegramUserId telegram_id) {
  return optional_user(sql::kFindUserByTelegramId, PgParams{}.add(telegram_id.value));
}

Result<std::optional<User>> PgTransaction::find_user_by_username(const std::string& username) {
  if (username.empty()) return std::optional<User>{};
  return optional_user(sql::kFindUserByUsername, PgParams{}.add(username));
}

Result<void> PgTransaction::set_role(UserId id, Role role) {
  KT_TRY(PgResult r, run(sql::kSetRole, PgParams{}.add(id.value).add(to_string(role))));
  if (r.affected() == 0) return not_found(kNotFoundCode, fmt::format("no user {}", id.value));
  return {};
}

Result<void> PgTransaction::touch_user(UserId id, const std::string& username, TimePoint now) {
  KT_TRY(PgResult r, run(sql::kTouchUser, PgParams{}.add(id.value).add(username).add(ms(now))));
  if (r.affected() == 0) return not_found(kNotFoundCode, fmt::format("no user {}", id.value));
  return {};
}

Result<std::vector<User>> PgTransaction::list_users(std::int64_t after, int limit) {
  PgParams p;
  p.add(after).add(limit_param(limit));
  KT_TRY(PgResult r, run(sql::kListUsers, p));
  return decode_all<User>(r, &decode_user);
}

Result<std::int64_t> PgTransaction::count_users() {
  KT_TRY(PgResult r, run(sql::kCountUsers, PgParams{}));
  return r.int64(0, 0);
}

// --- wallets and ledger ----------------------------------------------------------------------

Result<Wallet> PgTransaction::lock_wallet(UserId user) {
  KT_TRY(PgResult r, run(read_only_ ? sql::kGetWallet : sql::kLockWallet, PgParams{}.add(user.value)));
  if (r.rows() == 0) return not_found(kNotFoundCode, fmt::format("no wallet for user {}", user.value));
  return decode_wallet(r, 0);
}

Result<Wallet> PgTransaction::get_wallet(UserId user) {
  KT_TRY(PgResult r, run(sql::kGetWallet, PgParams{}.add(user.value)));
  if (r.rows() == 0) return not_found(kNotFoundCode, fmt::format("no wallet for user {}", user.value));
  return decode_wallet(r, 0);
}

namespace {

/// kAppendLedger's parameters; the refusal of a negative balance (before anything is sent).
Result<PgParams> ledger_params(const LedgerEntry& e) {
  if (e.balance_after.value < 0) {
    return rejected(kStorageCode, fmt::format("balance would become negative ({} lamports)", e.balance_after.value));
  }
  PgParams p;
  p.add(e.user.value).add(to_string(e.kind)).add(e.amount.value).add(e.balance_after.value);
  if (e.position)
    p.add(e.position->value);
  else
    p.add_null();
  if (e.mint)
    p.add(e.mint->to_string());
  else
    p.add_null();
  p.add(numeric_text(e.qty_raw));
  if (e.price)
    p.add(numeric_text(e.price->num())).add(numeric_text(e.price->den()));
  else
    p.add_null().add_null();
  p.add(e.fee.value).add(e.pnl.value).add(e.update_id).add(e.note).add(ms(e.created_at));
  return p;
}

}  // namespace

Result<std::int64_t> PgTransaction::append_ledger(const LedgerEntry& e) {
  KT_TRY(PgParams p, ledger_params(e));
  // A refusal (no wallet, does not add up) is raised by the server and comes back as the error.
  KT_TRY(PgResult r, run(sql::kAppendLedger, p));
  return r.int64(0, 0);
}

Result<void> PgTransaction::append_ledger_deferred(const LedgerEntry& e) {
  KT_TRY(PgParams p, ledger_params(e));
  // Sent with the next statement or the COMMIT; the server's refusal then aborts the transaction.
  return defer(sql::kAppendLedger, std::move(p));
}

Result<std::vector<LedgerEntry>> PgTransaction::ledger(UserId user, int limit, std::optional<TimePoint> since) {
  PgParams p;
  p.add(user.value).add(since ? ms(*since) : std::numeric_limits<std::int64_t>::min()).add(limit_param(limit));
  KT_TRY(PgResult r, run(sql::kLedger, p));
  return decode_all<LedgerEntry>(r, &decode_ledger);
}

Result<Lamports> PgTransaction::ledger_sum(UserId user) {
  KT_TRY(PgResult r, run(sql::kLedgerSum, PgParams{}.add(user.value)));
  return Lamports{r.int64(0, 0)};
}

// --- positions -------------------------------------------------------------------------------

Result<Position> PgTransaction::insert_position(const Position& pos) {
  PgParams p;
  p.add(pos.user.value).add(pos.mint.to_string()).add(pos.symbol).add(static_cast<int>(pos.decimals));
  p.add(to_string(pos.side)).add(to_string(pos.status));
  p.add(numeric_text(pos.qty_raw)).add(numeric_text(pos.initial_qty_raw));
  p.add(pos.cost.value).add(pos.initial_cost.value).add(pos.entry_notional.value);
  p.add(numeric_text(pos.entry_price.num())).add(numeric_text(pos.entry_price.den()));
  p.add(pos.realized_pnl.value);
  if (pos.exit_price)
    p.add(numeric_text(pos.exit_price->num())).add(numeric_text(pos.exit_price->den()));
  else
    p.add_null().add_null();
  p.add(pos.source).add(pos.simulated).add(ms(pos.opened_at));
  if (pos.closed_at)
    p.add(ms(*pos.closed_at));
  else
    p.add_null();
  KT_TRY(PgResult r, run(sql::kInsertPosition, p));
  Position out = pos;
  out.id = PositionId{r.int64(0, 0)};
  return out;
}

Result<void> PgTransaction::update_position(const Position& pos) {
  PgParams p;
  p.add(pos.id.value).add(numeric_text(pos.qty_raw)).add(pos.cost.value).add(pos.entry_notional.value);
  p.add(pos.realized_pnl.value).add(to_string(pos.status));
  if (pos.closed_at)
    p.add(ms(*pos.closed_at));
  else
    p.add_null();
  if (pos.exit_price)
    p.add(numeric_text(pos.exit_price->num())).add(numeric_text(pos.exit_price->den()));
  else
    p.add_null().add_null();
  // Nothing the caller needs comes back: sent with the next statement or the COMMIT; a missing
  // position is refused by the server (KT404), which aborts the transaction.
  return defer(sql::kUpdatePosition, std::move(p));
}

Result<Position> PgTransaction::lock_position(PositionId id) {
  KT_TRY(PgResult r, run(read_only_ ? sql::kGetPosition : sql::kLockPosition, PgParams{}.add(id.value)));
  if (r.rows() == 0) return not_found(kNotFoundCode, fmt::format("no position {}", id.value));
  return decode_position(r, 0);
}

Result<std::vector<Position>> PgTransaction::open_positions(UserId user) {
  KT_TRY(PgResult r, run(sql::kOpenPositions, PgParams{}.add(user.value)));
  return decode_all<Position>(r, &decode_position);
}

Result<std::int64_t> PgTransaction::count_open_positions(UserId user) {
  KT_TRY(PgResult r, run(sql::kCountOpenPositions, PgParams{}.add(user.value)));
  return r.int64(0, 0);
}

Result<std::vector<Position>> PgTransaction::closed_positions(UserId user, int limit) {
  KT_TRY(PgResult r, run(sql::kClosedPositions, PgParams{}.add(user.value).add(limit_param(limit))));
  return decode_all<Position>(r, &decode_position);
}

Result<std::vector<Mint>> PgTransaction::mints_with_open_positions() {
  KT_TRY(PgResult r, run(sql::kMintsWithOpenPositions, PgParams{}));
  return decode_all<Mint>(r, &decode_mint);
}

// --- tokens and prices -----------------------------------------------------------------------

Result<void> PgTransaction::upsert_token(const TokenRecord& t) {
  PgParams p;
  p.add(t.mint.to_string()).add(t.symbol).add(t.name).add(static_cast<int>(t.decimals)).add(t.is_active);
  p.add(ms(t.updated_at));
  KT_TRY(PgResult r, run(sql::kUpsertToken, p));
  return {};
}

Result<std::optional<TokenRecord>> PgTransaction::find_token(const Mint& mint) {
  KT_TRY(PgResult r, run(sql::kFindToken, PgParams{}.add(mint.to_string())));
  if (r.rows() == 0) return std::optional<TokenRecord>{};
  KT_TRY(TokenRecord t, decode_token(r, 0));
  return std::optional<TokenRecord>{std::move(t)};
}

Result<std::vector<TokenRecord>> PgTransaction::find_tokens_by_symbol(const std::string& symbol) {
  KT_TRY(PgResult r, run(sql::kFindTokensBySymbol, PgParams{}.add(symbol)));
  return decode_all<TokenRecord>(r, &decode_token);
}

Result<void> PgTransaction::set_token_active(const Mint& mint, bool active) {
  const Statement& statement = active ? sql::kActivateToken : sql::kDeactivateToken;
  KT_TRY(PgResult r, run(statement, PgParams{}.add(mint.to_string())));
  if (r.affected() > 0) return {};
  KT_TRY(std::optional<TokenRecord> existing, find_token(mint));  // already in that state?
  if (!existing) return not_found(kNotFoundCode, fmt::format("unknown token {}", mint.to_string()));
  return {};
}

Result<void> PgTransaction::insert_price(const PriceRecord& price) {
  PgParams p;
  p.add(price.mint.to_string()).add(numeric_text(price.price.num())).add(numeric_text(price.price.den()));
  p.add(static_cast<int>(price.decimals)).add(float_text(price.price.sol_per_token(price.decimals)));
  if (price.usd_per_token)
    p.add(float_text(*price.usd_per_token));
  else
    p.add_null();
  p.add(price.source).add(ms(price.observed_at));
  KT_TRY(PgResult r, run(sql::kInsertPrice, p));
  return {};
}

Result<std::optional<PriceRecord>> PgTransaction::latest_price(const Mint& mint) {
  KT_TRY(PgResult r, run(sql::kLatestPrice, PgParams{}.add(mint.to_string())));
  if (r.rows() == 0) return std::optional<PriceRecord>{};
  KT_TRY(PriceRecord p, decode_price(r, 0));
  return std::optional<PriceRecord>{std::move(p)};
}

Result<std::vector<PriceRecord>> PgTransaction::price_history(const Mint& mint, TimePoint from, TimePoint to) {
  KT_TRY(PgResult r, run(sql::kPriceHistory, PgParams{}.add(mint.to_string()).add(ms(from)).add(ms(to))));
  return decode_all<PriceRecord>(r, &decode_price);
}

}  // namespace kt::storage::postgres
