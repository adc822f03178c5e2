#include "telegram/update_acks.hpp"

namespace kt::telegram {

void UpdateAcks::expect(std::int64_t update_id) {
  std::lock_guard lock(mutex_);
  ++entries_[update_id].waiters;
}

void UpdateAcks::complete(std::int64_t update_id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(update_id);
  if (it == entries_.end()) return;
  it->second.done = true;
  // Under the lock: the waiter that wakes may erase the entry as soon as it can take the lock.
  it->second.finished.notify_all();
}

bool UpdateAcks::wait(std::int64_t update_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  Entry& entry = entries_[update_id];  // made by expect(); kept while this waiter counts in it
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  entry.finished.wait_until(lock, deadline, [&] { return cancelled_ || entry.done; });
  const bool completed = entry.done;
  release_locked(update_id);
  return completed;
}

void UpdateAcks::forget(std::int64_t update_id) {
  std::lock_guard lock(mutex_);
  release_locked(update_id);
}

void UpdateAcks::cancel_all() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  for (auto& [id, entry] : entries_) entry.finished.notify_all();
}

std::size_t UpdateAcks::waiting() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, entry] : entries_) n += static_cast<std::size_t>(entry.waiters);
  return n;
}

void UpdateAcks::release_locked(std::int64_t update_id) {
  auto it = entries_.find(update_id);
  if (it == entries_.end()) return;
  if (--it->second.waiters <= 0) entries_.erase(it);
}

}  // namespace kt::telegram
