#pragma once
// Metrics, health checks and the /metrics + /healthz endpoint, wired to the running components.
#include <chrono>
#include <memory>

#include "app/application.hpp"
#include "app/market_loop.hpp"
#include "ops/health.hpp"
#include "ops/http_endpoints.hpp"
#include "ops/metrics.hpp"
#include "telegram/outbound_queue.hpp"

namespace kt::app {

class Observability {
 public:
  /// Registers the metric sources (storage, RPC pool, price sources, the outbound queue if any),
  /// installs the command observer on the dispatcher and starts the HTTP endpoint (http.listen).
  /// Everything passed in must outlive this object; stop() it first on shutdown.
  /// With `market`, also exports its election state, tick counts and cycle durations.
  static Result<std::unique_ptr<Observability>> start(Application& app, const Clock& clock,
                                                      const telegram::OutboundQueue* queue,
                                                      MarketLoop* market = nullptr);
  ~Observability();

  ops::BotMetrics& metrics() { return metrics_; }
  const ops::HealthChecker& health() const { return health_; }
  int port() const { return server_ ? server_->port() : 0; }
  void stop();

 private:
  Observability() : metrics_(registry_) {}
  void watch_market(MarketLoop& market);

  ops::Registry registry_;
  ops::BotMetrics metrics_;
  ops::HealthChecker health_;
  std::unique_ptr<ops::OpsHttpServer> server_;
};

}  // namespace kt::app
