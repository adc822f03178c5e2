#include "storage/postgres/pg_pool.hpp"

#include <algorithm>

namespace kt::storage::postgres {

PooledConnection::~PooledConnection() {
  if (conn_ && pool_ != nullptr) pool_->release(std::move(conn_));
}

PgPool::PgPool(PgConnectOptions options, int size) : options_(std::move(options)), size_(std::max(1, size)) {}

Result<PooledConnection> PgPool::acquire() {
  const auto until = std::chrono::steady_clock::now() + options_.statement_timeout + options_.connect_timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->still_alive()) return PooledConnection(this, std::move(conn));
      --open_;  // dropped: the server closed it while idle; replace it below
    }
    if (open_ < size_) break;
    if (freed_.wait_until(lock, until) == std::cv_status::timeout && idle_.empty() && open_ >= size_) {
      return retryable(kStorageCode, "storage is busy (no free connection), nothing was changed",
                       std::chrono::milliseconds{200});
    }
  }
  ++open_;
  lock.unlock();
  auto conn = PgConnection::connect(options_);
  if (!conn.ok()) {
    lock.lock();
    --open_;
    freed_.notify_one();
    return std::move(conn).error();
  }
  return PooledConnection(this, std::move(conn).value());
}

void PgPool::release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(mutex_);
  if (conn->usable()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
    conn.reset();
  }
  freed_.notify_one();
}

}  // namespace kt::storage::postgres
