#pragma once
// /healthz: named checks (std::function, wired by the composition root) folded into one report.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace kt::ops {

/// The outcome of one check; `detail` says what is wrong (or what is fine) without secrets.
struct CheckResult {
  bool ok = false;
  std::string detail;
};

using HealthCheck = std::function<CheckResult()>;

/// Every check's result, in registration order.
struct HealthReport {
  bool ok = true;
  std::vector<std::pair<std::string, CheckResult>> checks;

  /// {"status":"ok"|"unhealthy","checks":{"name":{"ok":true,"detail":"..."}}}
  std::string to_json() const;
};

/// Runs named checks. add() is for wiring time; run() is thread-safe once wiring is done.
class HealthChecker {
 public:
  void add(std::string name, HealthCheck check);
  /// Runs every check; one that throws counts as failed with the exception's text.
  HealthReport run() const;

 private:
  std::vector<std::pair<std::string, HealthCheck>> checks_;
};

/// Storage: `ping` runs a trivial read; fails with the error's code and message.
HealthCheck storage_check(std::function<Result<void>()> ping);

/// One RPC endpoint as the health check sees it.
struct EndpointBreaker {
  std::string endpoint;  ///< redacted
  bool open = false;     ///< breaker open (no traffic)
};
/// RPC: ok while at least one endpoint's breaker is not open.
HealthCheck rpc_check(std::function<std::vector<EndpointBreaker>()> endpoints);

/// Price feed: ok when the newest successful price (of any source) is younger than `max_age`
/// (wire 2 × tracker.interval). `last_success` returns nullopt when no source ever answered.
HealthCheck price_feed_check(std::function<std::optional<TimePoint>()> last_success, const Clock& clock,
                             std::chrono::seconds max_age);

}  // namespace kt::ops
