#include "coordination/local_coordination.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kt::coordination {

FileTrackerLease::FileTrackerLease(std::string path) : path_(std::move(path)) {}

FileTrackerLease::~FileTrackerLease() { release(); }

Result<bool> FileTrackerLease::try_acquire() {
  if (held_) return true;
  if (path_.empty()) return held_ = true;
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
      return retryable("E-STORAGE", "cannot open the tracker lock file " + path_ + ": " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return held_ = true;
  if (errno == EWOULDBLOCK || errno == EINTR) return false;
  return retryable("E-STORAGE", "cannot lock the tracker lock file " + path_ + ": " + std::strerror(errno));
}

void FileTrackerLease::release() {
  held_ = false;
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor drops the flock
  fd_ = -1;
}

std::string FileTrackerLease::describe() const {
  return path_.empty() ? std::string("in-process lease (sqlite::memory:)") : "lock file " + path_;
}

}  // namespace kt::coordination
