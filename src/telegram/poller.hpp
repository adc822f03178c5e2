#pragma once
// Long polling with no update lost across a crash. getUpdates' offset is Telegram's only
// acknowledgement: every update below it is forgotten by the server. With several shards, updates
// finish out of order (user A's 101 may commit while user B's 100 still waits on a slow shard), so
// the offset sent is the low-water mark of *finished* updates: the lowest update fetched but not yet
// finished, or the last fetched + 1 when none is pending. Updates Telegram re-sends because they are
// still unconfirmed are recognised by id and not dispatched twice in this process.
// An instant empty answer does not make a busy loop, errors back off exponentially, and 409
// (webhook set / another poller) is said clearly with a hint.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "telegram/bot_api.hpp"
#include "telegram/update_parser.hpp"

namespace kt::telegram {

struct PollerOptions {
  int long_poll_seconds = 50;
  int limit = 100;
  std::chrono::milliseconds min_empty_poll_interval{1'000};  ///< between two empty answers
  /// Between two answers with nothing new (only updates still in flight), unless the lowest of them
  /// finishes first. Short, because updates that arrive meanwhile are seen only by the next poll:
  /// it bounds how long a new update waits behind a slow one (one extra request per interval).
  std::chrono::milliseconds stalled_poll_interval{25};
  /// At most one getUpdates per this interval while answers repeat updates already taken. Telegram
  /// answers at once while any update is unconfirmed, so under load every finished update would
  /// otherwise start a request that mostly carries the updates still in flight again: on loopback
  /// at 5,000 updates/s that was ~3,000 requests/s, each update served ~10 times. An answer with
  /// only new updates (a quiet bot) is not paced. Across the internet the round trip is longer
  /// than this, so it binds only near the server; it adds at most this much to a fetch.
  std::chrono::milliseconds busy_poll_interval{2};
  std::chrono::milliseconds backoff_initial{1'000};
  std::chrono::milliseconds backoff_max{30'000};
};

class Poller {
 public:
  /// Gets each new update, in order; false means "not taken" (shutting down). The update is in
  /// flight until `finished(update_id)` is called.
  using Dispatch = std::function<bool(ParsedUpdate)>;

  /// The first getUpdates sends no offset: Telegram answers from its first unconfirmed update, and
  /// the handler skips those already applied (by update id, stored with their effect).
  Poller(BotApi& api, const Clock& clock, PollerOptions options, std::string bot_username, Dispatch dispatch);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  /// One getUpdates and the dispatch of its new updates; returns how long to wait before the next.
  std::chrono::milliseconds poll_once();
  /// The offset the next getUpdates sends (0: let Telegram choose, i.e. its first unconfirmed).
  std::int64_t next_offset() const;
  /// The handler is done with `update_id` (replies queued): it may be confirmed to Telegram.
  void finished(std::int64_t update_id);
  /// Updates fetched and not yet finished.
  std::size_t in_flight() const;

  /// Runs poll_once in a thread, waiting (interruptibly) in between, and at least
  /// busy_poll_interval from one request to the next while answers repeat updates already taken.
  void start();
  /// Aborts a pending long poll and joins the thread.
  void stop();
  /// After stop and the workers' drain: one getUpdates with timeout 0 that confirms what finished
  /// since the last poll, so a clean restart is not sent them again. Best effort (logged on failure).
  void confirm_finished();

 private:
  std::int64_t offset_locked() const;

  BotApi& api_;
  const Clock& clock_;
  PollerOptions options_;
  std::string bot_username_;
  Dispatch dispatch_;
  std::chrono::milliseconds backoff_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::set<std::int64_t> in_flight_;          ///< fetched, not finished
  std::optional<std::int64_t> last_fetched_;  ///< highest update id fetched by this process
  std::int64_t confirmed_offset_ = 0;         ///< the offset of the last getUpdates answered
  std::int64_t sent_offset_ = 0;              ///< the offset of the last getUpdates sent
  bool last_answer_repeated_ = false;         ///< the polling thread's pace: see busy_poll_interval
  std::thread thread_;
};

}  // namespace kt::telegram
