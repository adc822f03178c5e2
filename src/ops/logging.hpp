#pragma once
// Logging set-up from log.*: stdout, a rotating file <dir>/kitrader.log and an error-only file
// <dir>/kitrader-error.log, one line per event with the component logger's name. Every line
// passes a Redactor first (known secrets and anything shaped like a Telegram bot token).
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "ops/config.hpp"

namespace kt::ops {

/// The component loggers the setup registers (spdlog::get(name) finds them).
inline const std::vector<std::string>& component_names() {
  static const std::vector<std::string> names = {"app",    "telegram", "solana", "storage", "tracker",
                                                 "engine", "market",   "bot",    "http"};
  return names;
}

/// Replaces registered secrets and Telegram-token-shaped text (\d{8,10}:[A-Za-z0-9_-]{35,}) by
/// "<redacted>". Thread-safe.
class Redactor {
 public:
  explicit Redactor(std::vector<std::string> secrets = {});
  /// Empty strings are ignored.
  void add(const std::string& secret);
  std::string redact(std::string_view text) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> secrets_;
};

/// The secrets of a configuration: bot token, webhook secret, Jupiter key, database password
/// (decoded, and as written in the URL).
std::vector<std::string> secrets_of(const Config& config);

/// The password of a URL ("postgresql://u:p%40ss@h/db" → "p@ss", or a password=... query
/// parameter), percent-decoded; "" when there is none.
std::string url_password(std::string_view url);
/// The URL without its password (user:pass@ → user@, password=... dropped from the query).
std::string strip_url_password(std::string_view url);

/// Where the logs go, beyond log.*.
struct LogOutputs {
  bool to_stdout = true;
};

class FanOutSink;

/// The installed logging: the loggers share one redacting fan-out sink owned here.
class Logging {
 public:
  /// Creates log.dir if needed, replaces spdlog's default logger by "app" and (re)registers every
  /// component logger. Fatal "E-LOG" when a file cannot be opened.
  static Result<std::unique_ptr<Logging>> setup(const LogConfig& config, const std::vector<std::string>& secrets,
                                                LogOutputs outputs = {});
  ~Logging();

  /// Closes and reopens the files (after logrotate moved them; call on SIGHUP, outside the handler).
  Result<void> reopen();
  /// Also redact `secret` from now on.
  void add_secret(const std::string& secret);
  void flush();

 private:
  explicit Logging(std::shared_ptr<FanOutSink> sink) : sink_(std::move(sink)) {}
  std::shared_ptr<FanOutSink> sink_;
};

/// The named component logger (after setup), else spdlog's default logger.
std::shared_ptr<spdlog::logger> component_logger(const std::string& name);

}  // namespace kt::ops
