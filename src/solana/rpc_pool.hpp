#pragma once
// A Solana JSON-RPC client over several endpoints: rate limits, retries with back-off, failover and
// a circuit breaker per endpoint. Time and sleeping are injected, so tests never really wait.
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/http_client.hpp"
#include "solana/multiple_accounts_reader.hpp"
#include "solana/rpc_json.hpp"
#include "solana/rpc_limits.hpp"
#include "solana/rpc_methods.hpp"

namespace kt::solana {

/// RpcPool settings; endpoints are tried in the order given (the first is the primary).
struct RpcPoolConfig {
  std::vector<std::string> urls;
  double requests_per_second = 8;  ///< per endpoint
  int burst = 8;                   ///< requests an idle endpoint takes at once
  Millis request_timeout{5'000};
  int max_attempts = 4;      ///< sends per call, across endpoints (health probes included)
  Millis backoff_base{250};  ///< back-off after every endpoint failed once: U[0, min(cap, base·2^round)]
  Millis backoff_cap{4'000};
  Millis max_wait{5'000};     ///< longest wait for a token or a Retry-After before giving up
  int breaker_threshold = 5;  ///< consecutive failures that open an endpoint's breaker
  Millis breaker_cooldown{30'000};
  Millis default_retry_after{1'000};  ///< for a 429 without a usable Retry-After header
  std::uint64_t rng_seed = 0x6b74'7261'6465'72ULL;
  std::string commitment = "confirmed";
};

/// What status() reports about one endpoint.
struct EndpointStatus {
  std::string url;  ///< scheme://host[:port] only: credentials, path tokens and query are cut off
  BreakerState breaker = BreakerState::kClosed;
  int consecutive_failures = 0;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  TimePoint rate_limited_until{};
};

/// Sleeps for a duration (the real one calls std::this_thread::sleep_for; tests advance a ManualClock).
using Sleeper = std::function<void(Millis)>;
/// Receives one line per breaker transition and per rate-limit pause.
using PoolLogger = std::function<void(std::string)>;

/// "https://user:pw@host:8899/secret/path?api-key=x" → "https://host:8899/…".
std::string redact_url(std::string_view url);

class RpcPool {
 public:
  RpcPool(RpcPoolConfig config, http::Client& client, const Clock& clock, Sleeper sleeper, PoolLogger logger = {});

  /// One call; the result member, or the error after retries and failover. Errors: the node's
  /// JSON-RPC error for a bad request ("E-RPC-ERROR", not retried), "E-RPC-UNAVAILABLE" (retryable)
  /// when every endpoint failed or is open, rate-limited or out of tokens beyond max_wait.
  Result<Json> call(std::string_view method, const Json& params);
  /// One HTTP request carrying several calls; entry i answers call i (matched by id).
  Result<std::vector<Result<Json>>> call_batch(const std::vector<RpcCall>& calls);

  /// getAccountInfo (base64); nullopt for an account that does not exist.
  Result<WithContext<std::optional<AccountInfo>>> get_account_info(const Pubkey& key);
  /// getMultipleAccounts in calls of at most 100 keys; entry i answers keys[i]; slot = the oldest read.
  Result<WithContext<std::vector<std::optional<AccountInfo>>>> get_multiple_accounts(std::span<const Pubkey> keys);
  /// getSlot.
  Result<std::uint64_t> get_slot();
  /// getHealth of one endpoint (no failover): what a breaker probe sends.
  Result<HealthStatus> get_health(std::size_t endpoint);

  std::vector<EndpointStatus> status() const;

 private:
  struct Endpoint {
    std::string url;
    std::string shown_url;
    TokenBucket bucket;
    CircuitBreaker breaker;
    TimePoint rate_limited_until{};
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
  };
  enum class Verdict { kOk, kFinal, kEndpointFailure, kRateLimited };
  struct Outcome {
    Verdict verdict = Verdict::kEndpointFailure;
    Error error;                          ///< kFinal, kEndpointFailure, kRateLimited
    Json result;                          ///< kOk, single call
    std::optional<AccountList> accounts;  ///< kOk, getMultipleAccounts read on the fast path
    std::vector<Result<Json>> batch;      ///< kOk, batch
    Millis retry_after{0};
  };
  using Parse = std::function<Outcome(std::uint64_t id, const std::string& body)>;

  /// Sends build(first_id) until an endpoint answers; each attempt reserves `id_count` fresh ids.
  Result<Outcome> execute(std::size_t id_count, const std::function<std::string(std::uint64_t first_id)>& build,
                          const Parse& parse);
  /// Reads a single call's response body: its result, or what its error means for the pool.
  Outcome parse_single(std::uint64_t id, const std::string& body) const;
  /// One getMultipleAccounts call of at most 100 keys.
  Result<AccountList> call_multiple_accounts(std::span<const Pubkey> keys);
  Outcome send(std::size_t index, const std::string& body, std::uint64_t id, const Parse& parse);
  bool probe(std::size_t index);
  void record(std::size_t index, const Outcome& outcome);
  void emit(std::vector<std::string> lines);
  std::uint64_t take_ids(std::size_t count);
  Millis backoff(int round);

  RpcPoolConfig config_;
  http::Client& client_;
  const Clock& clock_;
  Sleeper sleeper_;
  PoolLogger logger_;
  mutable std::mutex mutex_;  // guards endpoints_, rng_, next_id_; never held during HTTP or sleep
  std::vector<Endpoint> endpoints_;
  std::mt19937_64 rng_;
  std::uint64_t next_id_ = 1;
};

}  // namespace kt::solana
