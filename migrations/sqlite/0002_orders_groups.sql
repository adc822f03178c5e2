-- KiTraderBot schema, version 2 (SQLite): conditional orders, group chat members, and the indexes
-- behind the bot-wide statistics. Same conventions as 0001: unix milliseconds, integer lamports,
-- u128 price terms as exact decimal TEXT, STRICT tables.

CREATE TABLE orders (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id            INTEGER NOT NULL REFERENCES users(id),
  kind               TEXT NOT NULL CHECK (kind IN ('limit_buy', 'take_profit', 'stop_loss', 'trailing_stop')),
  status             TEXT NOT NULL CHECK (status IN ('pending', 'filled', 'cancelled', 'expired', 'failed')),
  token_address      TEXT NOT NULL,
  decimals           INTEGER NOT NULL,
  position_id        INTEGER REFERENCES positions(id),
  side               TEXT NOT NULL CHECK (side IN ('long', 'short')),
  size_lamports      INTEGER NOT NULL DEFAULT 0,
  trigger_num        TEXT,
  trigger_den        TEXT,
  trail_bps          INTEGER NOT NULL DEFAULT 0,
  extreme_num        TEXT,
  extreme_den        TEXT,
  close_percent      INTEGER NOT NULL DEFAULT 100,
  expires_at         INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  filled_at          INTEGER,
  filled_position_id INTEGER,
  note               TEXT NOT NULL DEFAULT ''
) STRICT;
-- The price tracker asks "pending orders on this mint" on every tick.
CREATE INDEX idx_pending_orders_token ON orders(token_address) WHERE status = 'pending';
CREATE INDEX idx_orders_user ON orders(user_id, id);
CREATE INDEX idx_pending_orders_position ON orders(position_id) WHERE status = 'pending';

CREATE TABLE group_members (
  chat_id       INTEGER NOT NULL,
  user_id       INTEGER NOT NULL REFERENCES users(id),
  first_seen_at INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  PRIMARY KEY (chat_id, user_id)
) STRICT;

-- Bot-wide statistics: trades since a time, users active since a time.
CREATE INDEX idx_wallet_ledger_created ON wallet_ledger(created_at);
CREATE INDEX idx_users_last_active ON users(last_active_at);
