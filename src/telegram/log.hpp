#pragma once
// Logging for the Telegram layer: every line is redacted (bot token, webhook secret) and goes to
// the spdlog logger "telegram" and to an optional hook that tests use to capture lines.
#include <fmt/format.h>

#include <functional>
#include <string>

namespace kt::telegram {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

/// Receives every (already redacted) line; nullptr removes the hook.
using LogHook = std::function<void(LogLevel, const std::string&)>;
void set_log_hook(LogHook hook);

/// Registers a secret (token, webhook secret) that must never be shown. Empty strings are ignored.
void add_secret(const std::string& secret);

/// `text` with every registered secret (and `extra_secret`, if non-empty) replaced by "<redacted>".
std::string redact(std::string text, const std::string& extra_secret = "");

/// Logs one redacted line.
void log_line(LogLevel level, std::string message);

template <class... Args>
void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  log_line(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace kt::telegram
