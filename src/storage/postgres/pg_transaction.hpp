#pragma once
// The PostgreSQL Transaction: every method is one prepared statement. BEGIN is sent lazily, in the
// same pipeline (round trip) as the first statement; statements whose result the caller does not
// use (update_position, append_ledger_deferred) wait and go with the next one or with the COMMIT;
// claim_update_and_lock_wallet pipelines two.
#include <optional>
#include <vector>

#include "storage/postgres/pg_connection.hpp"
#include "storage/repository.hpp"

namespace kt::storage::postgres {

/// One open transaction on a borrowed connection. Once a statement fails, PostgreSQL has aborted
/// the transaction; every later call returns that first error without a round trip.
class PgTransaction final : public Transaction {
 public:
  /// `begin` e.g. sql::kBeginWrite.
  /// `read_only`: lock_wallet/lock_position/lock_order read without FOR UPDATE (refused in a read-only
  /// transaction, and there is nothing to protect).
  PgTransaction(PgConnection& conn, const Statement& begin, bool read_only)
      : conn_(conn), begin_(begin), read_only_(read_only) {}
  /// Rolls back a transaction left open (e.g. `work` threw).
  ~PgTransaction() override { rollback(); }
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  /// COMMIT if anything was sent or is waiting, in one round trip with the waiting statements; the
  /// first statement error instead if one happened (then nothing was written).
  Result<void> commit();
  /// ROLLBACK if anything was sent; a failure only discards the connection.
  void rollback();

  Result<bool> claim_update(std::int64_t update_id, std::optional<UserId> user, TimePoint now) override;
  Result<bool> claim_update_with_reply(std::int64_t update_id, TimePoint now,
                                       const std::optional<std::string>& reply_json) override;
  Result<std::optional<Wallet>> claim_update_and_lock_wallet(std::int64_t update_id, UserId user,
                                                             TimePoint now) override;
  Result<std::optional<std::int64_t>> last_update_id() override;
  Result<void> store_reply(std::int64_t update_id, const std::string& reply_json) override;
  Result<void> mark_reply_sent(std::int64_t update_id) override;
  Result<void> mark_replies_sent(std::span<const std::int64_t> update_ids) override;
  Result<std::vector<std::pair<std::int64_t, std::string>>> unsent_replies(int limit) override;
  Result<std::optional<std::string>> stored_reply(std::int64_t update_id) override;
  Result<bool> reply_never_stored(std::int64_t update_id) override;

  Result<User> insert_user(const NewUser& user) override;
  Result<std::optional<User>> find_user(UserId id) override;
  Result<std::optional<User>> find_user_by_telegram_id(TelegramUserId telegram_id) override;
  Result<std::optional<User>> find_user_by_username(const std::string& username) override;
  Result<void> set_role(UserId id, Role role) override;
  Result<void> touch_user(UserId id, const std::string& username, TimePoint now) override;
  Result<std::vector<User>> list_users(std::int64_t after, int limit) override;
  Result<std::int64_t> count_users() override;

  Result<Wallet> lock_wallet(UserId user) override;
  Result<Wallet> get_wallet(UserId user) override;
  Result<std::int64_t> append_ledger(const LedgerEntry& entry) override;
  Result<void> append_ledger_deferred(const LedgerEntry& entry) override;
  Result<std::vector<LedgerEntry>> ledger(UserId user, int limit, std::optional<TimePoint> since) override;
  Result<Lamports> ledger_sum(UserId user) override;

  Result<Position> insert_position(const Position& position) override;
  Result<void> update_position(const Position& position) override;
  Result<Position> lock_position(PositionId id) override;
  Result<std::vector<Position>> open_positions(UserId user) override;
  Result<std::int64_t> count_open_positions(UserId user) override;
  Result<std::vector<Position>> closed_positions(UserId user, int limit) override;
  Result<std::vector<Mint>> mints_with_open_positions() override;

  Result<void> upsert_token(const TokenRecord& token) override;
  Result<std::optional<TokenRecord>> find_token(const Mint& mint) override;
  Result<std::vector<TokenRecord>> find_tokens_by_symbol(const std::string& symbol) override;
  Result<void> set_token_active(const Mint& mint, bool active) override;
  Result<void> insert_price(const PriceRecord& price) override;
  Result<std::optional<PriceRecord>> latest_price(const Mint& mint) override;
  Result<std::vector<PriceRecord>> price_history(const Mint& mint, TimePoint from, TimePoint to) override;
  Result<void> upsert_token_metrics(const TokenMetricsRecord& metrics) override;
  Result<std::optional<TokenMetricsRecord>> find_token_metrics(const Mint& mint) override;
  Result<void> insert_prices(std::span<const PriceRecord> prices) override;
  Result<void> upsert_token_metrics_many(std::span<const TokenMetricsRecord> metrics) override;
  Result<std::size_t> set_tokens_active(std::span<const Mint> mints, bool active) override;

  Result<Order> insert_order(const Order& order) override;
  Result<Order> lock_order(OrderId id) override;
  Result<void> update_order(const Order& order) override;
  Result<std::vector<Order>> pending_orders_for_mint(const Mint& mint) override;
  Result<std::vector<Order>> orders_of_user(UserId user, bool pending_only, int limit) override;
  Result<std::vector<Order>> pending_orders_for_position(PositionId position) override;
  Result<std::vector<Mint>> mints_with_pending_orders() override;

  Result<void> record_group_member(std::int64_t chat_id, UserId user, TimePoint now) override;
  Result<std::vector<UserId>> group_members(std::int64_t chat_id) override;
  Result<std::int64_t> count_active_users(TimePoint since) override;
  Result<std::int64_t> count_all_open_positions() override;
  Result<std::int64_t> count_trades_since(TimePoint since) override;
  Result<std::int64_t> count_active_tokens() override;

  Result<ContestRecord> insert_contest(const ContestRecord& contest) override;
  Result<std::optional<ContestRecord>> find_contest(std::int64_t id, bool lock) override;
  Result<std::optional<ContestRecord>> latest_contest(std::int64_t chat_id) override;
  Result<void> update_contest(const ContestRecord& contest) override;
  Result<std::vector<ContestRecord>> contests_to_finish(TimePoint now) override;
  Result<void> insert_contest_entry(const ContestEntryRecord& entry) override;
  Result<std::optional<ContestEntryRecord>> contest_entry(std::int64_t contest_id, UserId user) override;
  Result<std::vector<ContestEntryRecord>> contest_entries(std::int64_t contest_id) override;
  Result<std::optional<ContestEntryRecord>> contest_entry_of_account(UserId account) override;

 private:
  /// A statement sent later, ahead of the next one or of the COMMIT in the same pipeline. It must
  /// raise its own refusal on the server (kt_refuse): the error is what stops the COMMIT behind it.
  struct Deferred {
    const Statement* statement;
    PgParams params;
  };

  /// Runs a statement, piggy-backing BEGIN on the first one.
  Result<PgResult> run(const Statement& statement, const PgParams& params);
  /// Runs the deferred statements, then `steps`, in one round trip; the results of `steps`. A
  /// deferred statement's failure fails the transaction (and is returned) like any other.
  Result<std::vector<PgResult>> run_all(const std::vector<PgConnection::Step>& steps);
  /// Queues a statement whose result the caller does not need; its error, if any, is returned by
  /// the next call that reaches the server (at the latest commit()).
  Result<void> defer(const Statement& statement, PgParams params);
  Result<std::optional<User>> optional_user(const Statement& statement, const PgParams& params);

  PgConnection& conn_;
  const Statement& begin_;
  bool read_only_;
  bool begun_ = false;
  std::optional<Error> failed_;
  std::vector<Deferred> deferred_;
};

}  // namespace kt::storage::postgres
