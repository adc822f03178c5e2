#pragma once
// A cpp-httplib server on 127.0.0.1 for the libcurl client's tests.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "http/http_client.hpp"

namespace kt::http {

constexpr auto kWait = std::chrono::seconds(10);  // bound for any single wait; never reached when passing

inline Request get(std::string url) {
  Request req;
  req.url = std::move(url);
  return req;
}

/// Starts `req` and waits (bounded) for its outcome; a timed-out wait is a failure, not a hang.
inline Result<Response> start_and_wait(Client& client, Request req) {
  auto promise = std::make_shared<std::promise<Result<Response>>>();
  auto future = promise->get_future();
  client.start(std::move(req), [promise](Result<Response> res) { promise->set_value(std::move(res)); });
  if (future.wait_for(kWait) != std::future_status::ready) return fatal("E-TEST", "done was not called in time");
  return future.get();
}

class LoopbackServer {
 public:
  LoopbackServer() {
    // More workers than the tests keep requests in flight, so the server never serialises them.
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_.Get("/hello", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      res.set_header("X-Answer", "42");
      res.set_content("hello " + req.get_header_value("X-Who"), "text/plain");
    });
    server_.Post("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      res.set_content(req.get_header_value("Content-Type") + "|" + req.body, "text/plain");
    });
    server_.Post("/upload", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      std::string out;
      for (const auto& [name, file] : req.files) {
        out += name + "=" + file.content + ";" + file.filename + ";" + file.content_type + "\n";
      }
      res.set_content(out, "text/plain");
    });
    server_.Get("/slow", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      res.set_content("late", "text/plain");
    });
    server_.Get("/nap", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      res.set_content("rested", "text/plain");
    });
    // Answers only when the server stops (at most 10 s): a transfer that never ends by itself,
    // without making the test wait for it. Any path under /hang/ or /bot<token>/getMe.
    auto hang = [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      std::unique_lock lock(mutex_);
      released_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
      res.set_content("finally", "text/plain");
    };
    server_.Get(R"(/hang/.*)", hang);
    server_.Get(R"(/bot[^/]+/getMe)", hang);
    server_.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  void stop() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    released_cv_.notify_all();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  /// Distinct client ports seen: one per TCP connection the client opened.
  std::size_t connections() {
    std::lock_guard lock(mutex_);
    return client_ports_.size();
  }
  /// Requests that reached a handler.
  int requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void note(const httplib::Request& req) {
    std::lock_guard lock(mutex_);
    client_ports_.insert(req.remote_port);
    ++requests_;
  }
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
  std::set<int> client_ports_;
  int requests_ = 0;
};

}  // namespace kt::http
