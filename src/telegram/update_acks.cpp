#include "telegram/update_acks.hpp"

namespace kt::telegram {

void UpdateAcks::expect(std::int64_t update_id) {
  std::lock_guard lock(mutex_);
  ++entries_[update_id].waiters;
}

void UpdateAcks::complete(std::int64_t update_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(update_id);
    if (it == entries_.end()) return;
    it->second.done = true;
  }
  changed_.notify_all();
}

bool UpdateAcks::wait(std::int64_t update_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const bool done = changed_.wait_until(lock, deadline, [&] {
    auto it = entries_.find(update_id);
    return cancelled_ || (it != entries_.end() && it->second.done);
  });
  auto it = entries_.find(update_id);
  const bool completed = done && it != entries_.end() && it->second.done;
  release_locked(update_id);
  return completed;
}

void UpdateAcks::forget(std::int64_t update_id) {
  std::lock_guard lock(mutex_);
  release_locked(update_id);
}

void UpdateAcks::cancel_all() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  changed_.notify_all();
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
