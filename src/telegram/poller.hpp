#pragma once
// Long polling: getUpdates with offset = last + 1; an empty answer that comes at once does not make
// a busy loop, errors back off exponentially, 409 (webhook set / another poller) is said clearly.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
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
  std::chrono::milliseconds backoff_initial{1'000};
  std::chrono::milliseconds backoff_max{30'000};
};

class Poller {
 public:
  /// Gets each update, in order; false means "not taken" (shutting down).
  using Dispatch = std::function<bool(ParsedUpdate)>;

  /// Polling starts after `last_processed_update_id` (the stored offset), if any.
  Poller(BotApi& api, const Clock& clock, PollerOptions options, std::string bot_username, Dispatch dispatch,
         std::optional<std::int64_t> last_processed_update_id);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  /// One getUpdates and the dispatch of its updates; returns how long to wait before the next.
  std::chrono::milliseconds poll_once();
  /// The offset the next getUpdates sends (0: let Telegram choose).
  std::int64_t next_offset() const { return offset_.load(); }

  /// Runs poll_once in a thread, waiting (interruptibly) in between.
  void start();
  /// Aborts a pending long poll and joins the thread.
  void stop();

 private:
  BotApi& api_;
  const Clock& clock_;
  PollerOptions options_;
  std::string bot_username_;
  Dispatch dispatch_;
  std::atomic<std::int64_t> offset_{0};
  std::chrono::milliseconds backoff_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace kt::telegram
