-- KiTraderBot schema, version 1 (SQLite). Applied by the migration runner inside one transaction
-- together with its schema_migrations row. Timestamps are unix milliseconds; money is integer
-- lamports; u64 quantities and u128 price terms are exact decimal TEXT. STRICT tables refuse
-- values of the wrong type instead of silently converting them.

CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  telegram_id    INTEGER NOT NULL UNIQUE,
  username       TEXT NOT NULL DEFAULT '',
  role           TEXT NOT NULL CHECK (role IN ('basic', 'premium', 'admin')),
  created_at     INTEGER NOT NULL,
  last_active_at INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_users_username_lower ON users(lower(username));

CREATE TABLE virtual_wallets (
  user_id          INTEGER PRIMARY KEY REFERENCES users(id),
  balance_lamports INTEGER NOT NULL CHECK (balance_lamports >= 0),
  initial_lamports INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE positions (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id                 INTEGER NOT NULL REFERENCES users(id),
  token_address           TEXT NOT NULL,
  symbol                  TEXT NOT NULL,
  decimals                INTEGER NOT NULL,
  side                    TEXT NOT NULL CHECK (side IN ('long', 'short')),
  status                  TEXT NOT NULL CHECK (status IN ('open', 'closed', 'liquidated')),
  qty_raw                 TEXT NOT NULL,
  initial_qty_raw         TEXT NOT NULL,
  cost_lamports           INTEGER NOT NULL,
  initial_cost_lamports   INTEGER NOT NULL,
  entry_notional_lamports INTEGER NOT NULL,
  entry_price_num         TEXT NOT NULL,
  entry_price_den         TEXT NOT NULL,
  realized_pnl_lamports   INTEGER NOT NULL DEFAULT 0,
  exit_price_num          TEXT,
  exit_price_den          TEXT,
  source                  TEXT NOT NULL DEFAULT '',
  simulated               INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1)),
  opened_at               INTEGER NOT NULL,
  closed_at               INTEGER
) STRICT;
CREATE INDEX idx_open_positions ON positions(user_id) WHERE status = 'open';
CREATE INDEX idx_positions_user_closed ON positions(user_id, closed_at);

CREATE TABLE wallet_ledger (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id                INTEGER NOT NULL REFERENCES users(id),
  kind                   TEXT NOT NULL CHECK (kind IN ('open', 'close', 'grant', 'reset', 'liquidation')),
  amount_lamports        INTEGER NOT NULL,
  balance_after_lamports INTEGER NOT NULL,
  position_id            INTEGER,
  token_address          TEXT,
  qty_raw                TEXT NOT NULL DEFAULT '0',
  price_num              TEXT,
  price_den              TEXT,
  fee_lamports           INTEGER NOT NULL DEFAULT 0,
  pnl_lamports           INTEGER NOT NULL DEFAULT 0,
  update_id              INTEGER,
  note                   TEXT NOT NULL DEFAULT '',
  created_at             INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_wallet_ledger_user_created ON wallet_ledger(user_id, created_at);

CREATE TABLE solana_tokens (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  token_address TEXT NOT NULL UNIQUE,
  symbol        TEXT NOT NULL,
  name          TEXT NOT NULL,
  decimals      INTEGER NOT NULL,
  is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at    INTEGER,
  updated_at    INTEGER
) STRICT;
CREATE INDEX idx_token_address_status ON solana_tokens(token_address) WHERE is_active;
CREATE INDEX idx_solana_tokens_symbol_lower ON solana_tokens(lower(symbol));

CREATE TABLE token_prices (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  token_address TEXT NOT NULL,
  price_num     TEXT NOT NULL,
  price_den     TEXT NOT NULL,
  decimals      INTEGER NOT NULL,
  price_sol     REAL,
  price_usd     REAL,
  source        TEXT NOT NULL,
  observed_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_token_prices_address_observed ON token_prices(token_address, observed_at);

CREATE TABLE token_metrics (
  token_address  TEXT PRIMARY KEY,
  last_price_sol REAL,
  change_1h_pct  REAL,
  change_24h_pct REAL,
  high_24h       REAL,
  low_24h        REAL,
  volatility_24h REAL,
  updated_at     INTEGER
) STRICT;

CREATE TABLE processed_updates (
  update_id    INTEGER PRIMARY KEY,
  user_id      INTEGER,
  processed_at INTEGER NOT NULL,
  reply        TEXT
) STRICT;
