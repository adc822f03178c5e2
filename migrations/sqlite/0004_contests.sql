-- KiTraderBot schema, version 4 (SQLite): group contests (issue 6). A contest belongs to one group
-- chat; each entrant trades a separate contest account: a users row of its own (with a synthetic,
-- negative telegram_id, since Telegram user ids are positive) and its own virtual wallet, linked to
-- the real user here. The engine is keyed by user id, so positions, ledger and orders of a contest
-- account need no new columns. Same conventions as 0001: unix milliseconds, integer lamports.

CREATE TABLE contests (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id           INTEGER NOT NULL,
  started_by        INTEGER NOT NULL REFERENCES users(id),
  starting_lamports INTEGER NOT NULL CHECK (starting_lamports > 0),
  started_at        INTEGER NOT NULL,
  ends_at           INTEGER NOT NULL,
  -- 'running' until the end time passes or an admin stops it; then 'ended' (accounts frozen).
  status            TEXT NOT NULL CHECK (status IN ('running', 'ended')),
  ended_at          INTEGER,
  -- Set in the transaction that stores the final ranking for sending: it is posted once.
  announced_at      INTEGER
) STRICT;
-- One running contest per group, even with two processes starting one at the same moment.
CREATE UNIQUE INDEX idx_running_contest_chat ON contests(chat_id) WHERE status = 'running';
CREATE INDEX idx_contests_chat ON contests(chat_id, id);

CREATE TABLE contest_entries (
  contest_id INTEGER NOT NULL REFERENCES contests(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  account_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
  joined_at  INTEGER NOT NULL,
  PRIMARY KEY (contest_id, user_id)
) STRICT;
