#include "telegram/webhook_server.hpp"

#include <httplib.h>

#include <limits>

#include "core/thread_name.hpp"
#include "telegram/log.hpp"

namespace kt::telegram {

bool constant_time_equals(const std::string& a, const std::string& b) {
  std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

WebhookServer::WebhookServer(WebhookOptions options, std::string bot_username, Dispatch dispatch)
    : options_(std::move(options)), bot_username_(std::move(bot_username)), dispatch_(std::move(dispatch)) {
  add_secret(options_.secret);
}

WebhookServer::~WebhookServer() { stop(); }

Result<void> WebhookServer::start() {
  if (options_.secret.empty()) return fatal("E-WEBHOOK-SECRET", "webhook mode needs a secret token");
  server_ = std::make_unique<httplib::Server>();
  // Telegram opens up to max_connections (40 by default) keep-alive connections, and each holds a
  // pool thread while open: with cpp-httplib's default pool (max(8, cores - 1)) the rest would wait
  // for an idle connection to time out before their updates are even read.
  server_->new_task_queue = [] { return new httplib::ThreadPool(kWebhookConnections); };
  server_->set_keep_alive_timeout(2);
  // cpp-httplib closes a keep-alive connection after 5 requests by default: Telegram would open a
  // new TCP connection every 5 updates (accept, close, a fresh pool task each time) — under load
  // a measurable share of the listener's CPU. A connection lives until it idles out instead.
  server_->set_keep_alive_max_count(std::numeric_limits<std::size_t>::max());
  server_->Post(options_.path, [this](const httplib::Request& req, httplib::Response& res) {
    if (!constant_time_equals(req.get_header_value("X-Telegram-Bot-Api-Secret-Token"), options_.secret)) {
      log(LogLevel::kWarn, "webhook request from {} with a wrong secret refused", req.remote_addr);
      res.status = 401;
      return;
    }
    auto parsed = parse_update_text(req.body, bot_username_);
    if (!parsed.ok()) {
      // 200 anyway: Telegram would redeliver a malformed update forever.
      log(LogLevel::kWarn, "webhook update skipped: {}", parsed.error().message);
      res.status = 200;
      return;
    }
    // 200 once a worker finished it; 503 when it was not taken (shutting down) or did not finish in
    // time: Telegram keeps the update and retries later.
    res.status = dispatch_(std::move(*parsed)) ? 200 : 503;
  });
  if (options_.listen_port == 0) {
    port_ = server_->bind_to_any_port(options_.listen_host);
  } else if (server_->bind_to_port(options_.listen_host, options_.listen_port)) {
    port_ = options_.listen_port;
  } else {
    port_ = -1;
  }
  if (port_ <= 0) {
    return fatal("E-WEBHOOK-BIND",
                 "cannot listen on " + options_.listen_host + ":" + std::to_string(options_.listen_port));
  }
  thread_ = std::thread([this] {
    name_this_thread("kt-webhook");
    server_->listen_after_bind();
  });
  for (int i = 0; i < 2000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  log(LogLevel::kInfo, "webhook listening on {}:{}{}", options_.listen_host, port_, options_.path);
  return ok_result();
}

void WebhookServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace kt::telegram
