#pragma once
// Every SQL statement the SQLite backend runs, as named constants. Statements are cached per
// connection by the address of these constants, so they are prepared once.
namespace kt::storage::sqlite::sql {

// --- transactions -----------------------------------------------------------------------------
inline constexpr char kBeginImmediate[] = "BEGIN IMMEDIATE";
inline constexpr char kBeginDeferred[] = "BEGIN DEFERRED";
inline constexpr char kCommit[] = "COMMIT";
inline constexpr char kRollback[] = "ROLLBACK";

// --- migrations -------------------------------------------------------------------------------
inline constexpr char kCreateSchemaMigrations[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT";
inline constexpr char kSchemaMigrationsExists[] =
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
inline constexpr char kAppliedVersions[] = "SELECT version FROM schema_migrations ORDER BY version";
inline constexpr char kMigrationApplied[] = "SELECT 1 FROM schema_migrations WHERE version = ?1";
// The database's own clock stamps applied_at: migrate() takes no `now`.
inline constexpr char kRecordMigration[] =
    "INSERT INTO schema_migrations(version, name, applied_at)"
    " VALUES(?1, ?2, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER))";

// --- exactly-once -----------------------------------------------------------------------------
inline constexpr char kClaimUpdate[] =
    "INSERT INTO processed_updates(update_id, user_id, processed_at, reply_sent) VALUES(?1, ?2, ?3, 0)"
    " ON CONFLICT(update_id) DO NOTHING";
inline constexpr char kClaimUpdateWithReply[] =
    "INSERT INTO processed_updates(update_id, user_id, processed_at, reply_sent, reply) VALUES(?1, NULL, ?2, ?3, ?4)"
    " ON CONFLICT(update_id) DO NOTHING";
inline constexpr char kLastUpdateId[] = "SELECT MAX(update_id) FROM processed_updates WHERE update_id >= 0";
inline constexpr char kStoreReply[] = "UPDATE processed_updates SET reply = ?2, reply_sent = 0 WHERE update_id = ?1";
inline constexpr char kMarkReplySent[] =
    "UPDATE processed_updates SET reply_sent = 1, reply = NULL WHERE update_id = ?1 AND reply_sent = 0";
inline constexpr char kUnsentReplies[] =
    "SELECT update_id, reply FROM processed_updates WHERE reply_sent = 0 AND reply IS NOT NULL"
    " ORDER BY update_id LIMIT ?1";
inline constexpr char kReplyNeverStored[] =
    "SELECT 1 FROM processed_updates WHERE update_id = ?1 AND reply_sent = 0 AND reply IS NULL";
inline constexpr char kStoredReply[] =
    "SELECT reply FROM processed_updates WHERE update_id = ?1 AND reply_sent = 0 AND reply IS NOT NULL";

// --- users ------------------------------------------------------------------------------------
#define KT_USER_COLUMNS "id, telegram_id, username, role, created_at, last_active_at"
inline constexpr char kInsertUser[] =
    "INSERT INTO users(telegram_id, username, role, created_at, last_active_at) VALUES(?1, ?2, ?3, ?4, ?4)";
inline constexpr char kInsertWallet[] =
    "INSERT INTO virtual_wallets(user_id, balance_lamports, initial_lamports, updated_at) VALUES(?1, ?2, ?2, ?3)";
inline constexpr char kFindUser[] = "SELECT " KT_USER_COLUMNS " FROM users WHERE id = ?1";
inline constexpr char kFindUserByTelegramId[] = "SELECT " KT_USER_COLUMNS " FROM users WHERE telegram_id = ?1";
// Uses the lower(username) index; the most recently active holder wins if a name moved.
inline constexpr char kFindUserByUsername[] = "SELECT " KT_USER_COLUMNS
                                              " FROM users WHERE lower(username) = lower(?1)"
                                              " ORDER BY last_active_at DESC, id DESC LIMIT 1";
inline constexpr char kSetRole[] = "UPDATE users SET role = ?2 WHERE id = ?1";
inline constexpr char kTouchUser[] = "UPDATE users SET username = ?2, last_active_at = ?3 WHERE id = ?1";
inline constexpr char kListUsers[] =
    "SELECT " KT_USER_COLUMNS " FROM users WHERE id > ?1 AND telegram_id >= 0 ORDER BY id LIMIT ?2";
inline constexpr char kCountUsers[] = "SELECT COUNT(*) FROM users WHERE telegram_id >= 0";
#undef KT_USER_COLUMNS

// --- wallets and ledger -----------------------------------------------------------------------
inline constexpr char kGetWallet[] =
    "SELECT user_id, balance_lamports, initial_lamports, updated_at FROM virtual_wallets WHERE user_id = ?1";
// Sets the balance only if the entry adds up (old balance + amount == balance_after), so the
// ledger invariant is checked inside the same statement, without an extra read.
inline constexpr char kApplyLedgerToWallet[] =
    "UPDATE virtual_wallets SET balance_lamports = ?2, updated_at = ?3"
    " WHERE user_id = ?1 AND balance_lamports + ?4 = ?2";
inline constexpr char kWalletBalance[] = "SELECT balance_lamports FROM virtual_wallets WHERE user_id = ?1";
#define KT_LEDGER_COLUMNS                                                                   \
  "id, user_id, kind, amount_lamports, balance_after_lamports, position_id, token_address," \
  " qty_raw, price_num, price_den, fee_lamports, pnl_lamports, update_id, note, created_at"
inline constexpr char kInsertLedger[] =
    "INSERT INTO wallet_ledger(user_id, kind, amount_lamports, balance_after_lamports, position_id,"
    " token_address, qty_raw, price_num, price_den, fee_lamports, pnl_lamports, update_id, note, created_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
inline constexpr char kLedger[] = "SELECT " KT_LEDGER_COLUMNS
                                  " FROM wallet_ledger WHERE user_id = ?1 AND created_at >= ?2"
                                  " ORDER BY created_at DESC, id DESC LIMIT ?3";
inline constexpr char kLedgerSum[] = "SELECT COALESCE(SUM(amount_lamports), 0) FROM wallet_ledger WHERE user_id = ?1";
#undef KT_LEDGER_COLUMNS

// --- positions --------------------------------------------------------------------------------
#define KT_POSITION_COLUMNS                                                                           \
  "id, user_id, token_address, symbol, decimals, side, status, qty_raw, initial_qty_raw,"             \
  " cost_lamports, initial_cost_lamports, entry_notional_lamports, entry_price_num, entry_price_den," \
  " realized_pnl_lamports, exit_price_num, exit_price_den, source, simulated, opened_at, closed_at"
inline constexpr char kInsertPosition[] =
    "INSERT INTO positions(user_id, token_address, symbol, decimals, side, status, qty_raw, initial_qty_raw,"
    " cost_lamports, initial_cost_lamports, entry_notional_lamports, entry_price_num, entry_price_den,"
    " realized_pnl_lamports, exit_price_num, exit_price_den, source, simulated, opened_at, closed_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";
inline constexpr char kUpdatePosition[] =
    "UPDATE positions SET qty_raw = ?2, cost_lamports = ?3, entry_notional_lamports = ?4,"
    " realized_pnl_lamports = ?5, status = ?6, closed_at = ?7, exit_price_num = ?8, exit_price_den = ?9"
    " WHERE id = ?1";
inline constexpr char kFindPosition[] = "SELECT " KT_POSITION_COLUMNS " FROM positions WHERE id = ?1";
inline constexpr char kOpenPositions[] =
    "SELECT " KT_POSITION_COLUMNS " FROM positions WHERE user_id = ?1 AND status = 'open' ORDER BY id";
inline constexpr char kCountOpenPositions[] = "SELECT COUNT(*) FROM positions WHERE user_id = ?1 AND status = 'open'";
inline constexpr char kClosedPositions[] = "SELECT " KT_POSITION_COLUMNS
                                           " FROM positions WHERE user_id = ?1 AND status <> 'open'"
                                           " ORDER BY closed_at DESC, id DESC LIMIT ?2";
inline constexpr char kMintsWithOpenPositions[] =
    "SELECT DISTINCT token_address FROM positions WHERE status = 'open' ORDER BY token_address";
#undef KT_POSITION_COLUMNS

// --- tokens and prices ------------------------------------------------------------------------
#define KT_TOKEN_COLUMNS "token_address, symbol, name, decimals, is_active, updated_at"
inline constexpr char kUpsertToken[] =
    "INSERT INTO solana_tokens(token_address, symbol, name, decimals, is_active, created_at, updated_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT(token_address) DO UPDATE SET symbol = excluded.symbol,"
    " name = excluded.name, decimals = excluded.decimals, is_active = excluded.is_active,"
    " updated_at = excluded.updated_at";
inline constexpr char kFindToken[] = "SELECT " KT_TOKEN_COLUMNS " FROM solana_tokens WHERE token_address = ?1";
inline constexpr char kFindTokensBySymbol[] =
    "SELECT " KT_TOKEN_COLUMNS " FROM solana_tokens WHERE lower(symbol) = lower(?1) AND is_active ORDER BY id";
inline constexpr char kSetTokenActive[] = "UPDATE solana_tokens SET is_active = ?2 WHERE token_address = ?1";
// ?2 is a JSON array of mints.
inline constexpr char kSetTokensActive[] =
    "UPDATE solana_tokens SET is_active = ?1 WHERE is_active <> ?1"
    " AND token_address IN (SELECT value FROM json_each(?2))";
#undef KT_TOKEN_COLUMNS
#define KT_PRICE_COLUMNS "token_address, price_num, price_den, decimals, price_usd, source, observed_at"
inline constexpr char kInsertPrice[] =
    "INSERT INTO token_prices(token_address, price_num, price_den, decimals, price_sol, price_usd, source,"
    " observed_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr char kLatestPrice[] =
    "SELECT " KT_PRICE_COLUMNS " FROM token_prices WHERE token_address = ?1 ORDER BY observed_at DESC, id DESC LIMIT 1";
inline constexpr char kPriceHistory[] = "SELECT " KT_PRICE_COLUMNS
                                        " FROM token_prices WHERE token_address = ?1 AND observed_at BETWEEN ?2 AND ?3"
                                        " ORDER BY observed_at, id";
#undef KT_PRICE_COLUMNS
#define KT_METRICS_COLUMNS \
  "token_address, last_price_sol, change_1h_pct, change_24h_pct, high_24h, low_24h, volatility_24h, updated_at"
inline constexpr char kUpsertTokenMetrics[] =
    "INSERT INTO token_metrics(" KT_METRICS_COLUMNS
    ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT(token_address) DO UPDATE SET last_price_sol = excluded.last_price_sol,"
    " change_1h_pct = excluded.change_1h_pct, change_24h_pct = excluded.change_24h_pct,"
    " high_24h = excluded.high_24h, low_24h = excluded.low_24h, volatility_24h = excluded.volatility_24h,"
    " updated_at = excluded.updated_at";
inline constexpr char kFindTokenMetrics[] = "SELECT " KT_METRICS_COLUMNS " FROM token_metrics WHERE token_address = ?1";
#undef KT_METRICS_COLUMNS

// --- conditional orders (migration 0002) ------------------------------------------------------
#define KT_ORDER_COLUMNS                                                                                  \
  "id, user_id, kind, status, token_address, decimals, position_id, side, size_lamports, trigger_num,"    \
  " trigger_den, trail_bps, extreme_num, extreme_den, close_percent, expires_at, created_at, updated_at," \
  " filled_at, filled_position_id, note"
inline constexpr char kInsertOrder[] =
    "INSERT INTO orders(user_id, kind, status, token_address, decimals, position_id, side, size_lamports,"
    " trigger_num, trigger_den, trail_bps, extreme_num, extreme_den, close_percent, expires_at, created_at,"
    " updated_at, filled_at, filled_position_id, note)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";
inline constexpr char kUpdateOrder[] =
    "UPDATE orders SET status = ?2, extreme_num = ?3, extreme_den = ?4, filled_at = ?5, filled_position_id = ?6,"
    " note = ?7, updated_at = ?8 WHERE id = ?1";
inline constexpr char kFindOrder[] = "SELECT " KT_ORDER_COLUMNS " FROM orders WHERE id = ?1";
// status = 'pending' as a literal so the partial indexes apply; ids give insertion order.
inline constexpr char kPendingOrdersForMint[] =
    "SELECT " KT_ORDER_COLUMNS " FROM orders WHERE token_address = ?1 AND status = 'pending' ORDER BY id";
inline constexpr char kOrdersOfUser[] = "SELECT " KT_ORDER_COLUMNS
                                        " FROM orders WHERE user_id = ?1 AND (?2 = 0 OR status = 'pending')"
                                        " ORDER BY id DESC LIMIT ?3";
inline constexpr char kPendingOrdersForPosition[] =
    "SELECT " KT_ORDER_COLUMNS " FROM orders WHERE position_id = ?1 AND status = 'pending' ORDER BY id";
inline constexpr char kMintsWithPendingOrders[] =
    "SELECT DISTINCT token_address FROM orders WHERE status = 'pending' ORDER BY token_address";
#undef KT_ORDER_COLUMNS

// --- groups and statistics (migration 0002) ---------------------------------------------------
// first/last seen only widen, whatever order the messages are recorded in.
inline constexpr char kRecordGroupMember[] =
    "INSERT INTO group_members(chat_id, user_id, first_seen_at, last_seen_at) VALUES(?1, ?2, ?3, ?3)"
    " ON CONFLICT(chat_id, user_id) DO UPDATE SET first_seen_at = MIN(first_seen_at, excluded.first_seen_at),"
    " last_seen_at = MAX(last_seen_at, excluded.last_seen_at)";
inline constexpr char kGroupMembers[] = "SELECT user_id FROM group_members WHERE chat_id = ?1 ORDER BY user_id";
inline constexpr char kCountActiveUsers[] =
    "SELECT COUNT(*) FROM users WHERE last_active_at >= ?1 AND telegram_id >= 0";
inline constexpr char kCountAllOpenPositions[] = "SELECT COUNT(*) FROM positions WHERE status = 'open'";
inline constexpr char kCountTradesSince[] =
    "SELECT COUNT(*) FROM wallet_ledger WHERE created_at >= ?1 AND kind IN ('open', 'close', 'liquidation')";
inline constexpr char kCountActiveTokens[] = "SELECT COUNT(*) FROM solana_tokens WHERE is_active";

// --- group contests (migration 0004) -----------------------------------------------------------
#define KT_CONTEST_COLUMNS \
  "id, chat_id, started_by, starting_lamports, started_at, ends_at, status, ended_at, announced_at"
inline constexpr char kInsertContest[] =
    "INSERT INTO contests(chat_id, started_by, starting_lamports, started_at, ends_at, status, ended_at,"
    " announced_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr char kFindContest[] = "SELECT " KT_CONTEST_COLUMNS " FROM contests WHERE id = ?1";
inline constexpr char kLatestContest[] =
    "SELECT " KT_CONTEST_COLUMNS " FROM contests WHERE chat_id = ?1 ORDER BY id DESC LIMIT 1";
inline constexpr char kUpdateContest[] =
    "UPDATE contests SET status = ?2, ended_at = ?3, announced_at = ?4 WHERE id = ?1";
inline constexpr char kContestsToFinish[] = "SELECT " KT_CONTEST_COLUMNS
                                            " FROM contests WHERE (status = 'running' AND ends_at <= ?1)"
                                            " OR (status = 'ended' AND announced_at IS NULL) ORDER BY id";
#undef KT_CONTEST_COLUMNS
// Column order matches read_entry in tx_contests.cpp.
#define KT_CONTEST_ENTRY_COLUMNS "contest_id, user_id, account_id, joined_at"
inline constexpr char kInsertContestEntry[] =
    "INSERT INTO contest_entries(" KT_CONTEST_ENTRY_COLUMNS ") VALUES(?1, ?2, ?3, ?4)";
inline constexpr char kContestEntry[] =
    "SELECT " KT_CONTEST_ENTRY_COLUMNS " FROM contest_entries WHERE contest_id = ?1 AND user_id = ?2";
inline constexpr char kContestEntries[] =
    "SELECT " KT_CONTEST_ENTRY_COLUMNS " FROM contest_entries WHERE contest_id = ?1 ORDER BY joined_at, user_id";
inline constexpr char kContestEntryOfAccount[] =
    "SELECT " KT_CONTEST_ENTRY_COLUMNS " FROM contest_entries WHERE account_id = ?1";
#undef KT_CONTEST_ENTRY_COLUMNS

}  // namespace kt::storage::sqlite::sql
