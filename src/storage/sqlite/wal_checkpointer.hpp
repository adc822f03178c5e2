#pragma once
// Checkpoints the WAL of a file database on a thread of its own, so that the commit which crosses
// the checkpoint threshold no longer copies the WAL into the database file while every other write
// waits behind the writer lock.
//
// SQLite's automatic checkpoint runs inside that commit: at 5,000 trades/s on a database of 100,000
// users it copied ~1,000 scattered pages and synced two files every ~50 ms, and the writes queued
// behind it set the p99 (docs/benchmarks.md, "WAL checkpoints off the writer"). Here the copying is
// done by a passive checkpoint that runs beside the writer. It cannot finish while commits keep
// appending frames, and the WAL only starts over once a checkpoint has copied all of it, so a short
// second pass takes the writer lock and copies the frames appended meanwhile.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/repository.hpp"

struct sqlite3;

namespace kt::storage::sqlite {

class Connection;

struct WalCheckpointerOptions {
  /// New WAL frames (pages) after which a commit wakes the checkpointer for a passive pass
  /// (SQLite's automatic checkpoint runs every 1,000).
  int wake_frames = 1000;
  /// WAL frames from which a pass ends with the short pass under the writer lock that lets the WAL
  /// start over. Fewer such passes hold commits off less often, and leave a longer WAL file:
  /// 8,000 frames of 4 KiB pages is 32 MiB.
  int restart_frames = 8000;
  /// Frames at which a commit checkpoints inline after all, as SQLite would: the bound on the WAL
  /// when the checkpointer cannot keep up or keeps failing.
  int inline_frames = 24000;
};

class WalCheckpointer {
 public:
  using Stats = WalCheckpointCounts;

  /// Installs the commit hook on `writer` (which must be in WAL mode) and starts the thread, which
  /// checkpoints through `own` (another connection to the same file). `writer_mutex` is the lock
  /// under which `writer` is used; the final pass holds it.
  WalCheckpointer(Connection& writer, std::mutex& writer_mutex, std::unique_ptr<Connection> own,
                  WalCheckpointerOptions options = {});
  /// Stops the thread and removes the hook; the writer must be idle (the repository is closing).
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  Stats stats() const;

 private:
  /// sqlite3_wal_hook's callback: the writer calls it after each commit, under the writer lock,
  /// with the frames now in the WAL.
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_frames);
  void run();
  struct Pass {
    bool ok = false;
    int wal_frames = 0;  ///< frames in the WAL when the pass began
    int copied = 0;      ///< of those, how many are now in the database file
  };
  /// One passive checkpoint on the checkpointer's connection, counted in `counter`.
  Pass checkpoint_once(std::uint64_t Stats::*counter);

  Connection& writer_;
  std::mutex& writer_mutex_;
  std::unique_ptr<Connection> own_;
  WalCheckpointerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  Stats stats_;
  std::atomic<bool> pending_{false};  ///< a wake-up is on its way; commits skip the lock meanwhile
  std::atomic<int> wake_at_;          ///< WAL frames at which a commit wakes the thread
  int last_wal_frames_ = 0;           ///< what the last commit reported (under the writer lock)
  std::thread thread_;
};

}  // namespace kt::storage::sqlite
