#pragma once
// Webhook receiver: one epoll thread (`kt-webhook`) reads Telegram's POSTs, checks the secret header
// in constant time, parses the update and hands it to `dispatch` with an Answer. Whoever settles
// the update answers the request itself — the worker that finished it writes the 200 straight to
// the socket, shutdown writes 503 — so no thread waits per request; the listener answers 503 itself
// when the update is not settled within ack_timeout (Telegram then delivers it again, and the
// claimed update id keeps it from being applied twice).
//
// It faces the internet, so every resource is bounded: connections (beyond: accepted and closed),
// request head and body sizes (http_request.hpp), the time a started request may take to arrive
// (slow senders), and idle keep-alive connections.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "telegram/http_request.hpp"
#include "telegram/update_parser.hpp"

namespace kt::telegram {

struct WebhookOptions {
  std::string listen_host = "0.0.0.0";
  int listen_port = 8443;  ///< 0: any free port (tests)
  std::string path = "/telegram/webhook";
  std::string secret;      ///< X-Telegram-Bot-Api-Secret-Token; required
  std::string public_url;  ///< what setWebhook registers (https://host/path)
  /// Longest wait for a worker to finish an update before answering 503 instead of 200 (Telegram
  /// then delivers it again; the claimed update id keeps it from being applied twice).
  std::chrono::milliseconds ack_timeout{10'000};
  /// Open connections at once. Telegram opens at most setWebhook's max_connections (40 by default,
  /// 100 at most); one beyond this is accepted and closed at once.
  std::size_t max_connections = 256;
  /// A request whose first byte arrived must be whole within this (else 408 and close), and an
  /// answer that cannot be written within it closes the connection.
  std::chrono::milliseconds request_timeout{10'000};
  /// A keep-alive connection with nothing pending is closed after this.
  std::chrono::milliseconds idle_timeout{30'000};
  HttpRequestLimits limits;
  /// At most one warning per kind (wrong secret, malformed request, slow sender, connection over the
  /// limit) in this interval;
  /// the next one says how many were not logged.
  std::chrono::milliseconds warn_interval{10'000};
};

/// `a == b` in time that depends only on the lengths.
bool constant_time_equals(std::string_view a, std::string_view b);

class WebhookServer {
 public:
  /// Settles one dispatched update: true answers 200, false 503. Callable from any thread, even
  /// inside `dispatch`; only the first call counts, and none after the listener answered 503 at
  /// ack_timeout, the peer left or the server stopped.
  using Answer = std::function<void(bool finished)>;
  using Dispatch = std::function<void(ParsedUpdate, Answer)>;

  struct Stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_refused = 0;  ///< over max_connections
    std::uint64_t requests = 0;             ///< complete requests read
    std::uint64_t timeouts = 0;             ///< 503 at ack_timeout, 408, write or idle timeouts
    std::size_t open_connections = 0;
  };

  WebhookServer(WebhookOptions options, std::string bot_username, Dispatch dispatch);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  /// Binds and starts listening in a thread. Errors: fatal "E-WEBHOOK-SECRET", "E-WEBHOOK-BIND".
  Result<void> start();
  /// The bound port (useful with listen_port 0).
  int port() const { return port_; }
  /// Closes every connection (answers not yet written are dropped: Telegram retries them) and joins
  /// the thread. Answers settled later do nothing.
  void stop();
  Stats stats() const;

 private:
  struct Connection;
  using ConnectionPtr = std::shared_ptr<Connection>;
  using TimePoint = std::chrono::steady_clock::time_point;

  void run();
  void accept_all(TimePoint now);
  void on_ready(const ConnectionPtr& connection, std::uint32_t events, TimePoint now);
  void read_from(Connection& connection, TimePoint now);
  /// Answers the complete requests in the buffer, in order, until one is dispatched or blocks.
  void serve_buffered(const ConnectionPtr& connection, TimePoint now);
  /// Handles one request: true when it was dispatched (the connection now awaits its answer), false
  /// when the answer was added to the connection's output.
  bool respond(const ConnectionPtr& connection, const HttpRequest& request, TimePoint now);
  void settle(const ConnectionPtr& connection, std::uint64_t request, int status);
  /// Writes what is pending; afterwards reads again, or closes when that was asked or it failed.
  void flush(const ConnectionPtr& connection, TimePoint now);
  void hand_back_locked(const ConnectionPtr& connection);
  void take_handed_back(TimePoint now);
  void sweep(TimePoint now);
  /// Loop thread only: the one place a socket is closed.
  void close_locked(Connection& connection);
  void watch(int fd, std::uint32_t events, int op);

  /// At most one warning of a kind per interval: a peer that learnt the webhook's address could
  /// otherwise have a log line written per request, at network speed, onto the operator's disk.
  struct WarnThrottle {
    TimePoint next{};
    std::uint64_t held = 0;  ///< lines held back since the last one written
  };
  /// True when a line of this kind may be written at `now`; `held` is then how many were not.
  bool may_warn(WarnThrottle& throttle, TimePoint now, std::uint64_t& held) const;

  WebhookOptions options_;
  std::string bot_username_;
  Dispatch dispatch_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  bool accept_paused_ = false;  // loop thread only: out of file descriptors, retried by the sweep

  WarnThrottle wrong_secret_warnings_, malformed_warnings_, slow_warnings_, refused_warnings_;  // loop only
  std::unordered_map<int, ConnectionPtr> connections_;  // loop thread only; closed ones leave at the sweep
  std::size_t open_ = 0;                                // loop thread only
  std::mutex handed_back_mutex_;
  std::vector<ConnectionPtr> handed_back_;  // settled off the loop, with more for the loop to do

  mutable std::mutex stats_mutex_;
  Stats stats_;
};

}  // namespace kt::telegram
