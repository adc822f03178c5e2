// The WAL checkpointer on real file databases: it copies the WAL on its own thread, lets the WAL
// start over, does not spin while a reader pins the WAL, and a commit still bounds the WAL itself
// when the thread cannot copy.
#include "storage/sqlite/wal_checkpointer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "sqlite_test_support.hpp"
#include "storage/repository.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/sqlite_repository.hpp"

namespace kt::storage::sqlite {
namespace {

using sqlite_test::TempDbPath;

// Rows of 3,000 bytes: each commit appends a leaf page or two to the WAL.
constexpr const char* kCreate = "CREATE TABLE rows(id INTEGER PRIMARY KEY, payload BLOB NOT NULL)";
constexpr const char* kInsert = "INSERT INTO rows(payload) VALUES (randomblob(3000))";
constexpr const char* kCount = "SELECT count(*) FROM rows";
constexpr const char* kIntegrity = "PRAGMA integrity_check";

std::unique_ptr<Connection> open_connection(const TempDbPath& path) {
  std::filesystem::create_directories(std::filesystem::path(path.str()).parent_path());
  auto connection = Connection::open(path.str(), ConnectionOptions{});
  EXPECT_TRUE(connection.ok()) << connection.error().message;
  return std::move(*connection);
}

struct Fixture {
  TempDbPath path;
  std::unique_ptr<Connection> writer = open_connection(path);
  std::mutex writer_mutex;

  Fixture() { EXPECT_TRUE(writer->exec(kCreate, "creating the table").ok()); }

  /// Commits one row at a time, in bursts of `burst` with a pause between them: a busy writer
  /// that still leaves the checkpointer moments to take the writer lock (a tight loop on an
  /// unfair mutex would not, unlike the bot's workers, which do other work between commits).
  void commit_rows(int count, int burst = 50) {
    for (int i = 0; i < count; ++i) {
      if (i % burst == burst - 1) std::this_thread::sleep_for(std::chrono::microseconds(burst == 1 ? 200 : 1000));
      std::lock_guard lock(writer_mutex);
      ASSERT_TRUE(writer->exec(kInsert, "inserting").ok());
    }
  }
  /// The frames in the WAL now: mxFrame of the WAL index header, read from the -shm file
  /// (a checkpoint would report it too, but could also copy frames and change what is measured).
  std::uint32_t wal_frames() const {
    std::ifstream shm(path.str() + "-shm", std::ios::binary);
    shm.seekg(16);  // WalIndexHdr: iVersion, unused, iChange, isInit, bigEndCksum, szPage, then mxFrame
    std::uint32_t frames = 0;
    shm.read(reinterpret_cast<char*>(&frames), sizeof frames);
    EXPECT_TRUE(shm.good());
    return frames;
  }
};

std::int64_t scalar(Connection& connection, const char* sql) {
  auto statement = connection.prepare(sql);
  EXPECT_TRUE(statement.ok());
  auto row = statement->step();
  EXPECT_TRUE(row.ok() && *row);
  return statement->column_int64(0);
}

std::string text(Connection& connection, const char* sql) {
  auto statement = connection.prepare(sql);
  EXPECT_TRUE(statement.ok());
  auto row = statement->step();
  EXPECT_TRUE(row.ok() && *row);
  return std::string(statement->column_text(0));
}

template <class Predicate>
bool eventually(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

TEST(WalCheckpointer, copies_the_wal_on_its_thread_and_lets_it_start_over) {
  Fixture db;
  {
    WalCheckpointer checkpointer(
        *db.writer, db.writer_mutex, open_connection(db.path),
        WalCheckpointerOptions{.wake_frames = 20, .restart_frames = 100, .inline_frames = 20000});
    db.commit_rows(3000);  // ~6,000 frames: the WAL would hold them all if it never started over
    ASSERT_TRUE(eventually([&] { return checkpointer.stats().locked_passes >= 1; }));
    const auto stats = checkpointer.stats();
    EXPECT_GE(stats.passive_passes, 10u);
    EXPECT_EQ(stats.inline_passes, 0u);
    EXPECT_EQ(stats.failures, 0u);
    EXPECT_LT(db.wal_frames(), 2000u) << "the WAL never started over";
  }
  auto reader = open_connection(db.path);
  EXPECT_EQ(scalar(*reader, kCount), 3000);
  EXPECT_EQ(text(*reader, kIntegrity), "ok");
}

/// Commits `rows` while another connection holds a read transaction begun before them, so
/// that no checkpoint can copy their frames; then ends the read and commits `after` rows more.
/// The pinned commits pause after each one, so the thread could run a round per commit.
template <class WhilePinned>
void with_the_wal_pinned(Fixture& db, WalCheckpointer& checkpointer, int rows, int after, WhilePinned check) {
  auto reader = open_connection(db.path);
  ASSERT_TRUE(reader->exec("BEGIN", "beginning").ok());
  const std::int64_t before = scalar(*reader, kCount);  // the snapshot
  db.commit_rows(rows, 1);
  check(checkpointer.stats());
  EXPECT_EQ(scalar(*reader, kCount), before);  // the reader's snapshot is intact
  ASSERT_TRUE(reader->exec("COMMIT", "ending the read").ok());
  const auto pinned = checkpointer.stats();
  db.commit_rows(after);
  EXPECT_TRUE(eventually([&] { return checkpointer.stats().locked_passes > pinned.locked_passes; }));
  EXPECT_LT(db.wal_frames(), 400u) << "the WAL did not start over once the reader left";
  EXPECT_EQ(scalar(*reader, kCount), before + rows + after);
  EXPECT_EQ(text(*reader, kIntegrity), "ok");
}

TEST(WalCheckpointer, waits_for_more_frames_instead_of_spinning_while_a_reader_pins_the_wal) {
  Fixture db;
  db.commit_rows(5);
  WalCheckpointer checkpointer(
      *db.writer, db.writer_mutex, open_connection(db.path),
      WalCheckpointerOptions{.wake_frames = 50, .restart_frames = 100, .inline_frames = 100000});
  // ~600 frames, every commit after the first few over the threshold: ~12 rounds of two passes,
  // against one round per commit if the thread were woken whenever the WAL is over it.
  with_the_wal_pinned(db, checkpointer, 300, 1000, [](const WalCheckpointer::Stats& pinned) {
    EXPECT_LE(pinned.passive_passes + pinned.locked_passes, 60u) << "woken on every commit";
    EXPECT_EQ(pinned.inline_passes, 0u);
  });
}

TEST(WalCheckpointer, a_commit_bounds_the_wal_itself_when_nothing_can_be_copied) {
  Fixture db;
  db.commit_rows(5);
  WalCheckpointer checkpointer(*db.writer, db.writer_mutex, open_connection(db.path),
                               WalCheckpointerOptions{.wake_frames = 50, .restart_frames = 100, .inline_frames = 400});
  with_the_wal_pinned(db, checkpointer, 300, 1000, [](const WalCheckpointer::Stats& pinned) {
    EXPECT_GE(pinned.inline_passes, 1u) << "the commits did not checkpoint at inline_frames";
  });
}

TEST(WalCheckpointer, a_file_repository_checkpoints_in_the_background_and_removes_its_wal_on_close) {
  TempDbPath path;
  {
    auto repository = open_sqlite_repository(path.str());
    ASSERT_TRUE(repository.ok()) << repository.error().message;
    ASSERT_TRUE((*repository)->migrate().ok());
    EXPECT_TRUE(eventually([] {
      for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        std::getline(comm, name);
        if (name == "kt-sqlite-ckpt") return true;
      }
      return false;
    })) << "no checkpointer thread";
    EXPECT_TRUE((*repository)->wal_checkpoints().has_value()) << "its counters are not exported";
  }
  EXPECT_FALSE(std::filesystem::exists(path.str() + "-wal"));
  auto reader = open_connection(path);
  EXPECT_EQ(text(*reader, kIntegrity), "ok");
}

TEST(WalCheckpointer, only_file_databases_have_one) {
  auto memory = open_sqlite_repository(":memory:");
  ASSERT_TRUE(memory.ok());
  EXPECT_FALSE((*memory)->wal_checkpoints().has_value());
  TempDbPath path;
  auto automatic = open_sqlite_repository(path.str(), SqliteOptions{.background_checkpoints = false});
  ASSERT_TRUE(automatic.ok());
  EXPECT_FALSE((*automatic)->wal_checkpoints().has_value()) << "SQLite's automatic checkpoint was asked for";
}

}  // namespace
}  // namespace kt::storage::sqlite
