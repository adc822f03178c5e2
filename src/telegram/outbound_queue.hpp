#pragma once
// Paced sending: a global token bucket plus per-chat pacing; 429 pauses only that chat and the
// message is re-sent (nothing dropped, order per chat kept); HTML Telegram refuses is re-sent once
// as plain text; long texts are split. Time comes from a Clock and an injectable wait.
// Button-press answers (answerCallbackQuery) go through the same calls but in their own lane:
// they are not messages, so neither the bucket nor per-chat pacing applies, and they are served
// before messages (the user's client shows a spinner until the answer arrives). A worker thread
// therefore never waits on HTTP.
// Calls are started without waiting for them (http::Client::start) and settled on the HTTP
// client's thread: by the pushing thread when nothing else waits and a slot is free, else by one
// thread (kt-sender) that serves what waits in order, with pacing. Sixteen blocking sender
// threads used to spend 40 % of the bot's CPU at 5,000 replies/s, mostly handing work to each other
// and waking up, and capped the rate at threads ÷ round trip.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "bot/conversation.hpp"
#include "core/clock.hpp"
#include "telegram/bot_api.hpp"

namespace kt::telegram {

struct OutboundOptions {
  double global_per_second = 30;                      ///< token bucket over all chats
  std::chrono::milliseconds private_interval{1'000};  ///< 1 message/s per private chat
  std::chrono::milliseconds group_interval{3'000};    ///< 20 messages/min per group (chat id < 0)
  bool pacing_enabled = true;                         ///< false: no bucket, no per-chat pacing (benchmarks)
  int max_attempts = 5;                               ///< for network errors and 5xx (429 retries forever)
  std::chrono::milliseconds retry_backoff{1'000};     ///< doubled per failed attempt
  /// API calls in flight at once. A call takes a round trip (50–300 ms to Telegram), so 30
  /// messages/s needs several; one chat never has two calls in flight, whatever the count.
  std::size_t calls_in_flight = 8;
};

/// Counters for metrics.
struct OutboundCounters {
  std::uint64_t sent = 0;
  std::uint64_t retried_429 = 0;
  std::uint64_t plain_text_fallbacks = 0;
  std::uint64_t failed = 0;  ///< given up (rejected by Telegram, or retries exhausted)
};

class OutboundQueue {
 public:
  /// Blocks until `t` on the queue's clock. Default: a real wait that a push or stop interrupts.
  using WaitUntil = std::function<void(TimePoint t)>;

  OutboundQueue(BotApi& api, const Clock& clock, OutboundOptions options = {}, WaitUntil wait_until = nullptr);
  ~OutboundQueue();
  OutboundQueue(const OutboundQueue&) = delete;
  OutboundQueue& operator=(const OutboundQueue&) = delete;

  /// Called (on the thread that settled the call, without the queue's lock) once the last piece of a reply that
  /// carries an update_id left the queue, and every piece of it was accepted by Telegram or refused
  /// for good (a 4xx other than 429 and 401/404: re-sending would fail again). Not called when a
  /// piece was given up after retries, was not sent because the token was rejected (401/404), or
  /// was dropped by stop(): that reply stays stored for the next start.
  /// Set before start().
  void set_on_delivered(std::function<void(std::int64_t update_id)> on_delivered) {
    on_delivered_ = std::move(on_delivered);
  }

  void start();
  /// Queues a reply (split into API calls). Ignored after stop().
  void push(const bot::Reply& reply);
  /// Queues answerCallbackQuery (empty `text`: no toast). Not paced, served before messages, one
  /// attempt (Telegram forgets a query after ~15 s; a failure is logged). Ignored after stop().
  void answer_callback(std::string callback_query_id, std::string text);
  /// Waits until everything queued is sent or `budget` (on the queue's clock) has passed; true if empty.
  bool flush(std::chrono::milliseconds budget);
  /// Stops sending and waits for the calls in flight; what is still queued is logged and dropped.
  void stop();

  /// API calls waiting or in flight.
  std::size_t depth() const;
  OutboundCounters counters() const;

 private:
  /// One API call. Every member has a default, so it is built with designated initializers.
  struct Item {
    enum Kind { kText, kEdit, kPhoto } kind = kText;
    std::int64_t chat_id = 0;
    std::int64_t message_id = 0;  // kEdit
    std::string text{};           // HTML unless `plain`
    std::string png{};            // kPhoto
    Keyboard keyboard{};
    bool plain = false;
    int attempts = 0;
    std::optional<std::int64_t> update_id{};  // the reply's, on each of its pieces
    bool last_of_reply = false;
    std::optional<std::string> force_reply{};  // kText, the last piece: the input field's placeholder
  };
  struct ChatQueue {
    std::deque<Item> items;
    TimePoint next_allowed{};
    bool in_flight = false;
  };

  /// The kt-sender thread: starts calls while fewer than calls_in_flight are out.
  void run_sender();
  /// Starts the oldest waiting answer, the lock released meanwhile.
  void start_answer_locked(std::unique_lock<std::mutex>& lock);
  /// A chat that just got items may have its call started at once, by the pushing thread: nothing
  /// else waits (no due chat, no answer), a slot is free and neither its pacing nor the bucket holds it.
  bool may_start_now_locked(const ChatQueue& chat, TimePoint now);
  /// Marks `chat`'s oldest item in flight (a slot, a bucket token) and returns a copy to send.
  Item take_locked(ChatQueue& chat);
  /// Starts the call for `item`, the oldest of `chat_id`'s; on_sent settles it.
  void start(std::int64_t chat_id, const Item& item);
  /// A call for `chat_id` ended (any thread, without the lock).
  void on_sent(std::int64_t chat_id, Result<void> result);
  /// A call ended: frees its slot; the last thing either completion touches.
  void release_slot_locked(bool wake_sender);
  /// The chat to serve next and when it may be served; nullptr if nothing is ready to take. Due
  /// chats first, in the order they became due; else the one whose pacing ends first.
  ChatQueue* pick(std::int64_t& chat_id, TimePoint& when, TimePoint now);
  /// A chat with items and no call in flight joins the due list or the pacing wait.
  void schedule(std::int64_t chat_id, const ChatQueue& chat, TimePoint now);
  void refill(TimePoint now);
  void wait_locked(std::unique_lock<std::mutex>& lock, TimePoint until);
  /// Returns the update id to report as delivered, if this result completed one.
  std::optional<std::int64_t> on_result(std::int64_t chat_id, Result<void> result, TimePoint now);
  /// on_result for the item itself: pops, or keeps it for a retry.
  std::optional<std::int64_t> settle(std::int64_t chat_id, ChatQueue& chat, Result<void> result, TimePoint now);
  std::chrono::milliseconds interval_for(std::int64_t chat_id) const;

  BotApi& api_;
  const Clock& clock_;
  OutboundOptions options_;
  WaitUntil wait_until_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;  ///< a call finished or the queue stops (flush and stop wait on it)
  std::condition_variable work_;     ///< something to send or a free slot (the sender waits on it)
  std::map<std::int64_t, ChatQueue> chats_;
  // Every chat with items and no call in flight is in exactly one of these: a scan over all chats
  // per call cost more CPU than the sending itself at a few thousand replies/s.
  std::deque<std::int64_t> due_;                             ///< may be served now, oldest first
  std::set<std::pair<TimePoint, std::int64_t>> waiting_;     ///< paced: served from that time
  std::deque<std::pair<std::string, std::string>> answers_;  ///< callback query id, toast text
  std::size_t pending_ = 0;                                  ///< message pieces and answers waiting or in flight
  std::size_t in_flight_ = 0;                                ///< calls started and not yet settled
  double tokens_ = 0;
  TimePoint refilled_at_{};
  bool stopping_ = false;
  bool started_ = false;
  OutboundCounters counters_;
  std::function<void(std::int64_t)> on_delivered_;
  std::set<std::int64_t> given_up_updates_;  ///< a piece was dropped: do not report these delivered
  std::thread sender_;
};

}  // namespace kt::telegram
