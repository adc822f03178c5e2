#pragma once
// A fixed-size pool of PgConnections. Broken connections are dropped on release and replaced by a
// fresh connection on the next acquire.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.hpp"
#include "storage/postgres/pg_connection.hpp"

namespace kt::storage::postgres {

class PgPool;

/// A connection borrowed from the pool; returned (or dropped if broken) on destruction.
class PooledConnection {
 public:
  PooledConnection(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&&) noexcept = default;
  PooledConnection& operator=(PooledConnection&&) = delete;
  PooledConnection(const PooledConnection&) = delete;
  ~PooledConnection();

  PgConnection& operator*() { return *conn_; }
  PgConnection* operator->() { return conn_.get(); }

 private:
  PgPool* pool_;
  std::unique_ptr<PgConnection> conn_;
};

/// Hands out at most `size` connections; waits up to the connect timeout for a free one.
class PgPool {
 public:
  PgPool(PgConnectOptions options, int size);

  /// A live connection: an idle one that still answers, or a new one. Retryable E-STORAGE if the
  /// server cannot be reached or every connection stays busy past the timeout.
  Result<PooledConnection> acquire();
  const PgConnectOptions& options() const { return options_; }

 private:
  friend class PooledConnection;
  void release(std::unique_ptr<PgConnection> conn);

  PgConnectOptions options_;
  int size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  ///< idle + borrowed + being connected
};

}  // namespace kt::storage::postgres
