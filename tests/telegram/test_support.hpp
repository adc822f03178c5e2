#pragma once
// Shared helpers for the Telegram tests: log capture, a timing HTTP client, fixture loading.
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/http_client.hpp"
#include "telegram/log.hpp"

namespace kt::telegram::test {

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(KT_FIXTURES_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Captures every log line of the Telegram layer while alive.
class LogCapture {
 public:
  LogCapture() {
    set_log_hook([this](LogLevel level, const std::string& line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(level, line);
    });
  }
  ~LogCapture() { set_log_hook(nullptr); }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [level, line] : lines_) out.push_back(line);
    return out;
  }
  bool contains(const std::string& needle) const {
    for (const auto& line : lines()) {
      if (line.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  std::size_t count(const std::string& needle) const {
    std::size_t n = 0;
    for (const auto& line : lines()) n += line.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

/// Wraps a client and records, for each request, the method name (last URL segment) and the clock.
class TimedClient final : public http::Client {
 public:
  TimedClient(http::Client& inner, const Clock& clock) : inner_(inner), clock_(clock) {}
  Result<http::Response> perform(const http::Request& request) override {
    {
      std::lock_guard lock(mutex_);
      auto slash = request.url.rfind('/');
      sends_.emplace_back(request.url.substr(slash + 1), clock_.now());
    }
    return inner_.perform(request);
  }
  /// Clock times of the calls of `method`.
  std::vector<TimePoint> times(const std::string& method) const {
    std::lock_guard lock(mutex_);
    std::vector<TimePoint> out;
    for (const auto& [m, t] : sends_) {
      if (m == method) out.push_back(t);
    }
    return out;
  }

 private:
  http::Client& inner_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, TimePoint>> sends_;
};

}  // namespace kt::telegram::test
