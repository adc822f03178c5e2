#pragma once
// Every SQL statement of the PostgreSQL backend, as named constants. Each is prepared once per
// connection. Column lists match the decoders in pg_rows.cpp.
#include "storage/postgres/pg_connection.hpp"

namespace kt::storage::postgres::sql {

#define KT_PG_USER_COLUMNS "id, telegram_id, username, role, created_at, last_active_at"
#define KT_PG_WALLET_COLUMNS "user_id, balance_lamports, initial_lamports, updated_at"
#define KT_PG_POSITION_COLUMNS                                                                        \
  "id, user_id, token_address, symbol, decimals, side, status, qty_raw, initial_qty_raw, "            \
  "cost_lamports, initial_cost_lamports, entry_notional_lamports, entry_price_num, entry_price_den, " \
  "realized_pnl_lamports, exit_price_num, exit_price_den, source, simulated, opened_at, closed_at"
#define KT_PG_LEDGER_COLUMNS                                                                          \
  "id, user_id, kind, amount_lamports, balance_after_lamports, position_id, token_address, qty_raw, " \
  "price_num, price_den, fee_lamports, pnl_lamports, update_id, note, created_at"
#define KT_PG_TOKEN_COLUMNS "token_address, symbol, name, decimals, is_active, updated_at"
#define KT_PG_PRICE_COLUMNS "token_address, price_num, price_den, decimals, price_usd, source, observed_at"

// --- transaction control -----------------------------------------------------------------------
// Prepared like every other statement, so the server does not parse them again per transaction.
inline constexpr Statement kBeginWrite{"kt_begin_write", "BEGIN ISOLATION LEVEL READ COMMITTED"};
// One snapshot for all reads of a read(): a consistent view of balances and ledger.
inline constexpr Statement kBeginRead{"kt_begin_read", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"};
inline constexpr Statement kCommit{"kt_commit", "COMMIT"};

// --- exactly-once ------------------------------------------------------------------------------
inline constexpr Statement kClaimUpdate{
    "kt_claim_update",
    "INSERT INTO processed_updates (update_id, user_id, processed_at, reply_sent) VALUES ($1, $2, $3, false) "
    "ON CONFLICT (update_id) DO NOTHING RETURNING update_id"};
inline constexpr Statement kClaimUpdateWithReply{
    "kt_claim_update_with_reply",
    "INSERT INTO processed_updates (update_id, user_id, processed_at, reply_sent, reply) VALUES ($1, NULL, $2, $3, $4) "
    "ON CONFLICT (update_id) DO NOTHING RETURNING update_id"};
inline constexpr Statement kLastUpdateId{"kt_last_update_id",
                                         "SELECT max(update_id) FROM processed_updates WHERE update_id >= 0"};
inline constexpr Statement kStoreReply{
    "kt_store_reply", "UPDATE processed_updates SET reply = $2, reply_sent = false WHERE update_id = $1"};
inline constexpr Statement kMarkReplySent{
    "kt_mark_reply_sent",
    "UPDATE processed_updates SET reply_sent = true, reply = NULL WHERE update_id = $1 AND NOT reply_sent"};
inline constexpr Statement kMarkRepliesSent{"kt_mark_replies_sent",
                                            "UPDATE processed_updates SET reply_sent = true, reply = NULL WHERE "
                                            "update_id = ANY($1::bigint[]) AND NOT reply_sent"};
inline constexpr Statement kUnsentReplies{
    "kt_unsent_replies",
    "SELECT update_id, reply FROM processed_updates WHERE NOT reply_sent AND reply IS NOT NULL "
    "ORDER BY update_id LIMIT $1"};
inline constexpr Statement kReplyNeverStored{
    "kt_reply_never_stored",
    "SELECT 1 FROM processed_updates WHERE update_id = $1 AND NOT reply_sent AND reply IS NULL"};
inline constexpr Statement kStoredReply{
    "kt_stored_reply",
    "SELECT reply FROM processed_updates WHERE update_id = $1 AND NOT reply_sent AND reply IS NOT NULL"};

// --- users -------------------------------------------------------------------------------------
// The user and its wallet in one statement; a duplicate telegram_id returns no row instead of
// failing, so the surrounding transaction stays usable (as with SQLite).
inline constexpr Statement kInsertUser{
    "kt_insert_user",
    "WITH u AS (INSERT INTO users (telegram_id, username, role, created_at, last_active_at) "
    "VALUES ($1, $2, $3, $4, $4) ON CONFLICT (telegram_id) DO NOTHING RETURNING " KT_PG_USER_COLUMNS
    "), "
    "w AS (INSERT INTO virtual_wallets (user_id, balance_lamports, initial_lamports, updated_at) "
    "SELECT id, $5::bigint, $5::bigint, $4::bigint FROM u) "
    "SELECT " KT_PG_USER_COLUMNS " FROM u"};
inline constexpr Statement kFindUser{"kt_find_user", "SELECT " KT_PG_USER_COLUMNS " FROM users WHERE id = $1"};
inline constexpr Statement kFindUserByTelegramId{"kt_find_user_by_telegram_id",
                                                 "SELECT " KT_PG_USER_COLUMNS " FROM users WHERE telegram_id = $1"};
inline constexpr Statement kFindUserByUsername{"kt_find_user_by_username",
                                               "SELECT " KT_PG_USER_COLUMNS
                                               " FROM users WHERE lower(username) = lower($1) ORDER BY id LIMIT 1"};
inline constexpr Statement kSetRole{"kt_set_role", "UPDATE users SET role = $2 WHERE id = $1"};
inline constexpr Statement kTouchUser{"kt_touch_user",
                                      "UPDATE users SET username = $2, last_active_at = $3 WHERE id = $1"};
inline constexpr Statement kListUsers{"kt_list_users",
                                      "SELECT " KT_PG_USER_COLUMNS
                                      " FROM users WHERE id > $1 AND telegram_id >= 0 ORDER BY id LIMIT $2"};
inline constexpr Statement kCountUsers{"kt_count_users", "SELECT count(*) FROM users WHERE telegram_id >= 0"};

// --- wallets and ledger ------------------------------------------------------------------------
inline constexpr Statement kLockWallet{
    "kt_lock_wallet", "SELECT " KT_PG_WALLET_COLUMNS " FROM virtual_wallets WHERE user_id = $1 FOR UPDATE"};
inline constexpr Statement kGetWallet{"kt_get_wallet",
                                      "SELECT " KT_PG_WALLET_COLUMNS " FROM virtual_wallets WHERE user_id = $1"};
// The entry and the new balance in one statement (one round trip). The wallet changes only if
// old balance + amount = balance_after. Returns the new entry's id; otherwise the server raises
// the refusal (kt_refuse, migration 0005: KT404 no wallet, KT422 does not add up), which aborts
// the transaction, so this can go in the same pipeline as COMMIT. The balance is read only on
// failure (COALESCE evaluates its second argument only when the first is NULL).
inline constexpr Statement kAppendLedger{
    "kt_append_ledger",
    "WITH w AS (UPDATE virtual_wallets SET balance_lamports = $4, updated_at = $14 "
    "WHERE user_id = $1 AND balance_lamports + $3::bigint = $4::bigint RETURNING user_id), "
    "l AS (INSERT INTO wallet_ledger (user_id, kind, amount_lamports, balance_after_lamports, position_id, "
    "token_address, qty_raw, price_num, price_den, fee_lamports, pnl_lamports, update_id, note, created_at) "
    "SELECT w.user_id, $2::text, $3::bigint, $4::bigint, $5::bigint, $6::text, $7::numeric, $8::numeric, "
    "$9::numeric, $10::bigint, $11::bigint, $12::bigint, $13::text, $14::bigint FROM w RETURNING id) "
    "SELECT COALESCE((SELECT id FROM l), (SELECT CASE WHEN c.balance IS NULL "
    "THEN kt_refuse('KT404', 'no wallet for user ' || $1::bigint) "
    "ELSE kt_refuse('KT422', 'ledger entry does not add up: balance ' || c.balance || ' + amount ' || $3::bigint "
    "|| ' != ' || $4::bigint) END "
    "FROM (SELECT (SELECT balance_lamports FROM virtual_wallets WHERE user_id = $1) AS balance) AS c))"};
inline constexpr Statement kLedger{"kt_ledger", "SELECT " KT_PG_LEDGER_COLUMNS
                                                " FROM wallet_ledger WHERE user_id = $1 AND created_at >= $2 "
                                                "ORDER BY created_at DESC, id DESC LIMIT $3"};
inline constexpr Statement kLedgerSum{
    "kt_ledger_sum", "SELECT COALESCE(sum(amount_lamports), 0)::bigint FROM wallet_ledger WHERE user_id = $1"};

// --- positions ---------------------------------------------------------------------------------
inline constexpr Statement kInsertPosition{
    "kt_insert_position",
    "INSERT INTO positions (user_id, token_address, symbol, decimals, side, status, qty_raw, "
    "initial_qty_raw, cost_lamports, initial_cost_lamports, entry_notional_lamports, entry_price_num, "
    "entry_price_den, realized_pnl_lamports, exit_price_num, exit_price_den, source, simulated, opened_at, "
    "closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20) RETURNING id"};
// Raises KT404 if there is no such position (so it can go in the same pipeline as COMMIT).
inline constexpr Statement kUpdatePosition{
    "kt_update_position",
    "WITH u AS (UPDATE positions SET qty_raw = $2, cost_lamports = $3, entry_notional_lamports = $4, "
    "realized_pnl_lamports = $5, status = $6, closed_at = $7, exit_price_num = $8, exit_price_den = $9 "
    "WHERE id = $1 RETURNING id) "
    "SELECT COALESCE((SELECT id FROM u), kt_refuse('KT404', 'no position ' || $1::bigint))"};
inline constexpr Statement kLockPosition{"kt_lock_position",
                                         "SELECT " KT_PG_POSITION_COLUMNS " FROM positions WHERE id = $1 FOR UPDATE"};
inline constexpr Statement kGetPosition{"kt_get_position",
                                        "SELECT " KT_PG_POSITION_COLUMNS " FROM positions WHERE id = $1"};
// status = 'open' as a literal so that idx_open_positions' predicate is provably implied.
inline constexpr Statement kOpenPositions{"kt_open_positions",
                                          "SELECT " KT_PG_POSITION_COLUMNS
                                          " FROM positions WHERE user_id = $1 AND status = 'open' ORDER BY id"};
inline constexpr Statement kCountOpenPositions{"kt_count_open_positions",
                                               "SELECT count(*) FROM positions WHERE user_id = $1 AND status = 'open'"};
inline constexpr Statement kClosedPositions{"kt_closed_positions",
                                            "SELECT " KT_PG_POSITION_COLUMNS
                                            " FROM positions WHERE user_id = $1 AND status <> 'open' "
                                            "ORDER BY closed_at DESC NULLS LAST, id DESC LIMIT $2"};
inline constexpr Statement kMintsWithOpenPositions{
    "kt_mints_with_open_positions",
    "SELECT DISTINCT token_address FROM positions WHERE status = 'open' ORDER BY token_address"};

// --- tokens and prices -------------------------------------------------------------------------
inline constexpr Statement kUpsertToken{"kt_upsert_token", "SELECT kt_upsert_token($1, $2, $3, $4, $5, $6)"};
// Each branch has exactly one usable (partial) index; see migrations/postgres/0001_initial.sql.
inline constexpr Statement kFindToken{"kt_find_token",
                                      "(SELECT " KT_PG_TOKEN_COLUMNS
                                      " FROM solana_tokens WHERE token_address = $1 AND is_active) UNION ALL "
                                      "(SELECT " KT_PG_TOKEN_COLUMNS
                                      " FROM solana_tokens WHERE token_address = $1 AND NOT is_active) LIMIT 1"};
inline constexpr Statement kFindTokensBySymbol{"kt_find_tokens_by_symbol",
                                               "SELECT " KT_PG_TOKEN_COLUMNS
                                               " FROM solana_tokens WHERE lower(symbol) = lower($1) AND is_active "
                                               "ORDER BY token_address"};
inline constexpr Statement kActivateToken{
    "kt_activate_token", "UPDATE solana_tokens SET is_active = true WHERE token_address = $1 AND NOT is_active"};
inline constexpr Statement kDeactivateToken{
    "kt_deactivate_token", "UPDATE solana_tokens SET is_active = false WHERE token_address = $1 AND is_active"};
inline constexpr Statement kInsertPrice{
    "kt_insert_price",
    "INSERT INTO token_prices (token_address, price_num, price_den, decimals, price_sol, price_usd, source, "
    "observed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
inline constexpr Statement kLatestPrice{"kt_latest_price", "SELECT " KT_PG_PRICE_COLUMNS
                                                           " FROM token_prices WHERE token_address = $1 "
                                                           "ORDER BY observed_at DESC, id DESC LIMIT 1"};
inline constexpr Statement kPriceHistory{"kt_price_history",
                                         "SELECT " KT_PG_PRICE_COLUMNS
                                         " FROM token_prices WHERE token_address = $1 AND observed_at >= $2 "
                                         "AND observed_at <= $3 ORDER BY observed_at, id"};
#define KT_PG_METRICS_COLUMNS \
  "token_address, last_price_sol, change_1h_pct, change_24h_pct, high_24h, low_24h, volatility_24h, updated_at"
inline constexpr Statement kUpsertTokenMetrics{
    "kt_upsert_token_metrics",
    "INSERT INTO token_metrics (" KT_PG_METRICS_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (token_address) DO UPDATE SET last_price_sol = EXCLUDED.last_price_sol, "
    "change_1h_pct = EXCLUDED.change_1h_pct, change_24h_pct = EXCLUDED.change_24h_pct, "
    "high_24h = EXCLUDED.high_24h, low_24h = EXCLUDED.low_24h, volatility_24h = EXCLUDED.volatility_24h, "
    "updated_at = EXCLUDED.updated_at"};
// The tracker's batch forms: one statement per batch, the rows as parallel array parameters.
inline constexpr Statement kInsertPrices{
    "kt_insert_prices",
    "INSERT INTO token_prices (token_address, price_num, price_den, decimals, price_sol, price_usd, source, "
    "observed_at) SELECT a, n, d, dec, sol, usd, src, t FROM unnest($1::text[], $2::numeric[], $3::numeric[], "
    "$4::int[], $5::float8[], $6::float8[], $7::text[], $8::bigint[]) WITH ORDINALITY AS r(a, n, d, dec, sol, usd, "
    "src, t, i) ORDER BY i"};
inline constexpr Statement kUpsertTokenMetricsMany{
    "kt_upsert_token_metrics_many",
    "INSERT INTO token_metrics (" KT_PG_METRICS_COLUMNS
    ") SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], "
    "$7::float8[], $8::bigint[]) "
    "ON CONFLICT (token_address) DO UPDATE SET last_price_sol = EXCLUDED.last_price_sol, "
    "change_1h_pct = EXCLUDED.change_1h_pct, change_24h_pct = EXCLUDED.change_24h_pct, "
    "high_24h = EXCLUDED.high_24h, low_24h = EXCLUDED.low_24h, volatility_24h = EXCLUDED.volatility_24h, "
    "updated_at = EXCLUDED.updated_at"};
inline constexpr Statement kActivateTokens{
    "kt_activate_tokens",
    "UPDATE solana_tokens SET is_active = true WHERE token_address = ANY($1::text[]) AND NOT is_active"};
inline constexpr Statement kDeactivateTokens{
    "kt_deactivate_tokens",
    "UPDATE solana_tokens SET is_active = false WHERE token_address = ANY($1::text[]) AND is_active"};
inline constexpr Statement kFindTokenMetrics{
    "kt_find_token_metrics", "SELECT " KT_PG_METRICS_COLUMNS " FROM token_metrics WHERE token_address = $1"};

// --- conditional orders (migration 0002) ------------------------------------------------------
#define KT_PG_ORDER_COLUMNS                                                                               \
  "id, user_id, kind, status, token_address, decimals, position_id, side, size_lamports, trigger_num, "   \
  "trigger_den, trail_bps, extreme_num, extreme_den, close_percent, expires_at, created_at, updated_at, " \
  "filled_at, filled_position_id, note"
inline constexpr Statement kInsertOrder{
    "kt_insert_order",
    "INSERT INTO orders (user_id, kind, status, token_address, decimals, position_id, side, size_lamports, "
    "trigger_num, trigger_den, trail_bps, extreme_num, extreme_den, close_percent, expires_at, created_at, "
    "updated_at, filled_at, filled_position_id, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
    "$12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id"};
inline constexpr Statement kUpdateOrder{
    "kt_update_order",
    "UPDATE orders SET status = $2, extreme_num = $3, extreme_den = $4, filled_at = $5, filled_position_id = $6, "
    "note = $7, updated_at = $8 WHERE id = $1"};
inline constexpr Statement kLockOrder{"kt_lock_order",
                                      "SELECT " KT_PG_ORDER_COLUMNS " FROM orders WHERE id = $1 FOR UPDATE"};
inline constexpr Statement kGetOrder{"kt_get_order", "SELECT " KT_PG_ORDER_COLUMNS " FROM orders WHERE id = $1"};
// status = 'pending' as a literal so that the partial indexes' predicate is provably implied;
// ids give insertion order.
inline constexpr Statement kPendingOrdersForMint{
    "kt_pending_orders_for_mint",
    "SELECT " KT_PG_ORDER_COLUMNS " FROM orders WHERE token_address = $1 AND status = 'pending' ORDER BY id"};
inline constexpr Statement kOrdersOfUser{"kt_orders_of_user",
                                         "SELECT " KT_PG_ORDER_COLUMNS
                                         " FROM orders WHERE user_id = $1 AND (NOT $2::boolean OR status = 'pending') "
                                         "ORDER BY id DESC LIMIT $3"};
inline constexpr Statement kPendingOrdersForPosition{
    "kt_pending_orders_for_position",
    "SELECT " KT_PG_ORDER_COLUMNS " FROM orders WHERE position_id = $1 AND status = 'pending' ORDER BY id"};
inline constexpr Statement kMintsWithPendingOrders{
    "kt_mints_with_pending_orders",
    "SELECT DISTINCT token_address FROM orders WHERE status = 'pending' ORDER BY token_address"};

// --- groups and statistics (migration 0002) ----------------------------------------------------
// first/last seen only widen, whatever order the messages are recorded in.
inline constexpr Statement kRecordGroupMember{
    "kt_record_group_member",
    "INSERT INTO group_members (chat_id, user_id, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $3) "
    "ON CONFLICT (chat_id, user_id) DO UPDATE SET "
    "first_seen_at = LEAST(group_members.first_seen_at, EXCLUDED.first_seen_at), "
    "last_seen_at = GREATEST(group_members.last_seen_at, EXCLUDED.last_seen_at)"};
inline constexpr Statement kGroupMembers{"kt_group_members",
                                         "SELECT user_id FROM group_members WHERE chat_id = $1 ORDER BY user_id"};
inline constexpr Statement kCountActiveUsers{
    "kt_count_active_users", "SELECT count(*) FROM users WHERE last_active_at >= $1 AND telegram_id >= 0"};
inline constexpr Statement kCountAllOpenPositions{"kt_count_all_open_positions",
                                                  "SELECT count(*) FROM positions WHERE status = 'open'"};
inline constexpr Statement kCountTradesSince{
    "kt_count_trades_since",
    "SELECT count(*) FROM wallet_ledger WHERE created_at >= $1 AND kind IN ('open', 'close', 'liquidation')"};
inline constexpr Statement kCountActiveTokens{"kt_count_active_tokens",
                                              "SELECT count(*) FROM solana_tokens WHERE is_active"};

// --- group contests (migration 0004) -----------------------------------------------------------
#define KT_PG_CONTEST_COLUMNS \
  "id, chat_id, started_by, starting_lamports, started_at, ends_at, status, ended_at, announced_at"
#define KT_PG_ENTRY_COLUMNS "contest_id, user_id, account_id, joined_at"
inline constexpr Statement kInsertContest{
    "kt_insert_contest",
    "INSERT INTO contests (chat_id, started_by, starting_lamports, started_at, ends_at, status, ended_at, "
    "announced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
inline constexpr Statement kFindContest{"kt_find_contest",
                                        "SELECT " KT_PG_CONTEST_COLUMNS " FROM contests WHERE id = $1"};
inline constexpr Statement kLockContest{"kt_lock_contest",
                                        "SELECT " KT_PG_CONTEST_COLUMNS " FROM contests WHERE id = $1 FOR UPDATE"};
inline constexpr Statement kLatestContest{
    "kt_latest_contest", "SELECT " KT_PG_CONTEST_COLUMNS " FROM contests WHERE chat_id = $1 ORDER BY id DESC LIMIT 1"};
inline constexpr Statement kUpdateContest{
    "kt_update_contest", "UPDATE contests SET status = $2, ended_at = $3, announced_at = $4 WHERE id = $1"};
inline constexpr Statement kContestsToFinish{"kt_contests_to_finish",
                                             "SELECT " KT_PG_CONTEST_COLUMNS
                                             " FROM contests WHERE (status = 'running' AND ends_at <= $1) "
                                             "OR (status = 'ended' AND announced_at IS NULL) ORDER BY id"};
inline constexpr Statement kInsertContestEntry{
    "kt_insert_contest_entry",
    "INSERT INTO contest_entries (contest_id, user_id, account_id, joined_at) VALUES ($1, $2, $3, $4)"};
inline constexpr Statement kContestEntry{
    "kt_contest_entry", "SELECT " KT_PG_ENTRY_COLUMNS " FROM contest_entries WHERE contest_id = $1 AND user_id = $2"};
inline constexpr Statement kContestEntries{"kt_contest_entries",
                                           "SELECT " KT_PG_ENTRY_COLUMNS
                                           " FROM contest_entries WHERE contest_id = $1 ORDER BY joined_at, user_id"};
inline constexpr Statement kContestEntryOfAccount{
    "kt_contest_entry_of_account", "SELECT " KT_PG_ENTRY_COLUMNS " FROM contest_entries WHERE account_id = $1"};

// --- migrations --------------------------------------------------------------------------------
inline constexpr Statement kRecordMigration{"kt_record_migration",
                                            "INSERT INTO schema_migrations (version, name, applied_at) "
                                            "VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)"};

}  // namespace kt::storage::postgres::sql
