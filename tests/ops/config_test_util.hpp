#pragma once
// Helpers for the config tests: a scratch directory and a file writer.
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace kt::ops::testing {

/// A fresh directory under the build tree, removed when the test ends.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::path(KT_BINARY_DIR) / "test-scratch" / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& file, const std::string& content) const {
    const auto p = path_ / file;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
    return p.string();
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace kt::ops::testing
