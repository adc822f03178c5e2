// The SQLite (single host) lease: flock() on a file next to the database elects one holder.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "coordination/coordination.hpp"

namespace kt::coordination {
namespace {

std::string temp_db(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".db")).string();
}

TEST(FileTrackerLease, a_second_holder_cannot_acquire_until_the_first_releases) {
  const std::string db = temp_db("kt_lease");
  auto a = open_coordination("sqlite://" + db);
  auto b = open_coordination("sqlite://" + db);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->lease->try_acquire().value());
  EXPECT_TRUE(a->lease->try_acquire().value()) << "acquiring again while holding is still holding";
  EXPECT_FALSE(b->lease->try_acquire().value());
  EXPECT_TRUE(a->lease->still_held());
  EXPECT_FALSE(b->lease->still_held());
  a->lease->release();
  EXPECT_FALSE(a->lease->still_held());
  EXPECT_TRUE(b->lease->try_acquire().value());
  EXPECT_FALSE(a->lease->try_acquire().value());
  EXPECT_TRUE(std::filesystem::exists(db + ".tracker-lock"));
  EXPECT_FALSE(a->bus->carries_ticks()) << "SQLite processes share no ticks";
  b->lease->release();
  std::filesystem::remove(db + ".tracker-lock");
}

TEST(FileTrackerLease, a_killed_holder_process_frees_the_lease) {
  const std::string db = temp_db("kt_lease_kill");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    auto c = open_coordination("sqlite://" + db);
    const bool got = c.ok() && c->lease->try_acquire().value_or(false);
    const char byte = got ? '1' : '0';
    (void)!::write(ready[1], &byte, 1);
    ::pause();  // until SIGKILL
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, '1');
  auto mine = open_coordination("sqlite://" + db);
  ASSERT_TRUE(mine.ok());
  EXPECT_FALSE(mine->lease->try_acquire().value());
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(mine->lease->try_acquire().value()) << "the kernel drops a dead process's flock";
  mine->lease->release();
  ::close(ready[0]);
  ::close(ready[1]);
  std::filesystem::remove(db + ".tracker-lock");
}

TEST(FileTrackerLease, an_in_memory_database_has_one_process_so_the_lease_is_always_granted) {
  auto c = open_coordination("sqlite::memory:");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->lease->try_acquire().value());
  EXPECT_TRUE(c->lease->still_held());
  EXPECT_FALSE(open_coordination("mysql://x").ok());
  CoordinationOptions bad_channel;
  bad_channel.channel = "Bad Channel";
  EXPECT_FALSE(open_coordination("postgresql://127.0.0.1/x", bad_channel).ok());
}

}  // namespace
}  // namespace kt::coordination
