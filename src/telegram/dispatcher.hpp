#pragma once
// Worker shards keyed by telegram user id: one user's updates run in order, different users' in
// parallel. Each worker calls the bot's handler, answers the button press, and queues the replies.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "telegram/handler.hpp"
#include "telegram/update_parser.hpp"

namespace kt::telegram {

/// Where a worker's output goes (the outbound queue and the Bot API in production).
struct ReplySink {
  std::function<void(const bot::Reply&)> send;
  std::function<void(const std::string& callback_query_id, const std::string& text)> answer_callback;
  /// The update is done: handler returned (or it was ignored) and its replies are queued. Not
  /// called for updates abandoned at shutdown, so the poller never confirms those to Telegram.
  std::function<void(std::int64_t update_id)> finished;
};

class UpdateDispatcher {
 public:
  UpdateDispatcher(std::size_t shards, UpdateHandler handler, ReplySink sink);
  ~UpdateDispatcher();
  UpdateDispatcher(const UpdateDispatcher&) = delete;
  UpdateDispatcher& operator=(const UpdateDispatcher&) = delete;

  void start();
  /// Queues an update on its user's shard; false once stopping.
  bool dispatch(ParsedUpdate update);
  /// Stops taking updates and lets the workers finish what is queued, for at most `budget`
  /// (real time); returns the number of updates left unprocessed.
  std::size_t stop(std::chrono::milliseconds budget);

  std::size_t depth() const;
  std::uint64_t processed() const { return processed_.load(); }

 private:
  struct Shard {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<ParsedUpdate> queue;
    bool stopping = false;
    bool abandon = false;
    std::thread worker;
  };

  void run(Shard& shard);
  void process(const ParsedUpdate& update);

  UpdateHandler handler_;
  ReplySink sink_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<bool> accepting_{true};
  std::atomic<std::uint64_t> processed_{0};
};

}  // namespace kt::telegram
