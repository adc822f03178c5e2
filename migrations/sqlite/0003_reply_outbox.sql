-- KiTraderBot schema, version 3 (SQLite): the reply of an applied update is kept until Telegram
-- accepted it, so a crash between the commit and the send re-sends it after a restart (issue 7).
-- Rows from before this version have no stored reply: they count as sent. New rows are claimed
-- with reply_sent = 0 (the reply is due) and get their reply right after the command's commit.
ALTER TABLE processed_updates ADD COLUMN reply_sent INTEGER NOT NULL DEFAULT 1 CHECK (reply_sent IN (0, 1));
-- Start-up asks "which replies are still unsent"; only those rows are indexed.
CREATE INDEX idx_unsent_replies ON processed_updates(update_id) WHERE reply_sent = 0;
