#pragma once
// The single-host backend of the coordination ports, for SQLite: a lease is an exclusive flock()
// on a lock file next to the database (the kernel drops it when the holder dies, kill -9
// included), and the bus carries nothing — processes sharing one SQLite file share its
// token_prices, but see no ticks; scale-out with live ticks needs PostgreSQL.
#include <string>

#include "coordination/coordination.hpp"

namespace kt::coordination {

/// flock(LOCK_EX | LOCK_NB) on `path` (created 0600 if missing). An empty path means "one process
/// only" (sqlite::memory:): the lease is always granted.
class FileTrackerLease final : public TrackerLease {
 public:
  explicit FileTrackerLease(std::string path);
  ~FileTrackerLease() override;

  Result<bool> try_acquire() override;
  bool still_held() override { return held_; }
  void release() override;
  std::string describe() const override;

 private:
  std::string path_;
  int fd_ = -1;
  bool held_ = false;
};

/// A bus that carries nothing.
class NullPriceBus final : public PriceBus {
 public:
  Result<void> publish(std::span<const Quote>) override { return {}; }
  void subscribe(OnTicks) override {}
  void stop() override {}
  bool carries_ticks() const override { return false; }
  std::uint64_t malformed_payloads() const override { return 0; }
};

}  // namespace kt::coordination
