#include "storage/sqlite/wal_checkpointer.hpp"

#include <sqlite3.h>

#include <chrono>

#include "core/thread_name.hpp"
#include "storage/sqlite/connection.hpp"

namespace kt::storage::sqlite {

namespace {
/// After a failed checkpoint (another checkpoint running, an I/O error), the next try waits this
/// long, so a persistent error is not retried on every commit.
constexpr auto kRetryAfterFailure = std::chrono::milliseconds(100);
}  // namespace

WalCheckpointer::WalCheckpointer(Connection& writer, std::mutex& writer_mutex, std::unique_ptr<Connection> own,
                                 WalCheckpointerOptions options)
    : writer_(writer),
      writer_mutex_(writer_mutex),
      own_(std::move(own)),
      options_(options),
      wake_at_(options.wake_frames) {
  // Replaces SQLite's automatic checkpoint, which is itself a WAL hook.
  sqlite3_wal_hook(writer_.handle(), &WalCheckpointer::on_commit, this);
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
}

WalCheckpointer::Stats WalCheckpointer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_frames) {
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  const WalCheckpointerOptions& options = checkpointer.options_;
  if (wal_frames < checkpointer.last_wal_frames_) checkpointer.wake_at_ = options.wake_frames;  // the WAL started over
  checkpointer.last_wal_frames_ = wal_frames;
  if (wal_frames >= options.inline_frames) {
    // The thread has fallen far behind (or keeps failing): bound the WAL the way SQLite would.
    const int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    std::lock_guard lock(checkpointer.mutex_);
    ++checkpointer.stats_.inline_passes;
    if (rc != SQLITE_OK) ++checkpointer.stats_.failures;
    return SQLITE_OK;
  }
  if (wal_frames >= checkpointer.wake_at_ && !checkpointer.pending_.exchange(true)) {
    {
      std::lock_guard lock(checkpointer.mutex_);
      checkpointer.requested_ = true;
    }
    checkpointer.wake_.notify_one();
  }
  return SQLITE_OK;
}

WalCheckpointer::Pass WalCheckpointer::checkpoint_once(std::uint64_t Stats::*counter) {
  Pass pass;
  int rc = SQLITE_OK;
  // SQLITE_BUSY comes and goes: a commit rewriting the WAL header as the pass reads it, or the
  // commit hook's inline checkpoint running. Retried a few times before it counts as a failure.
  for (int attempt = 0; attempt < 4; ++attempt) {
    rc = sqlite3_wal_checkpoint_v2(own_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &pass.wal_frames, &pass.copied);
    if (rc != SQLITE_BUSY) break;
    std::this_thread::yield();
  }
  pass.ok = rc == SQLITE_OK;
  std::lock_guard lock(mutex_);
  ++(stats_.*counter);
  if (!pass.ok) ++stats_.failures;
  return pass;
}

void WalCheckpointer::run() {
  name_this_thread("kt-sqlite-ckpt");
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return requested_ || stopping_; });
      if (stopping_) return;
      requested_ = false;
    }
    // Beside the writer: the copying and both syncs, while commits go on.
    Pass pass = checkpoint_once(&Stats::passive_passes);
    if (pass.ok && pass.wal_frames >= options_.restart_frames) {
      // Commits appended frames meanwhile, and the WAL only starts over once a checkpoint has
      // copied all of it: copy those few with commits held off, so that the next commit starts
      // the WAL over instead of growing it.
      std::lock_guard writer_lock(writer_mutex_);
      pass = checkpoint_once(&Stats::locked_passes);
      // Set before a commit can start the WAL over (a reader on an old snapshot can prevent it).
      if (pass.ok)
        wake_at_ = pass.copied >= pass.wal_frames ? options_.wake_frames : pass.wal_frames + options_.wake_frames;
    } else if (pass.ok) {
      wake_at_ = pass.wal_frames + options_.wake_frames;  // after another wake_frames are appended
    }
    if (!pass.ok) {
      // Still busy, or an I/O error: not again on every commit.
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kRetryAfterFailure, [&] { return stopping_; });
    }
    // Only now: the commits made during the passes saw a WAL over the threshold that this round
    // has just copied, and need not wake the thread again.
    pending_ = false;
  }
}

}  // namespace kt::storage::sqlite
