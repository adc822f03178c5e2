#pragma once
// The token tracker on its timer, and conditional orders filled on its price ticks. Runs in every
// long-running mode (Telegram and the console); fills are pushed to the user as they happen.
#include <functional>
#include <memory>
#include <mutex>

#include "app/application.hpp"
#include "bot/conversation.hpp"
#include "market/token_tracker.hpp"

namespace kt::app {

class MarketLoop {
 public:
  /// Receives one notification per order filled, expired or failed (chat_id = the owner).
  using Notify = std::function<void(bot::Reply)>;

  MarketLoop(Application& app, const Clock& clock, Notify notify);
  ~MarketLoop();

  /// First cycle now, then every tracker.interval_seconds.
  void start();
  void stop();
  /// Handles one tick: fills, expiries, trailing extremes. Public for tests and replays.
  void on_tick(const Quote& quote);

  market::TokenTracker& tracker() { return *tracker_; }

 private:
  Application& app_;
  const Clock& clock_;
  Notify notify_;
  std::unique_ptr<market::TokenTracker> tracker_;
  std::mutex expiry_mutex_;
  TimePoint last_expiry_sweep_{};
};

}  // namespace kt::app
