#include "telegram/log.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <vector>

namespace kt::telegram {
namespace {

struct LogState {
  std::mutex mutex;
  LogHook hook;
  std::vector<std::string> secrets;
};

LogState& state() {
  static LogState s;
  return s;
}

std::shared_ptr<spdlog::logger> telegram_logger() {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (auto logger = spdlog::get("telegram")) return logger;
  auto logger = spdlog::default_logger()->clone("telegram");
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    if (auto existing = spdlog::get("telegram")) return existing;  // registered meanwhile
  }
  return logger;
}

void replace_all(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "<redacted>");
    pos += 10;
  }
}

}  // namespace

void set_log_hook(LogHook hook) {
  std::lock_guard lock(state().mutex);
  state().hook = std::move(hook);
}

void add_secret(const std::string& secret) {
  if (secret.empty()) return;
  std::lock_guard lock(state().mutex);
  for (const auto& s : state().secrets) {
    if (s == secret) return;
  }
  state().secrets.push_back(secret);
}

std::string redact(std::string text, const std::string& extra_secret) {
  replace_all(text, extra_secret);
  std::lock_guard lock(state().mutex);
  for (const auto& secret : state().secrets) replace_all(text, secret);
  return text;
}

void log_line(LogLevel level, std::string message) {
  message = redact(std::move(message));
  LogHook hook;
  {
    std::lock_guard lock(state().mutex);
    hook = state().hook;
  }
  if (hook) hook(level, message);
  auto logger = telegram_logger();
  switch (level) {
    case LogLevel::kDebug: logger->debug(message); break;
    case LogLevel::kInfo: logger->info(message); break;
    case LogLevel::kWarn: logger->warn(message); break;
    case LogLevel::kError: logger->error(message); break;
  }
}

}  // namespace kt::telegram
