#pragma once
// A private, empty directory for the running test: named after the process and the test, so tests
// run in parallel by ctest never share a database file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace kt::testing {

inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  const auto dir =
      std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace kt::testing
