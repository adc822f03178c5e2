#pragma once
// The token tracker on its timer, and conditional orders filled on its price ticks. Runs in every
// long-running mode (Telegram and the console); fills are pushed to the user as they happen.
// Several processes on one database elect one tracker through a TrackerLease; the owner publishes
// its ticks on the PriceBus and the others apply them as if they had fetched them.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "app/application.hpp"
#include "bot/conversation.hpp"
#include "coordination/coordination.hpp"
#include "market/token_tracker.hpp"

namespace kt::app {

/// The scale-out state for /metrics.
struct ScaleOutSample {
  bool tracker_owner = false;
  std::uint64_t ticks_received = 0;   ///< ticks applied from another process's tracker
  std::uint64_t ticks_published = 0;  ///< ticks this process's tracker sent to the others
  std::uint64_t malformed_payloads = 0;
};

class MarketLoop {
 public:
  /// Receives one notification per order filled, expired or failed (chat_id = the owner).
  using Notify = std::function<void(bot::Reply)>;

  MarketLoop(Application& app, const Clock& clock, Notify notify);
  ~MarketLoop();

  /// Subscribes to other processes' ticks, then runs the election loop: while this process holds
  /// the tracker lease, a cycle now and then every tracker.interval_seconds; otherwise it tries
  /// to take the lease every quarter interval (so a dead owner is replaced within one interval).
  void start();
  void stop();
  /// Handles one tick: fills, expiries, trailing extremes. Public for tests and replays.
  void on_tick(const Quote& quote);
  /// Receives each tracker cycle's duration in seconds (for the metrics).
  void set_cycle_observer(std::function<void(double)> observer) { cycle_observer_ = std::move(observer); }

  market::TokenTracker& tracker() { return *tracker_; }
  ScaleOutSample scale_out() const;

 private:
  void election_loop(Millis interval);
  /// One tracker cycle as the owner: refresh, publish the fresh quotes, then act on them.
  void run_owned_cycle();
  void on_remote_ticks(std::vector<Quote> ticks);
  /// Waits up to `d`; returns early when stop() is called.
  void pause(Millis d);

  Application& app_;
  const Clock& clock_;
  Notify notify_;
  std::unique_ptr<market::TokenTracker> tracker_;
  std::mutex expiry_mutex_;
  TimePoint last_expiry_sweep_{};

  coordination::Coordination coordination_;
  std::function<void(double)> cycle_observer_;
  std::mutex collect_mutex_;
  std::vector<Quote>* collecting_ = nullptr;  ///< set while run_owned_cycle gathers the cycle's ticks
  std::thread loop_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> owner_{false};
  std::atomic<std::uint64_t> ticks_received_{0};
  std::atomic<std::uint64_t> ticks_published_{0};
  std::mutex wait_mutex_;
  std::condition_variable wait_cv_;
};

}  // namespace kt::app
