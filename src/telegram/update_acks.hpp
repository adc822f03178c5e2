#pragma once
// Webhook acknowledgements. Telegram forgets an update once its POST is answered 200, so the
// listener answers only after a worker has finished the update (its command committed, its reply
// stored and queued): a crash before that leaves the update unacknowledged, and Telegram delivers
// it again to the next run, where the claimed update id makes a second application impossible.
// Answering 200 at once, as before, lost every update queued or running at a kill -9.
//
// The answer is a callback run by whoever settles the update — the worker that finished it, or the
// thread shutting down — so no listener thread sits waiting per request (a thread parked on a
// condition variable per update cost two context switches per update at 5,000 updates/s).
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace kt::telegram {

class UpdateAcks {
 public:
  /// true: the update finished; false: it never will in this run (shutdown).
  using Settled = std::function<void(bool finished)>;

  /// Registers `settled` for `update_id`; call before the update can finish (before dispatching).
  /// Returns a ticket for forget(). After cancel_all(), `settled(false)` runs at once instead.
  std::uint64_t expect(std::int64_t update_id, Settled settled);
  /// The update finished: every callback registered for it runs with true, on this thread, after
  /// the lock is released. Unexpected ids are ignored (a registration that was forgotten).
  void complete(std::int64_t update_id);
  /// Drops one registration without running it (the update was never dispatched).
  void forget(std::int64_t update_id, std::uint64_t ticket);
  /// Runs every registered callback with false, now, and every later one at registration (shutdown).
  void cancel_all();

  std::size_t waiting() const;

 private:
  struct Registration {
    std::uint64_t ticket = 0;
    Settled settled;
  };

  mutable std::mutex mutex_;
  // A resent update still in flight has two registrations; both are answered when it finishes.
  std::unordered_map<std::int64_t, std::vector<Registration>> entries_;
  std::uint64_t next_ticket_ = 1;
  bool cancelled_ = false;
};

}  // namespace kt::telegram
