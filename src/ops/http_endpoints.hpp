#pragma once
// The operator's HTTP endpoints: GET /metrics (Prometheus text 0.0.4) and GET /healthz
// (200 or 503 with the HealthReport JSON), on http.listen ("" disables them).
#include <memory>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "ops/health.hpp"
#include "ops/metrics.hpp"

namespace httplib {
class Server;
}

namespace kt::ops {

/// "127.0.0.1:9464" → {"127.0.0.1", 9464}; "[::1]:0" → {"::1", 0}. Fatal "E-CONFIG" otherwise.
Result<std::pair<std::string, int>> parse_listen_address(const std::string& listen);

class OpsHttpServer {
 public:
  /// `registry` and `health` must outlive the server (stop() it before destroying them).
  OpsHttpServer(std::string listen, const Registry& registry, const HealthChecker& health);
  ~OpsHttpServer();
  OpsHttpServer(const OpsHttpServer&) = delete;
  OpsHttpServer& operator=(const OpsHttpServer&) = delete;

  /// Binds and serves on a background thread; a no-op when `listen` is "". Port 0 binds an
  /// ephemeral port (see port()). Errors: "E-CONFIG" (bad address), "E-HTTP-BIND" (fatal).
  Result<void> start();
  /// Stops serving and joins the thread; idempotent.
  void stop();
  /// The bound port once started, 0 when disabled or not started.
  int port() const { return port_; }
  bool enabled() const { return !listen_.empty(); }

 private:
  std::string listen_;
  const Registry& registry_;
  const HealthChecker& health_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace kt::ops
