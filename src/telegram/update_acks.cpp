#include "telegram/update_acks.hpp"

#include <utility>

namespace kt::telegram {

std::uint64_t UpdateAcks::expect(std::int64_t update_id, Settled settled) {
  {
    std::lock_guard lock(mutex_);
    if (!cancelled_) {
      const std::uint64_t ticket = next_ticket_++;
      entries_[update_id].push_back(Registration{ticket, std::move(settled)});
      return ticket;
    }
  }
  settled(false);
  return 0;
}

void UpdateAcks::complete(std::int64_t update_id) {
  std::vector<Registration> done;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(update_id);
    if (it == entries_.end()) return;
    done = std::move(it->second);
    entries_.erase(it);
  }
  // Outside the lock: a callback writes to a socket, and may register again.
  for (auto& registration : done) registration.settled(true);
}

void UpdateAcks::forget(std::int64_t update_id, std::uint64_t ticket) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(update_id);
  if (it == entries_.end()) return;
  std::erase_if(it->second, [&](const Registration& r) { return r.ticket == ticket; });
  if (it->second.empty()) entries_.erase(it);
}

void UpdateAcks::cancel_all() {
  std::unordered_map<std::int64_t, std::vector<Registration>> abandoned;
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    abandoned.swap(entries_);
  }
  for (auto& [id, registrations] : abandoned) {
    for (auto& registration : registrations) registration.settled(false);
  }
}

std::size_t UpdateAcks::waiting() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, registrations] : entries_) n += registrations.size();
  return n;
}

}  // namespace kt::telegram
