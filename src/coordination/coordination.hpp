#pragma once
// Ports for running several `kitrader run` processes on one database: a lease that elects the one
// process running the token tracker, and a bus that carries its price ticks to the others.
// Backends: PostgreSQL (advisory lock + LISTEN/NOTIFY) and a single-host file lock for SQLite.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "domain/quote.hpp"

namespace kt::coordination {

/// Who runs the tracker. Used by one thread at a time (the market loop's).
class TrackerLease {
 public:
  virtual ~TrackerLease() = default;
  /// True when this process holds the lease after the call (also when it already held it); false
  /// when another process holds it. Errors: retryable when the backend cannot be reached.
  virtual Result<bool> try_acquire() = 0;
  /// Whether a held lease is still ours; false as soon as it is known lost (e.g. the connection
  /// holding a PostgreSQL session lock broke): the caller must stop tracking at once.
  virtual bool still_held() = 0;
  /// Gives the lease up (another process can take it immediately).
  virtual void release() = 0;
  /// For logs: "PostgreSQL advisory lock 7021...", "lock file /var/lib/kitrader/kitrader.db.tracker-lock".
  virtual std::string describe() const = 0;
};

/// Carries price ticks from the tracker owner to every other process.
class PriceBus {
 public:
  using OnTicks = std::function<void(std::vector<Quote>)>;
  virtual ~PriceBus() = default;
  /// Sends the ticks to every subscribed process (ours ignores its own). Errors: retryable.
  virtual Result<void> publish(std::span<const Quote> ticks) = 0;
  /// Starts delivering ticks published by other processes to `on_ticks`, on a background thread,
  /// until stop(). Reconnects by itself after a broken connection (ticks sent meanwhile are lost;
  /// the next cycle's come through).
  virtual void subscribe(OnTicks on_ticks) = 0;
  virtual void stop() = 0;
  /// False for a bus that carries nothing (SQLite): the others then see no ticks.
  virtual bool carries_ticks() const = 0;
  /// Payloads received that could not be decoded (logged and ignored).
  virtual std::uint64_t malformed_payloads() const = 0;
};

/// Lease and bus for one database.
struct Coordination {
  std::unique_ptr<TrackerLease> lease;
  std::unique_ptr<PriceBus> bus;
};

/// Settings of open_coordination.
struct CoordinationOptions {
  /// The PostgreSQL advisory lock key of the tracker lease (one per database; tests use others).
  std::int64_t lease_key = 0x6b74'7472'6163'6b72;  // "kttrackr"
  /// The LISTEN/NOTIFY channel of price ticks.
  std::string channel = "kitrader_price_ticks";
  /// Receives one line per notable event (malformed payload, reconnect).
  std::function<void(std::string)> log;
};

/// Lease and bus for database.url: PostgreSQL → advisory lock + LISTEN/NOTIFY on their own
/// connections; sqlite://PATH → flock() on PATH.tracker-lock + a bus that carries nothing;
/// sqlite::memory: → a lease always held (one process) + the same empty bus. Nothing connects
/// until first used. Errors: fatal E-CONFIG for an unknown scheme or a bad channel name.
Result<Coordination> open_coordination(const std::string& database_url, CoordinationOptions options = {});

}  // namespace kt::coordination
