// SqliteTransaction: exactly-once claims, users, wallets and the money ledger.
#include <limits>
#include <string>

#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"

namespace kt::storage::sqlite {

namespace {

Error missing(std::string_view what, std::int64_t id) {
  return not_found(kNotFoundCode, "no " + std::string(what) + " with id " + std::to_string(id));
}

}  // namespace

// --- exactly-once -----------------------------------------------------------------------------

Result<bool> SqliteTransaction::claim_update(std::int64_t update_id, std::optional<UserId> user, TimePoint now) {
  KT_TRY(auto st, db_.prepare(sql::kClaimUpdate));
  st.bind(1, update_id).bind(3, to_unix_millis(now));
  if (user)
    st.bind(2, user->value);
  else
    st.bind_null(2);
  KT_TRY_VOID(st.run());
  return db_.changes() == 1;
}

Result<bool> SqliteTransaction::claim_update_with_reply(std::int64_t update_id, TimePoint now,
                                                        const std::optional<std::string>& reply_json) {
  KT_TRY(auto st, db_.prepare(sql::kClaimUpdateWithReply));
  st.bind(1, update_id).bind(2, to_unix_millis(now)).bind(3, std::int64_t{reply_json ? 0 : 1});
  if (reply_json)
    st.bind(4, std::string_view(*reply_json));
  else
    st.bind_null(4);
  KT_TRY_VOID(st.run());
  return db_.changes() == 1;
}

Result<std::optional<std::int64_t>> SqliteTransaction::last_update_id() {
  KT_TRY(auto st, db_.prepare(sql::kLastUpdateId));
  KT_TRY(const bool row, st.step());
  if (!row || st.column_is_null(0)) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{st.column_int64(0)};
}

Result<void> SqliteTransaction::store_reply(std::int64_t update_id, const std::string& reply_json) {
  KT_TRY(auto st, db_.prepare(sql::kStoreReply));
  st.bind(1, update_id).bind(2, std::string_view(reply_json));
  KT_TRY_VOID(st.run());
  if (db_.changes() == 0) return not_found(kNotFoundCode, "update " + std::to_string(update_id) + " was never claimed");
  return {};
}

Result<void> SqliteTransaction::mark_reply_sent(std::int64_t update_id) {
  KT_TRY(auto st, db_.prepare(sql::kMarkReplySent));
  st.bind(1, update_id);
  return st.run();
}

Result<void> SqliteTransaction::mark_replies_sent(std::span<const std::int64_t> update_ids) {
  // One cached statement per id: in SQLite a statement costs microseconds, the commit is what counts.
  for (const std::int64_t update_id : update_ids) {
    KT_TRY_VOID(mark_reply_sent(update_id));
  }
  return {};
}

Result<std::vector<std::pair<std::int64_t, std::string>>> SqliteTransaction::unsent_replies(int limit) {
  KT_TRY(auto st, db_.prepare(sql::kUnsentReplies));
  st.bind(1, std::int64_t{limit});
  std::vector<std::pair<std::int64_t, std::string>> out;
  while (true) {
    KT_TRY(const bool row, st.step());
    if (!row) break;
    out.emplace_back(st.column_int64(0), std::string(st.column_text(1)));
  }
  return out;
}

Result<std::optional<std::string>> SqliteTransaction::stored_reply(std::int64_t update_id) {
  KT_TRY(auto st, db_.prepare(sql::kStoredReply));
  st.bind(1, update_id);
  KT_TRY(const bool row, st.step());
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(st.column_text(0))};
}

Result<bool> SqliteTransaction::reply_never_stored(std::int64_t update_id) {
  KT_TRY(auto st, db_.prepare(sql::kReplyNeverStored));
  st.bind(1, update_id);
  return st.step();
}

// --- users ------------------------------------------------------------------------------------

Result<User> SqliteTransaction::insert_user(const NewUser& user) {
  if (user.initial_balance.value < 0) {
    return rejected(kStorageCode, "a new user's initial balance cannot be negative");
  }
  const std::int64_t now = to_unix_millis(user.now);
  {
    KT_TRY(auto st, db_.prepare(sql::kInsertUser));
    st.bind(1, user.telegram_id.value)
        .bind(2, std::string_view(user.username))
        .bind(3, to_string(user.role))
        .bind(4, now);
    KT_TRY_VOID(st.run());
  }
  const UserId id{db_.last_insert_rowid()};
  {
    KT_TRY(auto st, db_.prepare(sql::kInsertWallet));
    st.bind(1, id.value).bind(2, user.initial_balance.value).bind(3, now);
    KT_TRY_VOID(st.run());
  }
  return User{id, user.telegram_id, user.username, user.role, from_unix_millis(now), from_unix_millis(now)};
}

Result<std::optional<User>> SqliteTransaction::find_user(UserId id) {
  KT_TRY(auto st, db_.prepare(sql::kFindUser));
  st.bind(1, id.value);
  return query_one<User>(st, read_user);
}

Result<std::optional<User>> SqliteTransaction::find_user_by_telegram_id(TelegramUserId telegram_id) {
  KT_TRY(auto st, db_.prepare(sql::kFindUserByTelegramId));
  st.bind(1, telegram_id.value);
  return query_one<User>(st, read_user);
}

Result<std::optional<User>> SqliteTransaction::find_user_by_username(const std::string& username) {
  KT_TRY(auto st, db_.prepare(sql::kFindUserByUsername));
  st.bind(1, std::string_view(username));
  return query_one<User>(st, read_user);
}

Result<void> SqliteTransaction::set_role(UserId id, Role role) {
  KT_TRY(auto st, db_.prepare(sql::kSetRole));
  st.bind(1, id.value).bind(2, to_string(role));
  KT_TRY_VOID(st.run());
  if (db_.changes() == 0) return missing("user", id.value);
  return ok_result();
}

Result<void> SqliteTransaction::touch_user(UserId id, const std::string& username, TimePoint now) {
  KT_TRY(auto st, db_.prepare(sql::kTouchUser));
  st.bind(1, id.value).bind(2, std::string_view(username)).bind(3, to_unix_millis(now));
  KT_TRY_VOID(st.run());
  if (db_.changes() == 0) return missing("user", id.value);
  return ok_result();
}

Result<std::vector<User>> SqliteTransaction::list_users(std::int64_t after, int limit) {
  if (limit <= 0) return std::vector<User>{};
  KT_TRY(auto st, db_.prepare(sql::kListUsers));
  st.bind(1, after).bind(2, std::int64_t{limit});
  return query_all<User>(st, read_user);
}

Result<std::int64_t> SqliteTransaction::count_users() {
  KT_TRY(auto st, db_.prepare(sql::kCountUsers));
  return query_int64(st);
}

// --- wallets and ledger -----------------------------------------------------------------------

// BEGIN IMMEDIATE already holds the database's write lock, so a plain read locks the wallet.
Result<Wallet> SqliteTransaction::lock_wallet(UserId user) { return get_wallet(user); }

Result<Wallet> SqliteTransaction::get_wallet(UserId user) {
  KT_TRY(auto st, db_.prepare(sql::kGetWallet));
  st.bind(1, user.value);
  KT_TRY(auto wallet, query_one<Wallet>(st, read_wallet));
  if (!wallet) return not_found(kNotFoundCode, "no wallet for user " + std::to_string(user.value));
  return *wallet;
}

Result<std::int64_t> SqliteTransaction::append_ledger(const LedgerEntry& e) {
  if (e.balance_after.value < 0) {
    return rejected(kStorageCode, "refusing a ledger entry that leaves a negative balance (" +
                                      std::to_string(e.balance_after.value) + " lamports)");
  }
  const std::int64_t created = to_unix_millis(e.created_at);
  {
    KT_TRY(auto st, db_.prepare(sql::kApplyLedgerToWallet));
    st.bind(1, e.user.value).bind(2, e.balance_after.value).bind(3, created).bind(4, e.amount.value);
    KT_TRY_VOID(st.run());
  }
  if (db_.changes() == 0) {
    // Only on failure: tell a missing wallet from an entry that does not add up.
    KT_TRY(auto st, db_.prepare(sql::kWalletBalance));
    st.bind(1, e.user.value);
    KT_TRY(const bool row, st.step());
    if (!row) return not_found(kNotFoundCode, "no wallet for user " + std::to_string(e.user.value));
    return rejected(kStorageCode, "ledger entry does not add up: balance " + std::to_string(st.column_int64(0)) +
                                      " + amount " + std::to_string(e.amount.value) + " != balance_after " +
                                      std::to_string(e.balance_after.value));
  }
  KT_TRY(auto st, db_.prepare(sql::kInsertLedger));
  st.bind(1, e.user.value).bind(2, to_string(e.kind)).bind(3, e.amount.value).bind(4, e.balance_after.value);
  if (e.position)
    st.bind(5, e.position->value);
  else
    st.bind_null(5);
  if (e.mint)
    st.bind(6, e.mint->text());
  else
    st.bind_null(6);
  st.bind(7, std::string_view(u64_text(e.qty_raw)));
  if (e.price) {
    st.bind(8, std::string_view(u128_to_string(e.price->num())))
        .bind(9, std::string_view(u128_to_string(e.price->den())));
  } else {
    st.bind_null(8).bind_null(9);
  }
  st.bind(10, e.fee.value)
      .bind(11, e.pnl.value)
      .bind(12, e.update_id)
      .bind(13, std::string_view(e.note))
      .bind(14, created);
  KT_TRY_VOID(st.run());
  return db_.last_insert_rowid();
}

Result<std::vector<LedgerEntry>> SqliteTransaction::ledger(UserId user, int limit, std::optional<TimePoint> since) {
  if (limit <= 0) return std::vector<LedgerEntry>{};
  KT_TRY(auto st, db_.prepare(sql::kLedger));
  st.bind(1, user.value)
      .bind(2, since ? to_unix_millis(*since) : std::numeric_limits<std::int64_t>::min())
      .bind(3, std::int64_t{limit});
  return query_all<LedgerEntry>(st, read_ledger_entry);
}

Result<Lamports> SqliteTransaction::ledger_sum(UserId user) {
  KT_TRY(auto st, db_.prepare(sql::kLedgerSum));
  st.bind(1, user.value);
  KT_TRY(const std::int64_t sum, query_int64(st));
  return Lamports{sum};
}

}  // namespace kt::storage::sqlite
