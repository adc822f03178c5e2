// Thread names as the kernel shows them (top -H, perf, /proc/<pid>/task/<tid>/comm).
#include "core/thread_name.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <string>
#include <thread>

namespace kt {
namespace {

std::string name_of_this_thread() {
  std::array<char, 32> name{};
  EXPECT_EQ(pthread_getname_np(pthread_self(), name.data(), name.size()), 0);
  return name.data();
}

TEST(ThreadName, names_the_calling_thread_only) {
  std::string inside;
  const std::string before = name_of_this_thread();
  std::thread t([&] {
    name_this_thread("kt-worker-3");
    inside = name_of_this_thread();
  });
  t.join();
  EXPECT_EQ(inside, "kt-worker-3");
  EXPECT_EQ(name_of_this_thread(), before);
}

TEST(ThreadName, a_name_longer_than_linux_keeps_is_cut_to_15_characters) {
  std::string inside;
  std::thread t([&] {
    name_this_thread("kt-sender-with-a-very-long-name");
    inside = name_of_this_thread();
  });
  t.join();
  EXPECT_EQ(inside, "kt-sender-with-");
}

}  // namespace
}  // namespace kt
