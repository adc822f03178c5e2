#include "telegram/poller.hpp"

#include <nlohmann/json.hpp>

#include "core/thread_name.hpp"
#include "telegram/log.hpp"

namespace kt::telegram {

using std::chrono::milliseconds;

Poller::Poller(BotApi& api, const Clock& clock, PollerOptions options, std::string bot_username, Dispatch dispatch)
    : api_(api),
      clock_(clock),
      options_(options),
      bot_username_(std::move(bot_username)),
      dispatch_(std::move(dispatch)) {}

Poller::~Poller() { stop(); }

std::int64_t Poller::offset_locked() const {
  if (!in_flight_.empty()) return *in_flight_.begin();
  return last_fetched_ ? *last_fetched_ + 1 : 0;
}

std::int64_t Poller::next_offset() const {
  std::lock_guard lock(mutex_);
  return offset_locked();
}

std::size_t Poller::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_.size();
}

void Poller::finished(std::int64_t update_id) {
  std::lock_guard lock(mutex_);
  const std::int64_t before = offset_locked();
  in_flight_.erase(update_id);
  if (offset_locked() != before) wake_.notify_all();
}

milliseconds Poller::poll_once() {
  TimePoint started = clock_.now();
  std::int64_t offset = 0;
  {
    std::lock_guard lock(mutex_);
    offset = offset_locked();
    sent_offset_ = offset;
  }
  last_answer_repeated_ = false;
  auto updates = api_.get_update_batch(offset, options_.long_poll_seconds, options_.limit, &stop_);
  if (!updates.ok()) {
    const Error& error = updates.error();
    if (error.code == "E-CANCELLED") return milliseconds(0);
    backoff_ = backoff_.count() == 0 ? options_.backoff_initial : std::min(backoff_ * 2, options_.backoff_max);
    const milliseconds wait = std::max(backoff_, error.retry_after);  // Telegram's retry_after wins
    if (error.code == "E-TG-409") {
      log(LogLevel::kError,
          "getUpdates conflict (409): a webhook is set or another instance of this bot is polling ({}); "
          "retrying in {} ms. Hint: another poller or an active webhook; run with telegram.mode=webhook or delete "
          "the webhook",
          error.message, wait.count());
    } else if (!error.retryable()) {
      log(LogLevel::kError, "getUpdates failed: {}; retrying in {} ms", error.message, wait.count());
    } else {
      log(LogLevel::kWarn, "getUpdates failed: {}; retrying in {} ms", error.message, wait.count());
    }
    return wait;
  }
  backoff_ = milliseconds(0);
  {
    std::lock_guard lock(mutex_);
    confirmed_offset_ = std::max(confirmed_offset_, offset);
  }
  bool fresh = false;
  for (const auto& raw : updates->updates) {
    // Updates still unconfirmed come back in every answer: skip the ones already taken by their id
    // alone, before any parse.
    if (raw.update_id) {
      std::lock_guard lock(mutex_);
      if (last_fetched_ && *raw.update_id <= *last_fetched_) {
        last_answer_repeated_ = true;
        continue;
      }
    }
    auto tree = nlohmann::json::parse(updates->text(raw), nullptr, /*allow_exceptions=*/false);
    if (tree.is_discarded()) {
      // A new update that is not JSON: the answer was damaged, not the update. Poll again (after a
      // back-off) rather than skip it; the updates taken before it are skipped by id next time.
      backoff_ = options_.backoff_initial;
      log(LogLevel::kWarn, "getUpdates answered with a malformed update; retrying in {} ms", backoff_.count());
      return backoff_;
    }
    auto parsed = parse_update(tree, bot_username_);
    if (!parsed.ok()) {
      log(LogLevel::kWarn, "skipping an update: {}", parsed.error().message);
      continue;
    }
    const std::int64_t id = parsed->update_id;
    {
      std::lock_guard lock(mutex_);
      // Still unconfirmed, so Telegram sends it again: it is in flight or finished already.
      if (last_fetched_ && id <= *last_fetched_) {
        last_answer_repeated_ = true;
        continue;
      }
      in_flight_.insert(id);
      last_fetched_ = id;
    }
    fresh = true;
    // Not taken (shutting down): it stays in flight, so it is never confirmed and comes back.
    if (!dispatch_(std::move(*parsed))) return milliseconds(0);
  }
  if (updates->updates.empty()) {
    auto elapsed = std::chrono::duration_cast<milliseconds>(clock_.now() - started);
    if (elapsed < options_.min_empty_poll_interval) return options_.min_empty_poll_interval - elapsed;
  } else if (!fresh) {
    // Only updates still in flight came back (Telegram answers at once while they are
    // unconfirmed): wait for one to finish rather than asking again in a tight loop. If one
    // finished while the request was out, its wake-up already happened: ask again now.
    std::lock_guard lock(mutex_);
    if (offset_locked() != offset) return milliseconds(0);
    return options_.stalled_poll_interval;
  }
  return milliseconds(0);
}

void Poller::start() {
  if (thread_.joinable()) return;
  stop_.store(false);
  thread_ = std::thread([this] {
    name_this_thread("kt-poller");
    log(LogLevel::kInfo, "polling for updates from offset {}", next_offset());
    using std::chrono::steady_clock;
    while (!stop_.load()) {
      const auto poll_started = steady_clock::now();
      const milliseconds wait = poll_once();
      const auto answered = steady_clock::now();
      const auto paced_until = last_answer_repeated_ ? poll_started + options_.busy_poll_interval : answered;
      const auto wait_until = answered + wait;
      if (paced_until <= answered && wait.count() == 0) continue;
      std::unique_lock lock(mutex_);
      // The pace is not cut short by a finishing update: under load one finishes every fraction of
      // a millisecond, and each would start another request.
      wake_.wait_until(lock, paced_until, [&] { return stop_.load(); });
      if (steady_clock::now() >= wait_until) continue;
      // Compared with the offset the last poll sent, not re-read now: an update that finished
      // since that poll has already moved it, and the wait ends at once.
      // A back-off after a failed poll (a 429's retry_after included) is waited out in full: under
      // load an update finishes every few milliseconds, and waking on that would retry at once.
      const bool backing_off = backoff_.count() > 0;
      wake_.wait_until(lock, wait_until,
                       [&] { return stop_.load() || (!backing_off && offset_locked() != sent_offset_); });
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

void Poller::confirm_finished() {
  std::int64_t offset = 0;
  {
    std::lock_guard lock(mutex_);
    offset = offset_locked();
    if (offset <= confirmed_offset_) return;
  }
  auto r = api_.get_updates(offset, 0, 1, nullptr);
  if (!r.ok()) {
    log(LogLevel::kWarn,
        "could not confirm finished updates below {} (Telegram will resend them; they are skipped): {}", offset,
        r.error().message);
    return;
  }
  std::lock_guard lock(mutex_);
  confirmed_offset_ = std::max(confirmed_offset_, offset);
  log(LogLevel::kDebug, "confirmed updates below {}", offset);
}

}  // namespace kt::telegram
