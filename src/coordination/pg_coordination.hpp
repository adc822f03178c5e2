#pragma once
// The PostgreSQL backend of the coordination ports: a session-level advisory lock on its own
// connection (lost the moment that connection breaks), and LISTEN/NOTIFY on a channel.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "coordination/coordination.hpp"
#include "storage/postgres/pg_connection.hpp"

namespace kt::coordination {

/// pg_try_advisory_lock(key) on a dedicated connection. PostgreSQL releases a session lock when
/// the session ends, so a killed owner's lock frees as soon as its server process sees the socket
/// close; still_held() makes a round trip, so a broken connection is noticed at the next check.
class PgTrackerLease final : public TrackerLease {
 public:
  PgTrackerLease(storage::postgres::PgConnectOptions options, std::int64_t key);
  ~PgTrackerLease() override;

  Result<bool> try_acquire() override;
  bool still_held() override;
  void release() override;
  std::string describe() const override;
  /// The server process id of the lease connection (0 without one), for tests that kill it.
  int backend_pid() const;

 private:
  storage::postgres::PgConnectOptions options_;
  std::int64_t key_;
  std::unique_ptr<storage::postgres::PgConnection> connection_;
  bool held_ = false;
};

/// NOTIFY through one connection (serialised by a mutex), LISTEN on another owned by the
/// subscriber thread, which waits on its socket with a short timeout so stop() is prompt.
class PgPriceBus final : public PriceBus {
 public:
  PgPriceBus(storage::postgres::PgConnectOptions options, std::string channel, std::string origin,
             std::function<void(std::string)> log);
  ~PgPriceBus() override;

  Result<void> publish(std::span<const Quote> ticks) override;
  void subscribe(OnTicks on_ticks) override;
  void stop() override;
  bool carries_ticks() const override { return true; }
  std::uint64_t malformed_payloads() const override { return malformed_.load(); }
  /// True once the subscriber's LISTEN is in place (tests wait for it before publishing).
  bool listening() const { return listening_.load(); }

 private:
  void listen_loop(OnTicks on_ticks);
  /// Decodes one notification and hands foreign ticks on; counts and logs malformed ones.
  void deliver(std::string_view payload, const OnTicks& on_ticks);
  void log(std::string line) const;

  storage::postgres::PgConnectOptions options_;
  std::string channel_;
  std::string origin_;
  std::function<void(std::string)> log_;
  std::mutex publish_mutex_;
  std::unique_ptr<storage::postgres::PgConnection> publisher_;
  std::thread listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{false};
  std::atomic<std::uint64_t> malformed_{0};
  std::mutex wait_mutex_;
  std::condition_variable wait_cv_;
};

}  // namespace kt::coordination
