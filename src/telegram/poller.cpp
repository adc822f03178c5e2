#include "telegram/poller.hpp"

#include "telegram/log.hpp"

namespace kt::telegram {

using std::chrono::milliseconds;

Poller::Poller(BotApi& api, const Clock& clock, PollerOptions options, std::string bot_username, Dispatch dispatch,
               std::optional<std::int64_t> last_processed_update_id)
    : api_(api), clock_(clock), options_(options), bot_username_(std::move(bot_username)), dispatch_(std::move(dispatch)) {
  if (last_processed_update_id) offset_.store(*last_processed_update_id + 1);
}

Poller::~Poller() { stop(); }

milliseconds Poller::poll_once() {
  TimePoint started = clock_.now();
  auto updates = api_.get_updates(offset_.load(), options_.long_poll_seconds, options_.limit, &stop_);
  if (!updates.ok()) {
    const Error& error = updates.error();
    if (error.code == "E-CANCELLED") return milliseconds(0);
    backoff_ = backoff_.count() == 0 ? options_.backoff_initial : std::min(backoff_ * 2, options_.backoff_max);
    if (error.code == "E-TG-409") {
      log(LogLevel::kError,
          "getUpdates conflict (409): a webhook is set or another instance of this bot is polling ({}); "
          "retrying in {} ms",
          error.message, backoff_.count());
    } else if (!error.retryable()) {
      log(LogLevel::kError, "getUpdates failed: {}; retrying in {} ms", error.message, backoff_.count());
    } else {
      log(LogLevel::kWarn, "getUpdates failed: {}; retrying in {} ms", error.message, backoff_.count());
    }
    return std::max(backoff_, error.retry_after);
  }
  backoff_ = milliseconds(0);
  for (const auto& raw : *updates) {
    auto parsed = parse_update(raw, bot_username_);
    if (!parsed.ok()) {
      log(LogLevel::kWarn, "skipping an update: {}", parsed.error().message);
      continue;
    }
    std::int64_t id = parsed->update_id;
    if (!dispatch_(std::move(*parsed))) return milliseconds(0);  // shutting down: do not confirm it
    if (id + 1 > offset_.load()) offset_.store(id + 1);
  }
  if (updates->empty()) {
    auto elapsed = std::chrono::duration_cast<milliseconds>(clock_.now() - started);
    if (elapsed < options_.min_empty_poll_interval) return options_.min_empty_poll_interval - elapsed;
  }
  return milliseconds(0);
}

void Poller::start() {
  if (thread_.joinable()) return;
  stop_.store(false);
  thread_ = std::thread([this] {
    log(LogLevel::kInfo, "polling for updates from offset {}", offset_.load());
    while (!stop_.load()) {
      milliseconds wait = poll_once();
      if (wait.count() > 0) {
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, wait, [this] { return stop_.load(); });
      }
    }
  });
}

void Poller::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_.store(true);
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace kt::telegram
