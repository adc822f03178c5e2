#pragma once
// `kitrader doctor`: checks the configuration, storage, RPC endpoints, price APIs and Telegram,
// prints one table line per check (OK / WARN / FAIL / SKIP) and never a secret.
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/http_client.hpp"
#include "ops/config.hpp"
#include "storage/repository.hpp"

namespace kt::app {

enum class Verdict { kOk, kWarn, kFail, kSkip };
std::string_view to_string(Verdict verdict);

/// One line of the doctor's table. Only a required check ever gets FAIL; an optional one that
/// fails is WARN, so "any FAIL" and "exit code 1" mean the same thing.
struct DoctorLine {
  std::string check;
  Verdict verdict = Verdict::kOk;
  std::string detail;
};

/// What doctor talks to; tests inject loopback fakes. Unset members get the real thing.
struct DoctorDeps {
  std::function<Result<std::unique_ptr<storage::Repository>>(const std::string& url, int pool_size)> open_repository;
  http::Client* http = nullptr;  ///< default: a libcurl client
  const Clock* clock = nullptr;  ///< measures latency; default: the system clock
};

/// Runs every check (no output), in table order, already redacted.
std::vector<DoctorLine> doctor_checks(const ops::Config& config, const DoctorDeps& deps = {});

/// Prints the table and a summary; 0 when no required check failed, 1 otherwise.
/// Required: storage; Telegram when a token is set; at least one healthy RPC endpoint when a live
/// price source (pumpfun, dexscreener, jupiter) is configured.
int run_doctor(const ops::Config& config, std::ostream& out, const DoctorDeps& deps = {});

/// The table as run_doctor prints it (without the summary line).
std::string format_doctor_table(const std::vector<DoctorLine>& lines);

}  // namespace kt::app
