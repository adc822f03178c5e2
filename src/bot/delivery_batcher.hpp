#pragma once
// Collects the update ids whose replies Telegram accepted and hands them on in batches, so the reply
// outbox is marked sent in one storage write transaction per batch instead of one per reply (at a
// few thousand replies/s those commits were a tenth of the bot's CPU on SQLite).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace kt::bot {

class DeliveryBatcher {
 public:
  /// Receives one batch (not empty). Called on the batcher's thread, or on the caller's after stop().
  using Flush = std::function<void(std::span<const std::int64_t> update_ids)>;

  /// A batch goes when `max_batch` ids wait or `linger` passed since the first of them. A longer
  /// linger means bigger batches, and more replies re-sent if the process dies in between (a crash
  /// re-sends what was delivered but not yet marked: at-least-once, as before).
  explicit DeliveryBatcher(Flush flush, std::chrono::milliseconds linger = std::chrono::milliseconds(5),
                           std::size_t max_batch = 256);
  /// Stops (flushing what waits).
  ~DeliveryBatcher();
  DeliveryBatcher(const DeliveryBatcher&) = delete;
  DeliveryBatcher& operator=(const DeliveryBatcher&) = delete;

  void start();
  /// Queues one delivered update id. Before start() it waits for the thread; after stop() it is
  /// flushed at once on the caller's thread, so a late delivery report is never lost.
  void add(std::int64_t update_id);
  /// Flushes what waits and ends the thread. Idempotent.
  void stop();

 private:
  void run();

  Flush flush_;
  const std::chrono::milliseconds linger_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable added_;
  std::vector<std::int64_t> waiting_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace kt::bot
