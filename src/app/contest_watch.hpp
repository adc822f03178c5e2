#pragma once
// Finishes group contests on time: a background check, in every long-running mode, that posts the
// final ranking of each contest whose end time passed (or that an admin stopped). Runs at start,
// so a contest that ended while the bot was down is announced then; the storage makes each
// announcement happen once even with several processes (see Dispatcher::finish_due_contests).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "bot/dispatcher.hpp"

namespace kt::app {

/// How often the watch looks for ended contests: an ending is announced within this time.
inline constexpr std::chrono::seconds kContestCheckInterval{30};

class ContestWatch {
 public:
  /// Receives each final ranking (chat_id = the group).
  using Notify = std::function<void(bot::Reply)>;

  ContestWatch(bot::Dispatcher& dispatcher, Notify notify, std::chrono::milliseconds interval = kContestCheckInterval);
  ~ContestWatch();
  ContestWatch(const ContestWatch&) = delete;
  ContestWatch& operator=(const ContestWatch&) = delete;

  /// Checks now, then every interval (and whenever woken) on a background thread until stop().
  void start();
  void stop();
  /// Checks again as soon as possible (an admin stopped a contest).
  void wake();
  /// One check on the caller's thread; the number of rankings handed to notify.
  std::size_t check_now();

 private:
  void run();

  bot::Dispatcher& dispatcher_;
  Notify notify_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace kt::app
