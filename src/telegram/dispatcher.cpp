#include "telegram/dispatcher.hpp"

#include <exception>

#include "core/thread_name.hpp"
#include "telegram/log.hpp"

namespace kt::telegram {

UpdateDispatcher::UpdateDispatcher(std::size_t shards, UpdateHandler handler, ReplySink sink)
    : handler_(std::move(handler)), sink_(std::move(sink)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, shards); ++i) shards_.push_back(std::make_unique<Shard>());
}

UpdateDispatcher::~UpdateDispatcher() { stop(std::chrono::milliseconds(0)); }

void UpdateDispatcher::start() {
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = *shards_[i];
    if (shard.worker.joinable()) continue;
    shard.worker = std::thread([this, &shard, i] {
      name_this_thread("kt-worker-" + std::to_string(i));
      run(shard);
    });
  }
}

bool UpdateDispatcher::dispatch(ParsedUpdate update) {
  if (!accepting_.load()) return false;
  auto key = static_cast<std::uint64_t>(update.shard_key);
  Shard& shard = *shards_[key % shards_.size()];
  std::lock_guard lock(shard.mutex);
  if (shard.stopping) return false;
  shard.queue.push_back(std::move(update));
  shard.ready.notify_one();
  return true;
}

std::size_t UpdateDispatcher::depth() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    n += shard->queue.size();
  }
  return n;
}

void UpdateDispatcher::run(Shard& shard) {
  while (true) {
    ParsedUpdate update;
    {
      std::unique_lock lock(shard.mutex);
      shard.ready.wait(lock, [&] { return !shard.queue.empty() || shard.stopping; });
      if (shard.abandon || (shard.stopping && shard.queue.empty())) return;
      update = std::move(shard.queue.front());
      shard.queue.pop_front();
    }
    process(update);
    processed_.fetch_add(1);
  }
}

void UpdateDispatcher::process(const ParsedUpdate& update) {
  std::vector<bot::Reply> replies;
  if (update.incoming) {
    try {
      replies = handler_(*update.incoming);
    } catch (const std::exception& e) {
      log(LogLevel::kError, "the handler failed on update {}: {}", update.update_id, e.what());
    }
  } else {
    log(LogLevel::kDebug, "update {} ignored: {}", update.update_id, update.ignored_because);
  }
  // Every button press is answered, or the user's client shows a spinner for a while.
  if (update.callback_query_id && sink_.answer_callback) {
    std::string text;
    for (const auto& reply : replies) {
      if (reply.callback_answer) {
        text = *reply.callback_answer;
        break;
      }
    }
    sink_.answer_callback(*update.callback_query_id, text);
  }
  for (const auto& reply : replies) {
    if (sink_.send) sink_.send(reply);
  }
  if (sink_.finished) sink_.finished(update.update_id);
}

std::size_t UpdateDispatcher::stop(std::chrono::milliseconds budget) {
  accepting_.store(false);
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->stopping = true;
    shard->ready.notify_all();
  }
  // Real time on purpose: this bounds how long shutdown may take.
  auto deadline = std::chrono::steady_clock::now() + budget;
  while (depth() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::size_t left = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    left += shard->queue.size();
    shard->abandon = true;
    shard->queue.clear();
    shard->ready.notify_all();
  }
  for (auto& shard : shards_) {
    if (shard->worker.joinable()) shard->worker.join();
  }
  if (left > 0) log(LogLevel::kWarn, "{} updates left unprocessed at shutdown (Telegram will redeliver them)", left);
  return left;
}

}  // namespace kt::telegram
