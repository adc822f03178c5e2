#include "ops/health.hpp"

#include <fmt/format.h>

#include <exception>
#include <nlohmann/json.hpp>

namespace kt::ops {

std::string HealthReport::to_json() const {
  nlohmann::ordered_json checks_json = nlohmann::ordered_json::object();
  for (const auto& [name, result] : checks) checks_json[name] = {{"ok", result.ok}, {"detail", result.detail}};
  nlohmann::ordered_json body = {{"status", ok ? "ok" : "unhealthy"}, {"checks", checks_json}};
  return body.dump();
}

void HealthChecker::add(std::string name, HealthCheck check) {
  checks_.emplace_back(std::move(name), std::move(check));
}

HealthReport HealthChecker::run() const {
  HealthReport report;
  for (const auto& [name, check] : checks_) {
    CheckResult result;
    try {
      result = check();
    } catch (const std::exception& e) {
      result = {false, std::string("check threw: ") + e.what()};
    } catch (...) {
      result = {false, "check threw"};
    }
    report.ok = report.ok && result.ok;
    report.checks.emplace_back(name, std::move(result));
  }
  return report;
}

HealthCheck storage_check(std::function<Result<void>()> ping) {
  return [ping = std::move(ping)]() -> CheckResult {
    auto r = ping();
    if (r) return {true, "reachable"};
    return {false, r.error().code + ": " + r.error().message};
  };
}

HealthCheck rpc_check(std::function<std::vector<EndpointBreaker>()> endpoints) {
  return [endpoints = std::move(endpoints)]() -> CheckResult {
    const auto list = endpoints();
    std::size_t usable = 0;
    std::string open;
    for (const auto& e : list) {
      if (e.open) {
        open += (open.empty() ? "" : ", ") + e.endpoint;
      } else {
        ++usable;
      }
    }
    if (list.empty()) return {false, "no RPC endpoint configured"};
    if (usable == 0) return {false, "every endpoint's breaker is open: " + open};
    std::string detail = fmt::format("{} of {} endpoints usable", usable, list.size());
    if (!open.empty()) detail += "; breaker open: " + open;
    return {true, detail};
  };
}

HealthCheck price_feed_check(std::function<std::optional<TimePoint>()> last_success, const Clock& clock,
                             std::chrono::seconds max_age) {
  return [last_success = std::move(last_success), &clock, max_age]() -> CheckResult {
    const auto last = last_success();
    if (!last) return {false, "no price source has answered yet"};
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(clock.now() - *last);
    if (age > max_age) {
      return {false, fmt::format("newest price is {} s old (limit {} s)", age.count(), max_age.count())};
    }
    return {true, fmt::format("newest price is {} s old", age.count())};
  };
}

}  // namespace kt::ops
