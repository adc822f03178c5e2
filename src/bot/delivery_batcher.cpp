#include "bot/delivery_batcher.hpp"

#include <utility>

#include "core/thread_name.hpp"

namespace kt::bot {

DeliveryBatcher::DeliveryBatcher(Flush flush, std::chrono::milliseconds linger, std::size_t max_batch)
    : flush_(std::move(flush)), linger_(linger), max_batch_(max_batch == 0 ? 1 : max_batch) {}

DeliveryBatcher::~DeliveryBatcher() { stop(); }

void DeliveryBatcher::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    name_this_thread("kt-delivered");
    run();
  });
}

void DeliveryBatcher::add(std::int64_t update_id) {
  std::unique_lock lock(mutex_);
  if (stopped_) {
    lock.unlock();
    const std::int64_t one[] = {update_id};
    flush_(one);
    return;
  }
  waiting_.push_back(update_id);
  // The thread sleeps until the first id of a batch, then lingers; only a full batch cuts that short.
  if (waiting_.size() == 1 || waiting_.size() >= max_batch_) added_.notify_one();
}

void DeliveryBatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  added_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::vector<std::int64_t> rest;
  {
    std::lock_guard lock(mutex_);
    // From here add() flushes synchronously; whatever came before goes now (also without start()).
    stopped_ = true;
    rest.swap(waiting_);
  }
  if (!rest.empty()) flush_(rest);
}

void DeliveryBatcher::run() {
  std::vector<std::int64_t> batch;
  std::unique_lock lock(mutex_);
  while (true) {
    added_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
    if (stopping_) return;  // stop() flushes what waits
    const auto due = std::chrono::steady_clock::now() + linger_;
    added_.wait_until(lock, due, [&] { return stopping_ || waiting_.size() >= max_batch_; });
    if (stopping_) return;
    batch.clear();
    batch.swap(waiting_);
    lock.unlock();
    flush_(batch);
    lock.lock();
  }
}

}  // namespace kt::bot
