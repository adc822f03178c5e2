#include "app/contest_watch.hpp"

#include "core/thread_name.hpp"
#include "ops/logging.hpp"

namespace kt::app {

ContestWatch::ContestWatch(bot::Dispatcher& dispatcher, Notify notify, std::chrono::milliseconds interval)
    : dispatcher_(dispatcher), notify_(std::move(notify)), interval_(interval) {}

ContestWatch::~ContestWatch() { stop(); }

void ContestWatch::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("kt-contests");
    run();
  });
}

void ContestWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ContestWatch::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

std::size_t ContestWatch::check_now() {
  auto rankings = dispatcher_.finish_due_contests();
  for (auto& reply : rankings) {
    ops::component_logger("engine")->info("contest ranking posted to chat {}", reply.chat_id);
    if (notify_) notify_(std::move(reply));
  }
  return rankings.size();
}

void ContestWatch::run() {
  for (;;) {
    check_now();
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace kt::app
