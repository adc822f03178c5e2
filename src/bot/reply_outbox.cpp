// The Dispatcher's reply outbox (issue 7): the reply of an update is stored with its claim (in the
// command's own write transaction where it can be), kept in flight until Telegram accepted it,
// marked sent in batches, and re-sent after a crash.
#include <mutex>

#include "bot/dispatcher.hpp"
#include "bot/html.hpp"
#include "bot/reply_codec.hpp"

namespace kt::bot {
namespace {

/// For an update applied before a crash whose reply was never stored.
std::string render_applied_without_reply(const Incoming& in) {
  std::string what = in.callback_data ? "Your button press" : "Your command";
  if (!in.callback_data && !in.text.empty()) what += " <code>" + escape_html(in.text) + "</code>";
  return what + " was applied, but the bot restarted before it could answer. /positions and /wallet show the result.";
}

}  // namespace

Result<bool> Dispatcher::claim_and_keep(std::int64_t update_id, std::vector<Reply>& replies, const Deferred& later) {
  // Encoded before the transaction: SQLite's write lock is held for the statements only.
  std::optional<std::string> json;
  if (!replies.empty()) json = encode_replies(replies);
  bool fresh = false;
  KT_TRY_VOID(s_.repository.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(fresh, tx.claim_update_with_reply(update_id, s_.clock.now(), json));
    if (fresh && later.remember) return remember_token_in(tx, *later.remember);
    return {};
  }));
  if (fresh && !replies.empty()) {
    std::lock_guard lock(replies_mutex_);
    replies_in_flight_.insert(update_id);
    replies.back().update_id = update_id;
  }
  return fresh;
}

void Dispatcher::keep(std::int64_t update_id, std::vector<Reply>& replies) {
  // No row (NotFound) means the update was not claimed: nothing to keep. On a storage failure the
  // reply still goes out; only its re-send after a crash is lost.
  const std::string json = encode_replies(replies);
  auto stored = s_.repository.write([&](storage::Transaction& tx) { return tx.store_reply(update_id, json); });
  std::lock_guard lock(replies_mutex_);
  // Sent by this process either way: a redelivery here must not add a fallback reply.
  replies_in_flight_.insert(update_id);
  if (stored.ok()) replies.back().update_id = update_id;
}

std::vector<Reply> Dispatcher::resend(const Incoming& in) {
  if (!in.update_id) return {};
  const std::int64_t update_id = *in.update_id;
  std::lock_guard lock(replies_mutex_);
  if (replies_in_flight_.count(update_id)) return {};
  std::optional<std::string> json;
  bool never_stored = false;
  auto read = s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(json, tx.stored_reply(update_id));
    if (!json) {
      KT_TRY(never_stored, tx.reply_never_stored(update_id));
    }
    return {};
  });
  if (!read.ok()) return {};
  std::vector<Reply> replies;
  if (json) {
    auto decoded = decode_replies(*json);
    if (!decoded.ok() || decoded->empty()) return {};
    replies = std::move(decoded).value();
  } else if (never_stored) {
    // The process died between the command's commit and storing its reply: the original text is
    // gone, so say what is known (it was applied) instead of nothing.
    Reply r;
    r.chat_id = in.chat_id;
    r.html = render_applied_without_reply(in);
    replies.push_back(std::move(r));
  } else {
    return {};
  }
  replies_in_flight_.insert(update_id);
  replies.back().update_id = update_id;
  return replies;
}

void Dispatcher::reply_delivered(std::int64_t update_id) { replies_delivered(std::span(&update_id, 1)); }

void Dispatcher::replies_delivered(std::span<const std::int64_t> update_ids) {
  if (update_ids.empty()) return;
  // Marked in storage before forgetting them here, so a redelivery in between finds one or the other.
  (void)s_.repository.write([&](storage::Transaction& tx) { return tx.mark_replies_sent(update_ids); });
  std::lock_guard lock(replies_mutex_);
  for (const std::int64_t update_id : update_ids) replies_in_flight_.erase(update_id);
}

std::vector<Reply> Dispatcher::undelivered_replies(int limit) {
  std::vector<std::pair<std::int64_t, std::string>> stored;
  auto read = s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(stored, tx.unsent_replies(limit));
    return {};
  });
  std::vector<Reply> out;
  if (!read.ok()) return out;
  std::lock_guard lock(replies_mutex_);
  for (auto& [update_id, json] : stored) {
    if (replies_in_flight_.count(update_id)) continue;
    auto replies = decode_replies(json);
    if (!replies.ok() || replies->empty()) {
      // Nothing that could ever be sent: do not list it again at every start.
      (void)s_.repository.write([&, id = update_id](storage::Transaction& tx) { return tx.mark_reply_sent(id); });
      continue;
    }
    replies_in_flight_.insert(update_id);
    replies->back().update_id = update_id;
    for (auto& r : *replies) out.push_back(std::move(r));
  }
  return out;
}

Result<bool> Dispatcher::store_with_trade(storage::Transaction& tx, const Incoming& in, const Acting& acting,
                                          Reply reply) {
  if (!in.update_id) return false;
  // Exactly as handle() sends it: labelled by execute(), addressed to the chat.
  std::vector<Reply> replies{std::move(reply)};
  label_wallet(replies, acting);
  replies.front().chat_id = in.chat_id;
  KT_TRY_VOID(tx.store_reply(*in.update_id, encode_replies(replies)));
  return true;
}

}  // namespace kt::bot
