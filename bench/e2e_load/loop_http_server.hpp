#pragma once
// The load fake's HTTP/1.1 server on 127.0.0.1: one epoll thread for every connection, so that the
// fake Telegram costs the 2-core machine as little as it can while the bot is measured. It was
// cpp-httplib with a thread per keep-alive connection: a thread wake-up per call, and ~20 % of the
// fake's samples in the scheduler (docs/benchmarks.md, "The load fake's Bot API on one thread").
// Requests are parsed by the bot's own strict parser (telegram/http_request.hpp). A handler may
// answer at once, later (a long poll parked until updates arrive), or at a given time (a simulated
// round trip); everything runs on the loop thread, so handlers and tick need no lock of their own
// against the server.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace kt::bench {

class LoopHttpServer {
 public:
  using Clock = std::chrono::steady_clock;
  using ConnId = std::uint64_t;
  struct Reply {
    int status = 200;
    std::string body;  ///< sent as application/json
  };
  /// A request's path and body, on the loop thread: a reply now, or nullopt when the owner will
  /// answer() later. One request per connection is in hand at a time.
  using Handler = std::function<std::optional<Reply>(ConnId, std::string_view path, const std::string& body,
                                                     Clock::time_point received)>;
  /// Runs on the loop thread after every wake-up; returns when it wants to run next.
  using Tick = std::function<Clock::time_point(Clock::time_point now)>;

  /// Listens on an ephemeral port of 127.0.0.1 and starts the loop.
  LoopHttpServer(Handler handler, Tick tick);
  ~LoopHttpServer();
  LoopHttpServer(const LoopHttpServer&) = delete;
  LoopHttpServer& operator=(const LoopHttpServer&) = delete;

  int port() const { return port_; }
  /// Loop thread only (from the handler or tick): answers the request in hand on `connection`, at
  /// `at` or at once when that has passed. Dropped when the connection has closed.
  void answer(ConnId connection, Reply reply, Clock::time_point at = {});
  /// Any thread: runs tick soon.
  void wake();

 private:
  struct Connection {
    int fd = -1;
    std::string in;
    std::string out;
    bool in_hand = false;  ///< a request is being answered; the next waits in `in`
    bool close_after = false;
    bool watching_out = false;  ///< EPOLLOUT armed: an answer did not fit the socket buffer
  };
  struct Delayed {
    Clock::time_point at;
    ConnId connection;
    std::uint64_t order;  ///< keeps equal times in the order they were queued
    Reply reply;
    bool operator>(const Delayed& other) const { return at != other.at ? at > other.at : order > other.order; }
  };

  void run();
  void accept_all();
  void read_from(ConnId id, Connection& connection, Clock::time_point now);
  /// Parses and hands over the next buffered request, if there is one and none is in hand.
  void serve_next(ConnId id, Connection& connection, Clock::time_point now);
  void send_reply(ConnId id, Connection& connection, const Reply& reply);
  /// Writes what it can; false when the connection was closed.
  bool flush(ConnId id, Connection& connection);
  void close_connection(ConnId id);

  Handler handler_;
  Tick tick_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::map<ConnId, Connection> connections_;
  ConnId next_id_ = 1;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed_;
  std::uint64_t delayed_order_ = 0;
  std::thread thread_;
};

}  // namespace kt::bench
