#include "telegram/outbound_queue.hpp"

#include <algorithm>

#include "core/thread_name.hpp"
#include "telegram/html_text.hpp"
#include "telegram/log.hpp"

namespace kt::telegram {

using std::chrono::milliseconds;

OutboundQueue::OutboundQueue(BotApi& api, const Clock& clock, OutboundOptions options, WaitUntil wait_until)
    : api_(api), clock_(clock), options_(options), wait_until_(std::move(wait_until)) {
  tokens_ = std::max(1.0, options_.global_per_second);
  refilled_at_ = clock_.now();
}

OutboundQueue::~OutboundQueue() { stop(); }

void OutboundQueue::start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  sender_ = std::thread([this] {
    name_this_thread("kt-sender");
    run_sender();
  });
}

void OutboundQueue::push(const bot::Reply& reply) {
  std::vector<Item> items;
  const Keyboard& keyboard = reply.buttons;
  if (reply.photo_png) {
    Item photo{.kind = Item::kPhoto, .chat_id = reply.chat_id, .png = *reply.photo_png};
    bool caption_fits = utf16_length(reply.html) <= kMaxCaptionLength;
    if (caption_fits) {
      photo.text = reply.html;
      photo.keyboard = keyboard;
    }
    items.push_back(std::move(photo));
    if (!caption_fits) {
      for (auto& piece : split_html(reply.html))
        items.push_back({.kind = Item::kText, .chat_id = reply.chat_id, .text = std::move(piece)});
      items.back().keyboard = keyboard;
    }
  } else if (!reply.html.empty()) {
    auto pieces = split_html(reply.html);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      bool edit = i == 0 && reply.edit_message_id.has_value();
      items.push_back({.kind = edit ? Item::kEdit : Item::kText,
                       .chat_id = reply.chat_id,
                       .message_id = edit ? *reply.edit_message_id : 0,
                       .text = std::move(pieces[i])});
    }
    items.back().keyboard = keyboard;
    if (items.back().kind == Item::kText) items.back().force_reply = reply.force_reply;
  } else {
    return;  // nothing to show (a bare callback answer is sent by the dispatcher)
  }
  if (reply.update_id) {
    for (auto& item : items) item.update_id = reply.update_id;
    items.back().last_of_reply = true;
  }
  std::optional<Item> now_item;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    auto& chat = chats_[reply.chat_id];
    const bool was_idle = chat.items.empty() && !chat.in_flight;
    for (auto& item : items) chat.items.push_back(std::move(item));
    pending_ += items.size();
    if (!was_idle) return;  // the chat's call in flight, when settled, schedules the rest
    if (may_start_now_locked(chat, clock_.now())) {
      now_item = take_locked(chat);
    } else {
      schedule(reply.chat_id, chat, clock_.now());
    }
  }
  if (now_item) {
    // Started here rather than by the sender thread: one wake-up less per reply. Nothing else was
    // waiting (may_start_now_locked), so no chat is overtaken.
    start(reply.chat_id, *now_item);
    return;
  }
  // After unlocking: the sender woken while the lock is still held would only block on it again.
  work_.notify_one();
}

void OutboundQueue::answer_callback(std::string callback_query_id, std::string text) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    answers_.emplace_back(std::move(callback_query_id), std::move(text));
    ++pending_;
  }
  work_.notify_one();  // after unlocking, as in push()
}

void OutboundQueue::start_answer_locked(std::unique_lock<std::mutex>& lock) {
  auto [id, text] = std::move(answers_.front());
  answers_.pop_front();
  ++in_flight_;
  lock.unlock();
  api_.start_send("answerCallbackQuery", answer_callback_query_params(id, text), [this](Result<void> r) {
    if (!r.ok()) log(LogLevel::kWarn, "answerCallbackQuery failed: {}", r.error().message);
    std::lock_guard settled(mutex_);
    --pending_;
    release_slot_locked(false);
  });
  lock.lock();
}

void OutboundQueue::release_slot_locked(bool wake_sender) {
  // Under the lock, and the last use of `this`: stop() returns once no call is in flight, and the
  // queue may then be destroyed.
  wake_sender = wake_sender || in_flight_ == std::max<std::size_t>(1, options_.calls_in_flight);
  --in_flight_;
  changed_.notify_all();
  if (wake_sender) work_.notify_one();
}

std::size_t OutboundQueue::depth() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

OutboundCounters OutboundQueue::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

milliseconds OutboundQueue::interval_for(std::int64_t chat_id) const {
  return chat_id < 0 ? options_.group_interval : options_.private_interval;
}

void OutboundQueue::refill(TimePoint now) {
  if (now <= refilled_at_) return;
  double seconds = std::chrono::duration<double>(now - refilled_at_).count();
  tokens_ = std::min(std::max(1.0, options_.global_per_second), tokens_ + seconds * options_.global_per_second);
  refilled_at_ = now;
}

void OutboundQueue::schedule(std::int64_t chat_id, const ChatQueue& chat, TimePoint now) {
  if (chat.next_allowed <= now) {
    due_.push_back(chat_id);
  } else {
    waiting_.emplace(chat.next_allowed, chat_id);
  }
}

OutboundQueue::ChatQueue* OutboundQueue::pick(std::int64_t& chat_id, TimePoint& when, TimePoint now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    due_.push_back(waiting_.begin()->second);
    waiting_.erase(waiting_.begin());
  }
  if (!due_.empty()) {
    chat_id = due_.front();
    when = now;
  } else if (!waiting_.empty()) {
    chat_id = waiting_.begin()->second;
    when = waiting_.begin()->first;
  } else {
    return nullptr;
  }
  if (options_.pacing_enabled && tokens_ < 1.0) {
    auto missing = std::chrono::duration<double>((1.0 - tokens_) / options_.global_per_second);
    when = std::max(when, now + std::chrono::ceil<milliseconds>(missing));
  }
  return &chats_[chat_id];
}

void OutboundQueue::wait_locked(std::unique_lock<std::mutex>& lock, TimePoint until) {
  if (wait_until_) {
    lock.unlock();
    wait_until_(until);
    lock.lock();
    return;
  }
  work_.wait_for(lock, until - clock_.now());
}

void OutboundQueue::run_sender() {
  const std::size_t max_in_flight = std::max<std::size_t>(1, options_.calls_in_flight);
  std::unique_lock lock(mutex_);
  while (true) {
    if (stopping_) return;
    if (in_flight_ >= max_in_flight) {
      work_.wait(lock);  // a settled call frees a slot
      continue;
    }
    if (!answers_.empty()) {
      start_answer_locked(lock);
      continue;
    }
    TimePoint now = clock_.now();
    refill(now);
    std::int64_t chat_id = 0;
    TimePoint when{};
    ChatQueue* chat = pick(chat_id, when, now);
    if (chat == nullptr) {
      work_.wait(lock);
      continue;
    }
    if (when > now) {
      wait_locked(lock, when);
      continue;  // the picture may have changed meanwhile
    }
    due_.pop_front();  // `when <= now`: pick chose the first due chat
    Item item = take_locked(*chat);
    lock.unlock();
    start(chat_id, item);
    lock.lock();
  }
}

bool OutboundQueue::may_start_now_locked(const ChatQueue& chat, TimePoint now) {
  if (!started_ || !due_.empty() || !answers_.empty()) return false;
  if (in_flight_ >= std::max<std::size_t>(1, options_.calls_in_flight) || chat.next_allowed > now) return false;
  if (!options_.pacing_enabled) return true;
  refill(now);
  return tokens_ >= 1.0;
}

OutboundQueue::Item OutboundQueue::take_locked(ChatQueue& chat) {
  if (options_.pacing_enabled) tokens_ -= 1.0;
  chat.in_flight = true;
  ++in_flight_;
  return chat.items.front();
}

void OutboundQueue::start(std::int64_t chat_id, const Item& item) {
  const bool html = !item.plain;
  auto settled = [this, chat_id](Result<void> r) { on_sent(chat_id, std::move(r)); };
  switch (item.kind) {
    case Item::kText:
      api_.start_send("sendMessage",
                      send_message_params(item.chat_id, item.text, html, item.keyboard, item.force_reply), settled);
      return;
    case Item::kEdit:
      api_.start_send("editMessageText",
                      edit_message_text_params(item.chat_id, item.message_id, item.text, html, item.keyboard),
                      [this, chat_id](Result<void> r) {
                        on_sent(chat_id, !r.ok() && is_not_modified_error(r.error()) ? ok_result() : std::move(r));
                      });
      return;
    case Item::kPhoto: api_.start_send_photo(item.chat_id, item.png, item.text, html, item.keyboard, settled); return;
  }
}

void OutboundQueue::on_sent(std::int64_t chat_id, Result<void> result) {
  std::unique_lock lock(mutex_);
  auto delivered = on_result(chat_id, std::move(result), clock_.now());
  // The chat's next piece (or this one, retried) is scheduled now: the sender may be asleep with
  // nothing else to do.
  const bool more_for_chat = !chats_[chat_id].items.empty();
  if (delivered && on_delivered_) {
    lock.unlock();
    on_delivered_(*delivered);
    lock.lock();
  }
  release_slot_locked(more_for_chat);
}

std::optional<std::int64_t> OutboundQueue::on_result(std::int64_t chat_id, Result<void> result, TimePoint now) {
  ChatQueue& chat = chats_[chat_id];
  chat.in_flight = false;
  auto delivered = settle(chat_id, chat, std::move(result), now);
  if (!chat.items.empty()) schedule(chat_id, chat, now);
  return delivered;
}

std::optional<std::int64_t> OutboundQueue::settle(std::int64_t chat_id, ChatQueue& chat, Result<void> result,
                                                  TimePoint now) {
  Item& item = chat.items.front();
  // Pops the item; `delivered`: Telegram accepted it or refused it for good.
  auto done = [&](bool delivered) -> std::optional<std::int64_t> {
    const std::optional<std::int64_t> update_id = item.update_id;
    const bool last = item.last_of_reply;
    chat.items.pop_front();
    --pending_;
    if (!update_id) return std::nullopt;
    if (!delivered) given_up_updates_.insert(*update_id);
    if (!last) return std::nullopt;
    if (given_up_updates_.erase(*update_id) > 0) return std::nullopt;
    return update_id;
  };
  if (result.ok()) {
    ++counters_.sent;
    if (options_.pacing_enabled) chat.next_allowed = now + interval_for(chat_id);
    return done(true);
  }
  const Error& error = result.error();
  if (error.code == "E-TG-429") {
    ++counters_.retried_429;
    chat.next_allowed = now + std::max(error.retry_after, milliseconds(1'000));
    log(LogLevel::kWarn, "Telegram asked to slow down for chat {}: retrying in {} s", chat_id,
        std::chrono::duration_cast<std::chrono::seconds>(error.retry_after).count());
    return std::nullopt;
  }
  if (is_parse_entities_error(error) && !item.plain) {
    ++counters_.plain_text_fallbacks;
    log(LogLevel::kWarn, "Telegram refused our HTML ({}); re-sending as plain text", error.message);
    item.text = html_to_plain(item.text);
    item.plain = true;
    return std::nullopt;
  }
  if (error.code == "E-TG-401" || error.code == "E-TG-404") {
    // The token was rejected (revoked while running): Telegram never looked at the message, so it
    // is not "refused for good". It is dropped here but stays stored, not reported delivered, and
    // is re-sent by the next start with a valid token.
    ++counters_.failed;
    log(LogLevel::kError, "could not send to chat {}: {}; the reply stays stored for the next start", chat_id,
        error.message);
    return done(false);
  }
  if (error.retryable() && ++item.attempts < options_.max_attempts) {
    chat.next_allowed = now + options_.retry_backoff * (1 << std::min(item.attempts - 1, 5));
    log(LogLevel::kWarn, "sending to chat {} failed ({}); attempt {} of {}", chat_id, error.message, item.attempts,
        options_.max_attempts);
    return std::nullopt;
  }
  ++counters_.failed;
  log(LogLevel::kError, "giving up on a message to chat {}: {}", chat_id, error.message);
  return done(!error.retryable());
}

bool OutboundQueue::flush(milliseconds budget) {
  TimePoint deadline = clock_.now() + budget;
  // Also bounded in real time, in case the queue's clock is a test clock that stands still.
  auto real_deadline = std::chrono::steady_clock::now() + budget;
  std::unique_lock lock(mutex_);
  while (pending_ > 0) {
    if (clock_.now() >= deadline || std::chrono::steady_clock::now() >= real_deadline) return false;
    // Short real waits: the clock may be a test clock moved by the senders.
    changed_.wait_for(lock, milliseconds(10));
  }
  return true;
}

void OutboundQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !sender_.joinable()) return;
    stopping_ = true;
    changed_.notify_all();
    work_.notify_all();
  }
  if (sender_.joinable()) sender_.join();
  std::unique_lock lock(mutex_);
  // Each call ends within its request timeout, settled on the HTTP client's thread.
  changed_.wait(lock, [this] { return in_flight_ == 0; });
  if (pending_ > 0) log(LogLevel::kWarn, "outbound queue stopped with {} unsent messages", pending_);
}

}  // namespace kt::telegram
