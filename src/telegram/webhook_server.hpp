#pragma once
// Webhook receiver: a cpp-httplib listener that checks Telegram's secret header in constant time,
// parses the update and hands it to `dispatch`, whose answer decides the status: 200 (taken and
// finished) or 503 (Telegram retries later).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "telegram/update_parser.hpp"

namespace httplib {
class Server;
}

namespace kt::telegram {

/// Connections served at once: Telegram's default setWebhook max_connections (40) plus room.
constexpr std::size_t kWebhookConnections = 48;

struct WebhookOptions {
  std::string listen_host = "0.0.0.0";
  int listen_port = 8443;  ///< 0: any free port (tests)
  std::string path = "/telegram/webhook";
  std::string secret;      ///< X-Telegram-Bot-Api-Secret-Token; required
  std::string public_url;  ///< what setWebhook registers (https://host/path)
  /// Longest wait for a worker to finish an update before answering 503 instead of 200 (Telegram
  /// then delivers it again; the claimed update id keeps it from being applied twice).
  std::chrono::milliseconds ack_timeout{10'000};
};

/// `a == b` in time that depends only on the lengths.
bool constant_time_equals(const std::string& a, const std::string& b);

class WebhookServer {
 public:
  using Dispatch = std::function<bool(ParsedUpdate)>;

  WebhookServer(WebhookOptions options, std::string bot_username, Dispatch dispatch);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  /// Binds and starts listening in a thread. Errors: fatal "E-WEBHOOK-BIND".
  Result<void> start();
  /// The bound port (useful with listen_port 0).
  int port() const { return port_; }
  void stop();

 private:
  WebhookOptions options_;
  std::string bot_username_;
  Dispatch dispatch_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace kt::telegram
