#include "storage/sqlite/sqlite_repository.hpp"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"
#include "storage/sqlite/transaction_scope.hpp"
#include "storage/sqlite/wal_checkpointer.hpp"

namespace kt::storage::sqlite {

namespace {

/// Where a repository's connections point.
struct Target {
  std::string uri;
  bool memory = false;
};

Result<Target> resolve_target(const std::string& path) {
  static std::atomic<std::uint64_t> memory_counter{0};
  if (path == ":memory:") {
    return Target{"file:kt_mem_" + std::to_string(++memory_counter) + "?mode=memory&cache=shared", true};
  }
  if (path.rfind("file:", 0) == 0) return Target{path, false};
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return fatal(kStorageCode, "cannot create the database directory " + parent.string() + ": " + ec.message());
    }
  }
  return Target{path, false};
}

class SqliteRepository final : public Repository {
 public:
  SqliteRepository(Target target, SqliteOptions options, std::unique_ptr<Connection> writer)
      : target_(std::move(target)), options_(options), writer_(std::move(writer)) {}

  /// Starts the WAL checkpointer when the writer is a file database in WAL mode.
  Result<void> start_checkpointer() {
    if (target_.memory || !options_.background_checkpoints || writer_->read_only() || !writer_->in_wal_mode()) {
      return ok_result();
    }
    KT_TRY(auto own, Connection::open(target_.uri, ConnectionOptions{options_.busy_timeout, false, true}));
    checkpointer_ = std::make_unique<WalCheckpointer>(*writer_, writer_mutex_, std::move(own));
    return ok_result();
  }

  ~SqliteRepository() override {
    checkpointer_.reset();  // its thread may hold the writer
    idle_readers_.clear();  // readers close before the writer (the last one checkpoints the WAL)
    writer_.reset();
  }

  Result<void> migrate() override {
    std::lock_guard lock(writer_mutex_);
    return apply_migrations(*writer_, migrations());
  }

  Result<std::vector<int>> applied_migrations() override {
    std::lock_guard lock(writer_mutex_);
    return applied_versions(*writer_);
  }

  Result<void> write(const std::function<Result<void>(Transaction&)>& work) override {
    std::lock_guard lock(writer_mutex_);
    SqliteTransaction tx(*writer_);
    return run_transaction(*writer_, sql::kBeginImmediate, [&] { return work(tx); });
  }

  Result<void> read(const std::function<Result<void>(Transaction&)>& work) override {
    if (target_.memory || options_.readers <= 0) return read_on_writer(work);
    KT_TRY(auto reader, acquire_reader());
    struct Return {
      SqliteRepository* self;
      std::unique_ptr<Connection>& connection;
      ~Return() { self->release_reader(std::move(connection)); }
    } give_back{this, reader};
    SqliteTransaction tx(*reader);
    return run_transaction(*reader, sql::kBeginDeferred, [&] { return work(tx); });
  }

  std::string backend_name() const override { return "sqlite"; }

  std::optional<WalCheckpointCounts> wal_checkpoints() const override {
    if (!checkpointer_) return std::nullopt;
    return checkpointer_->stats();
  }

 private:
  // A shared-cache in-memory database takes table locks that fail at once (SQLITE_LOCKED, no busy
  // wait) when a reader meets a writer, so reads of an in-memory database share the writer.
  Result<void> read_on_writer(const std::function<Result<void>(Transaction&)>& work) {
    std::lock_guard lock(writer_mutex_);
    struct RefuseWrites {
      Connection& connection;
      explicit RefuseWrites(Connection& c) : connection(c) { connection.refuse_writes(true); }
      ~RefuseWrites() { connection.refuse_writes(false); }
      RefuseWrites(const RefuseWrites&) = delete;
      RefuseWrites& operator=(const RefuseWrites&) = delete;
    } refuse{*writer_};
    SqliteTransaction tx(*writer_);
    return run_transaction(*writer_, sql::kBeginDeferred, [&] { return work(tx); });
  }

  Result<std::unique_ptr<Connection>> acquire_reader() {
    std::unique_lock lock(pool_mutex_);
    pool_cv_.wait(lock, [&] { return !idle_readers_.empty() || open_readers_ < options_.readers; });
    if (!idle_readers_.empty()) {
      auto reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return reader;
    }
    ++open_readers_;
    lock.unlock();
    auto reader = Connection::open(target_.uri, ConnectionOptions{options_.busy_timeout, true, false});
    if (!reader) {
      lock.lock();
      --open_readers_;
      pool_cv_.notify_one();
    }
    return reader;
  }

  void release_reader(std::unique_ptr<Connection> reader) {
    {
      std::lock_guard lock(pool_mutex_);
      idle_readers_.push_back(std::move(reader));
    }
    pool_cv_.notify_one();
  }

  Target target_;
  SqliteOptions options_;
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;  // also keeps an in-memory database alive
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::mutex pool_mutex_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  int open_readers_ = 0;
};

}  // namespace

Result<std::unique_ptr<Repository>> open_sqlite_repository(const std::string& path) {
  return open_sqlite_repository(path, SqliteOptions{});
}

Result<std::unique_ptr<Repository>> open_sqlite_repository(const std::string& path, const SqliteOptions& options) {
  KT_TRY(auto target, resolve_target(path));
  KT_TRY(auto writer, Connection::open(target.uri, ConnectionOptions{options.busy_timeout, false, true}));
  auto repository = std::make_unique<SqliteRepository>(std::move(target), options, std::move(writer));
  KT_TRY_VOID(repository->start_checkpointer());
  return std::unique_ptr<Repository>(std::move(repository));
}

}  // namespace kt::storage::sqlite
