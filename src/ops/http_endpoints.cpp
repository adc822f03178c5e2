#include "ops/http_endpoints.hpp"

#include <httplib.h>

#include <charconv>
#include <chrono>

#include "core/thread_name.hpp"

namespace kt::ops {

Result<std::pair<std::string, int>> parse_listen_address(const std::string& listen) {
  const auto bad = [&] {
    return fatal("E-CONFIG",
                 "http.listen: expected HOST:PORT such as 127.0.0.1:9464 (or \"\" to disable), got \"" + listen + "\"");
  };
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return bad();
  std::string host = listen.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return bad();
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = listen.substr(colon + 1);
  int port = -1;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) return bad();
  return std::pair<std::string, int>{host, port};
}

OpsHttpServer::OpsHttpServer(std::string listen, const Registry& registry, const HealthChecker& health)
    : listen_(std::move(listen)), registry_(registry), health_(health) {}

OpsHttpServer::~OpsHttpServer() { stop(); }

Result<void> OpsHttpServer::start() {
  if (listen_.empty() || server_) return ok_result();
  KT_TRY(auto address, parse_listen_address(listen_));
  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [] { return new httplib::ThreadPool(2); };
  server->set_read_timeout(5, 0);
  server->set_write_timeout(5, 0);
  server->set_keep_alive_timeout(5);
  // httplib's default also sets SO_REUSEPORT, which would let a second kitrader share the port
  // silently (scrapes then alternate between processes); SO_REUSEADDR alone fails the bind.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const HealthReport report = health_.run();
    res.status = report.ok ? 200 : 503;
    res.set_content(report.to_json(), "application/json");
  });
  // Anything else (other paths and methods) is httplib's 404/405 with an empty body.
  int port = address.second;
  if (port == 0) {
    port = server->bind_to_any_port(address.first);
  } else if (!server->bind_to_port(address.first, port)) {
    port = -1;
  }
  if (port <= 0)
    return fatal("E-HTTP-BIND", "http.listen: cannot listen on " + listen_ + " (address in use or not local?)");
  server_ = std::move(server);
  port_ = port;
  thread_ = std::thread([this] {
    name_this_thread("kt-ops-http");
    server_->listen_after_bind();
  });
  // stop() before the loop runs would be lost; wait (bounded) until it does.
  for (int i = 0; i < 2000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return ok_result();
}

void OpsHttpServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  port_ = 0;
}

}  // namespace kt::ops
