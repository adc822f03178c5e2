#pragma once
// The storage port. The engine runs each use case inside one transaction; every backend
// (SQLite, PostgreSQL) implements the same contract, checked by tests/storage/contract_*.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/order.hpp"
#include "domain/quote.hpp"
#include "domain/records.hpp"

namespace kt::storage {

/// Input for a new user; the backend assigns the id.
struct NewUser {
  TelegramUserId telegram_id;
  std::string username;
  Role role = Role::kBasic;
  Lamports initial_balance;
  TimePoint now{};
};

/// A known token (the seed's solana_tokens row).
struct TokenRecord {
  Mint mint;
  std::string symbol;
  std::string name;
  std::uint8_t decimals = 0;
  bool is_active = true;
  TimePoint updated_at{};
};

/// A stored price observation (token_prices).
struct PriceRecord {
  Mint mint;
  Price price;
  std::uint8_t decimals = 0;
  std::optional<double> usd_per_token;
  std::string source;
  TimePoint observed_at{};
};

/// Statistics of a token's recent prices (token_metrics), one row per mint; doubles because they
/// only describe and display prices, they never move money. Absent optionals are stored as NULL.
struct TokenMetricsRecord {
  Mint mint;
  double last_price_sol = 0;  ///< SOL per whole token
  std::optional<double> change_1h_pct;
  std::optional<double> change_24h_pct;
  std::optional<double> high_24h;
  std::optional<double> low_24h;
  std::optional<double> volatility_24h;
  TimePoint updated_at{};
};

/// A group contest (migration 0004). `status` is "running" until its end time passes or an admin
/// stops it, then "ended"; `announced_at` is set in the transaction that stores the final ranking.
struct ContestRecord {
  std::int64_t id = 0;
  std::int64_t chat_id = 0;
  UserId started_by;
  Lamports starting_balance;
  TimePoint started_at{};
  TimePoint ends_at{};
  std::string status = "running";
  std::optional<TimePoint> ended_at;
  std::optional<TimePoint> announced_at;
};

/// A user entered in a contest, trading through `account` (a users row of its own).
struct ContestEntryRecord {
  std::int64_t contest_id = 0;
  UserId user;
  UserId account;
  TimePoint joined_at{};
};

/// Work done under one database transaction. Methods fail with a retryable "E-STORAGE" error when
/// the database is unreachable; the transaction is then rolled back and nothing was changed.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // --- exactly-once ---------------------------------------------------------------------------
  /// Records that `update_id` is being applied in this transaction, its reply due (not yet sent);
  /// false if it already was (the caller then changes nothing). The row commits or rolls back
  /// with the effect.
  virtual Result<bool> claim_update(std::int64_t update_id, std::optional<UserId> user, TimePoint now) = 0;
  /// How a trade starts: claim_update, then lock_wallet(user) if the update is fresh; nullopt if it
  /// was already claimed (the caller then changes nothing). PostgreSQL sends both in one round trip.
  virtual Result<std::optional<Wallet>> claim_update_and_lock_wallet(std::int64_t update_id, UserId user,
                                                                     TimePoint now) {
    KT_TRY(const bool fresh, claim_update(update_id, user, now));
    if (!fresh) return std::optional<Wallet>{};
    KT_TRY(Wallet wallet, lock_wallet(user));
    return std::optional<Wallet>{std::move(wallet)};
  }
  /// claim_update (by no user) together with its reply, in one statement where the backend allows:
  /// `reply_json` is stored as not yet sent; nullopt records the reply as sent (nothing to send).
  /// False if `update_id` was already claimed: nothing is stored.
  virtual Result<bool> claim_update_with_reply(std::int64_t update_id, TimePoint now,
                                               const std::optional<std::string>& reply_json) {
    KT_TRY(const bool fresh, claim_update(update_id, std::nullopt, now));
    if (!fresh) return false;
    if (reply_json) {
      KT_TRY_VOID(store_reply(update_id, *reply_json));
    } else {
      KT_TRY_VOID(mark_reply_sent(update_id));
    }
    return true;
  }
  /// The highest Telegram update id ever claimed (the poller resumes after it), or nullopt if none.
  /// Negative ids are the bot's own announcements (−contest id, see Contests) and are not counted.
  virtual Result<std::optional<std::int64_t>> last_update_id() = 0;

  // --- reply outbox (migration 0003) ----------------------------------------------------------
  /// Stores the reply (JSON, see bot/reply_codec.hpp) of a claimed update as not yet sent;
  /// NotFound if `update_id` was never claimed (then nothing is stored).
  virtual Result<void> store_reply(std::int64_t update_id, const std::string& reply_json) = 0;
  /// Marks the stored reply as accepted by Telegram and drops its text. Idempotent; an unknown
  /// update id is a no-op.
  virtual Result<void> mark_reply_sent(std::int64_t update_id) = 0;
  /// mark_reply_sent for each of `update_ids` (any order, duplicates allowed), in one statement
  /// where the backend allows: the front end reports deliveries in batches.
  virtual Result<void> mark_replies_sent(std::span<const std::int64_t> update_ids) = 0;
  /// Stored replies not yet sent, (update id, JSON), oldest update first, at most `limit`.
  virtual Result<std::vector<std::pair<std::int64_t, std::string>>> unsent_replies(int limit) = 0;
  /// The stored reply of `update_id` if it is not yet sent, else nullopt.
  virtual Result<std::optional<std::string>> stored_reply(std::int64_t update_id) = 0;
  /// True if `update_id` was claimed but its reply was neither stored nor marked sent: the process
  /// died between the command's commit and store_reply. (claim_update records a reply as due.)
  virtual Result<bool> reply_never_stored(std::int64_t update_id) = 0;

  // --- users ----------------------------------------------------------------------------------
  /// Inserts the user and their wallet (balance = initial) in this transaction.
  virtual Result<User> insert_user(const NewUser& user) = 0;
  virtual Result<std::optional<User>> find_user(UserId id) = 0;
  virtual Result<std::optional<User>> find_user_by_telegram_id(TelegramUserId telegram_id) = 0;
  /// Case-insensitive match on username (without '@').
  virtual Result<std::optional<User>> find_user_by_username(const std::string& username) = 0;
  virtual Result<void> set_role(UserId id, Role role) = 0;
  virtual Result<void> touch_user(UserId id, const std::string& username, TimePoint now) = 0;
  /// Users ordered by id, `limit` at most, starting after `after`. Contest accounts (negative
  /// telegram_id) are not users of their own and are left out here, in count_users and in
  /// count_active_users.
  virtual Result<std::vector<User>> list_users(std::int64_t after, int limit) = 0;
  virtual Result<std::int64_t> count_users() = 0;

  // --- wallets and ledger ---------------------------------------------------------------------
  /// Reads the wallet and locks it for the rest of the transaction (FOR UPDATE / the SQLite
  /// write lock), so concurrent money changes of the same user serialize. NotFound if no wallet.
  virtual Result<Wallet> lock_wallet(UserId user) = 0;
  /// Reads without locking.
  virtual Result<Wallet> get_wallet(UserId user) = 0;
  /// Appends `entry` (its id is ignored) and sets the wallet's balance to entry.balance_after.
  /// The backend refuses (E-STORAGE, rejected) a negative balance_after; callers check first.
  virtual Result<std::int64_t> append_ledger(const LedgerEntry& entry) = 0;
  /// append_ledger for a caller that does not need the entry's id (a trade). PostgreSQL sends it
  /// with the next statement or the COMMIT (one round trip less); its refusal, the same error as
  /// append_ledger's, is then returned by that call or by the commit, and nothing is written.
  virtual Result<void> append_ledger_deferred(const LedgerEntry& entry) {
    KT_TRY(const std::int64_t id, append_ledger(entry));
    (void)id;
    return {};
  }
  /// Entries newest first, at most `limit`, optionally only since `since`.
  virtual Result<std::vector<LedgerEntry>> ledger(UserId user, int limit, std::optional<TimePoint> since) = 0;
  /// Σ amounts of the user's ledger (for the conservation check).
  virtual Result<Lamports> ledger_sum(UserId user) = 0;

  // --- positions ------------------------------------------------------------------------------
  /// Inserts a new position; returns it with its id.
  virtual Result<Position> insert_position(const Position& position) = 0;
  /// Stores qty, cost, notional, realized PnL, status, closed_at and exit price of an existing position.
  virtual Result<void> update_position(const Position& position) = 0;
  /// Reads a position and locks it; NotFound if absent. Callers check ownership themselves.
  virtual Result<Position> lock_position(PositionId id) = 0;
  /// Reads a position without locking (usable in read()); NotFound if absent. Backends whose
  /// read transactions allow it may rely on this default.
  virtual Result<Position> get_position(PositionId id) { return lock_position(id); }
  virtual Result<std::vector<Position>> open_positions(UserId user) = 0;
  virtual Result<std::int64_t> count_open_positions(UserId user) = 0;
  /// Closed and liquidated positions, most recently closed first.
  virtual Result<std::vector<Position>> closed_positions(UserId user, int limit) = 0;
  /// Distinct mints with at least one open position (the tracker's working set).
  virtual Result<std::vector<Mint>> mints_with_open_positions() = 0;

  // --- tokens and prices ----------------------------------------------------------------------
  /// Inserts or updates by mint.
  virtual Result<void> upsert_token(const TokenRecord& token) = 0;
  virtual Result<std::optional<TokenRecord>> find_token(const Mint& mint) = 0;
  /// Active tokens whose symbol equals `symbol` case-insensitively.
  virtual Result<std::vector<TokenRecord>> find_tokens_by_symbol(const std::string& symbol) = 0;
  virtual Result<void> set_token_active(const Mint& mint, bool active) = 0;
  virtual Result<void> insert_price(const PriceRecord& price) = 0;
  /// The newest stored observation of a mint, if any.
  virtual Result<std::optional<PriceRecord>> latest_price(const Mint& mint) = 0;
  /// Observations of a mint with observed_at in [from, to], oldest first.
  virtual Result<std::vector<PriceRecord>> price_history(const Mint& mint, TimePoint from, TimePoint to) = 0;
  /// Inserts or replaces the metrics row of `metrics.mint`. Every double reads back bit for bit,
  /// except -0.0, which is stored as 0.0; a NaN or infinite value is refused (E-STORAGE, rejected).
  virtual Result<void> upsert_token_metrics(const TokenMetricsRecord& metrics) = 0;
  /// The metrics row of a mint, if any.
  virtual Result<std::optional<TokenMetricsRecord>> find_token_metrics(const Mint& mint) = 0;

  // Batch forms for the tracker, which writes a row of each per tracked token every cycle: the
  // same rows as the single-row methods, in a few statements instead of one per row.
  /// insert_price of each observation, in order.
  virtual Result<void> insert_prices(std::span<const PriceRecord> prices) = 0;
  /// upsert_token_metrics of each record, in order (of two records of one mint the later wins).
  /// If any value is NaN or infinite, nothing is written (E-STORAGE, rejected).
  virtual Result<void> upsert_token_metrics_many(std::span<const TokenMetricsRecord> metrics) = 0;
  /// Sets is_active = `active` on the known tokens among `mints` whose flag differs; unknown mints
  /// are skipped (unlike set_token_active). Returns how many tokens changed.
  virtual Result<std::size_t> set_tokens_active(std::span<const Mint> mints, bool active) = 0;

  // --- conditional orders (migration 0002) ----------------------------------------------------
  /// Inserts a new order; returns it with its id.
  virtual Result<Order> insert_order(const Order& order) = 0;
  /// Reads an order and locks it (FOR UPDATE / the SQLite write lock; a plain read inside read());
  /// NotFound if absent.
  virtual Result<Order> lock_order(OrderId id) = 0;
  /// Stores status, extreme, filled_at, filled_position, note and updated_at (the other fields
  /// never change); NotFound if absent.
  virtual Result<void> update_order(const Order& order) = 0;
  /// Pending orders on a mint, oldest (lowest id) first (evaluated on each price tick).
  virtual Result<std::vector<Order>> pending_orders_for_mint(const Mint& mint) = 0;
  /// A user's orders, newest (highest id) first, at most `limit` (negative: all); only pending
  /// ones when `pending_only`.
  virtual Result<std::vector<Order>> orders_of_user(UserId user, bool pending_only, int limit) = 0;
  /// Pending orders of a position, oldest first (cancelled when it closes).
  virtual Result<std::vector<Order>> pending_orders_for_position(PositionId position) = 0;
  /// Distinct mints with at least one pending order (the tracker watches them).
  virtual Result<std::vector<Mint>> mints_with_pending_orders() = 0;

  // --- groups and statistics (migration 0002) -------------------------------------------------
  /// Remembers that a user spoke in a group chat (for group leaderboards). Idempotent.
  virtual Result<void> record_group_member(std::int64_t chat_id, UserId user, TimePoint now) = 0;
  /// Users seen in a group chat, by user id.
  virtual Result<std::vector<UserId>> group_members(std::int64_t chat_id) = 0;
  /// Users whose last_active_at ≥ since.
  virtual Result<std::int64_t> count_active_users(TimePoint since) = 0;
  /// Open positions of all users.
  virtual Result<std::int64_t> count_all_open_positions() = 0;
  /// Ledger entries of kind open/close/liquidation created at or after `since`, all users.
  virtual Result<std::int64_t> count_trades_since(TimePoint since) = 0;
  /// Active tokens (solana_tokens.is_active).
  virtual Result<std::int64_t> count_active_tokens() = 0;

  // --- group contests (migration 0004) --------------------------------------------------------
  /// Inserts a contest; returns it with its id. A second running contest in the same chat is
  /// refused by a unique index (E-STORAGE, rejected); callers check latest_contest first.
  virtual Result<ContestRecord> insert_contest(const ContestRecord& contest) = 0;
  /// The contest, if any; `lock` takes its row lock (a plain read inside read()).
  virtual Result<std::optional<ContestRecord>> find_contest(std::int64_t id, bool lock) = 0;
  /// The chat's newest contest (highest id), running or ended, if any.
  virtual Result<std::optional<ContestRecord>> latest_contest(std::int64_t chat_id) = 0;
  /// Stores status, ended_at and announced_at; NotFound if absent.
  virtual Result<void> update_contest(const ContestRecord& contest) = 0;
  /// Contests whose final ranking is due: running with ends_at ≤ now, or ended and not yet
  /// announced; oldest first.
  virtual Result<std::vector<ContestRecord>> contests_to_finish(TimePoint now) = 0;
  /// Enters a user; a second entry of the same user (or a reused account) is refused (E-STORAGE,
  /// rejected); callers check contest_entry first.
  virtual Result<void> insert_contest_entry(const ContestEntryRecord& entry) = 0;
  virtual Result<std::optional<ContestEntryRecord>> contest_entry(std::int64_t contest_id, UserId user) = 0;
  /// Entries of a contest, by joined_at then user id.
  virtual Result<std::vector<ContestEntryRecord>> contest_entries(std::int64_t contest_id) = 0;
  /// The entry whose contest account is `account`, if it is one.
  virtual Result<std::optional<ContestEntryRecord>> contest_entry_of_account(UserId account) = 0;
};

/// What an SQLite file database's WAL checkpointer has done (cumulative; storage/sqlite/wal_checkpointer.hpp).
struct WalCheckpointCounts {
  std::uint64_t passive_passes = 0;  ///< checkpoints beside the writer
  std::uint64_t locked_passes = 0;   ///< checkpoints under the writer lock, so the WAL can start over
  std::uint64_t inline_passes = 0;   ///< checkpoints a commit ran itself (the thread fell behind)
  std::uint64_t failures = 0;        ///< checkpoints that returned an error (still busy, I/O)
};

/// A database. `write` runs `work` in one read-write transaction that takes the write lock up front
/// (SQLite BEGIN IMMEDIATE; PostgreSQL READ COMMITTED + row locks): commit if `work` returns ok,
/// roll back otherwise and return its error. `read` runs a read-only transaction.
class Repository {
 public:
  virtual ~Repository() = default;

  /// Applies pending migrations (idempotent; safe when several processes start together).
  virtual Result<void> migrate() = 0;
  /// Versions applied, ascending.
  virtual Result<std::vector<int>> applied_migrations() = 0;

  virtual Result<void> write(const std::function<Result<void>(Transaction&)>& work) = 0;
  virtual Result<void> read(const std::function<Result<void>(Transaction&)>& work) = 0;

  /// "sqlite" or "postgresql".
  virtual std::string backend_name() const = 0;
  /// An SQLite file database's checkpointer counters; nullopt for other databases.
  virtual std::optional<WalCheckpointCounts> wal_checkpoints() const { return std::nullopt; }
};

/// Opens a repository from a URL: `sqlite://path/to/file.db`, `sqlite::memory:`, or
/// `postgresql://user:pass@host:port/db`. Does not migrate.
Result<std::unique_ptr<Repository>> open_repository(const std::string& url, int pool_size = 4);

}  // namespace kt::storage
