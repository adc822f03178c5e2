#pragma once
// Temporary SQLite database files for tests: unique paths under the build directory, removed
// (with their -wal and -shm companions) when the owner goes away.
#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>

namespace kt::storage::sqlite_test {

/// A unique database path that is deleted, with its WAL files, on destruction.
class TempDbPath {
 public:
  TempDbPath() {
    static std::atomic<int> counter{0};
    path_ = std::string(KT_BINARY_DIR) + "/tmp/storage_tests/kt_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++) + "/test.db";
  }
  ~TempDbPath() {
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(path_).parent_path(), ec);
  }
  TempDbPath(const TempDbPath&) = delete;
  TempDbPath& operator=(const TempDbPath&) = delete;

  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

}  // namespace kt::storage::sqlite_test
