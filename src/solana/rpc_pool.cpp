#include "solana/rpc_pool.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace kt::solana {
namespace {

Millis retry_after_of(const http::Response& response, Millis fallback) {
  for (const auto& [name, value] : response.headers) {
    if (name != "retry-after") continue;
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0) return Millis{seconds * 1000};
  }
  return fallback;
}

std::optional<std::uint64_t> numeric_id(const Json& id) {
  if (id.is_number_unsigned()) return id.get<std::uint64_t>();
  return std::nullopt;
}

std::string describe(const std::optional<BreakerTransition>& t) {
  return std::string(to_string(t->from)) + " -> " + std::string(to_string(t->to));
}

}  // namespace

std::string redact_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "<url>";
  const std::string_view scheme = url.substr(0, scheme_end);
  std::string_view rest = url.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string out = std::string(scheme) + "://" + std::string(authority);
  if (authority_end != std::string_view::npos) {
    const std::string_view tail = rest.substr(authority_end);
    if (tail != "/") out += "/\u2026";
  }
  return out;
}

RpcPool::RpcPool(RpcPoolConfig config, http::Client& client, const Clock& clock, Sleeper sleeper, PoolLogger logger)
    : config_(std::move(config)),
      client_(client),
      clock_(clock),
      sleeper_(std::move(sleeper)),
      logger_(std::move(logger)),
      rng_(config_.rng_seed) {
  if (config_.urls.empty()) throw std::invalid_argument("RpcPool needs at least one endpoint URL");
  if (config_.max_attempts < 1) throw std::invalid_argument("RpcPool max_attempts must be at least 1");
  for (const auto& url : config_.urls) {
    endpoints_.push_back(Endpoint{url,
                                  redact_url(url),
                                  TokenBucket(config_.requests_per_second, config_.burst),
                                  CircuitBreaker(config_.breaker_threshold, config_.breaker_cooldown),
                                  {},
                                  0,
                                  0});
  }
}

std::uint64_t RpcPool::take_ids(std::size_t count) {
  std::lock_guard lock(mutex_);
  const std::uint64_t first = next_id_;
  next_id_ += count;
  return first;
}

Millis RpcPool::backoff(int round) {
  const std::int64_t base = config_.backoff_base.count();
  const std::int64_t cap = config_.backoff_cap.count();
  const std::int64_t ceiling = round >= 30 ? cap : std::min(cap, base << round);
  std::lock_guard lock(mutex_);
  // Full jitter: uniform over [0, ceiling], so retries from many clients spread out.
  return Millis{static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(ceiling + 1))};
}

void RpcPool::emit(std::vector<std::string> lines) {
  if (!logger_) return;
  for (auto& line : lines) logger_(std::move(line));
}

RpcPool::Outcome RpcPool::send(std::size_t index, const std::string& body, std::uint64_t id, const Parse& parse) {
  http::Request request;
  std::string url;
  {
    std::lock_guard lock(mutex_);
    ++endpoints_[index].requests;
    url = endpoints_[index].url;
  }
  request.method = "POST";
  request.url = url;
  // Uncompressed answers: a cycle's ~100 getMultipleAccounts answers are ~3 MB a minute (~50 KB/s),
  // nothing for the link, while decompressing them cost the tracker 7-10 ms of its ~80 ms cycle
  // (docs/benchmarks.md). libcurl still decodes an answer a node compresses anyway.
  request.headers = {{"Content-Type", "application/json"}, {"Accept-Encoding", "identity"}};
  request.body = body;
  request.timeout = config_.request_timeout;
  auto response = client_.perform(request);
  Outcome out;
  if (!response) {
    out.error = std::move(response).error();
    return out;
  }
  if (response->status == 429) {
    out.verdict = Verdict::kRateLimited;
    out.retry_after = retry_after_of(*response, config_.default_retry_after);
    out.error = retryable("E-RPC-RATE-LIMIT", "HTTP 429 from " + endpoints_[index].shown_url, out.retry_after);
    return out;
  }
  if (response->status != 200) {
    out.error =
        retryable("E-RPC-HTTP", "HTTP " + std::to_string(response->status) + " from " + endpoints_[index].shown_url);
    return out;
  }
  return parse(id, response->body);
}

void RpcPool::record(std::size_t index, const Outcome& outcome) {
  std::vector<std::string> lines;
  {
    std::lock_guard lock(mutex_);
    auto& ep = endpoints_[index];
    const TimePoint now = clock_.now();
    switch (outcome.verdict) {
      case Verdict::kOk:
      case Verdict::kFinal:
        if (auto t = ep.breaker.on_success()) lines.push_back("rpc " + ep.shown_url + " breaker " + describe(t));
        break;
      case Verdict::kEndpointFailure:
        ++ep.errors;
        if (auto t = ep.breaker.on_failure(now)) {
          lines.push_back("rpc " + ep.shown_url + " breaker " + describe(t) + " after " +
                          std::to_string(ep.breaker.consecutive_failures()) +
                          " consecutive failures: " + outcome.error.message);
        }
        break;
      case Verdict::kRateLimited:
        ++ep.errors;
        ep.rate_limited_until = now + outcome.retry_after;
        lines.push_back("rpc " + ep.shown_url + " rate limited, paused for " +
                        std::to_string(outcome.retry_after.count()) + " ms");
        break;
    }
  }
  emit(std::move(lines));
}

bool RpcPool::probe(std::size_t index) {
  std::vector<std::string> lines;
  {
    std::lock_guard lock(mutex_);
    auto& ep = endpoints_[index];
    if (auto t = ep.breaker.begin_probe(clock_.now()))
      lines.push_back("rpc " + ep.shown_url + " breaker " + describe(t) + ", probing with getHealth");
  }
  emit(std::move(lines));
  const std::uint64_t id = take_ids(1);
  const Outcome outcome =
      send(index, build_request(id, "getHealth", nullptr), id, [](std::uint64_t, const std::string& body) {
        Outcome out;
        auto response = parse_response(body);
        if (!response) {
          out.error = std::move(response).error();
          return out;
        }
        auto health = parse_get_health(*response);
        if (health && health->healthy) {
          out.verdict = Verdict::kOk;
        } else {
          out.error = retryable("E-RPC-UNHEALTHY", health ? health->message : health.error().message);
        }
        return out;
      });
  // A rate-limited probe is still a failed probe: the breaker stays open for another cool-down.
  Outcome counted = outcome;
  if (counted.verdict == Verdict::kRateLimited) counted.verdict = Verdict::kEndpointFailure;
  record(index, counted);
  return outcome.verdict == Verdict::kOk;
}

Result<RpcPool::Outcome> RpcPool::execute(std::size_t id_count, const std::function<std::string(std::uint64_t)>& build,
                                          const Parse& parse) {
  const std::size_t n = endpoints_.size();
  std::vector<bool> tried(n, false);
  int attempts = 0;
  int round = 0;
  Millis waited{0};
  Error last = retryable("E-RPC-UNAVAILABLE", "no RPC endpoint is available");
  while (attempts < config_.max_attempts) {
    const TimePoint now = clock_.now();
    std::optional<std::size_t> chosen;
    bool needs_probe = false;
    std::optional<Millis> soonest;
    const auto consider_wait = [&](Millis wait) { soonest = soonest ? std::min(*soonest, wait) : wait; };
    {
      std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < n && !chosen; ++i) {
        if (tried[i]) continue;
        auto& ep = endpoints_[i];
        bool probe_first = false;
        if (!ep.breaker.allows_traffic()) {
          if (!ep.breaker.probe_due(now)) {
            consider_wait(std::chrono::ceil<Millis>(ep.breaker.probe_at() - now));
            continue;
          }
          probe_first = true;
        }
        if (now < ep.rate_limited_until) {
          consider_wait(std::chrono::ceil<Millis>(ep.rate_limited_until - now));
          continue;
        }
        if (!ep.bucket.try_take(now)) {
          consider_wait(ep.bucket.wait_time(now));
          continue;
        }
        chosen = i;
        needs_probe = probe_first;
      }
    }
    if (!chosen) {
      const bool all_tried = std::all_of(tried.begin(), tried.end(), [](bool t) { return t; });
      if (all_tried) {
        std::fill(tried.begin(), tried.end(), false);
        const Millis pause = backoff(round++);
        if (waited + pause > config_.max_wait) break;
        waited += pause;
        sleeper_(pause);
        continue;
      }
      if (soonest && waited + *soonest <= config_.max_wait) {
        waited += *soonest;
        sleeper_(*soonest);
        continue;
      }
      last = retryable("E-RPC-UNAVAILABLE",
                       "no RPC endpoint is available (all open, rate limited or out of request budget)" +
                           (last.message.empty() ? std::string() : "; last error: " + last.message),
                       soonest.value_or(Millis{0}));
      return last;
    }
    ++attempts;
    if (needs_probe) {
      if (!probe(*chosen)) {
        tried[*chosen] = true;
        last = retryable("E-RPC-UNHEALTHY", "health probe of " + endpoints_[*chosen].shown_url + " failed");
      }
      continue;  // a healthy endpoint is closed now and is picked again with its next token
    }
    const std::uint64_t id = take_ids(id_count);
    Outcome outcome = send(*chosen, build(id), id, parse);
    record(*chosen, outcome);
    if (outcome.verdict == Verdict::kOk) return outcome;
    if (outcome.verdict == Verdict::kFinal) return outcome.error;
    tried[*chosen] = true;
    last = outcome.error;
  }
  return retryable("E-RPC-UNAVAILABLE", "every RPC attempt failed; last error: " + last.message, last.retry_after);
}

RpcPool::Outcome RpcPool::parse_single(std::uint64_t id, const std::string& body) const {
  Outcome out;
  auto response = parse_response(body);
  if (!response) {
    out.error = std::move(response).error();
    return out;
  }
  const auto answered = numeric_id(response->id);
  if (answered && *answered != id) {
    out.error = retryable(
        "E-RPC-PARSE", "response id " + std::to_string(*answered) + " does not answer request " + std::to_string(id));
    return out;
  }
  if (response->error) {
    out.error = to_error(*response->error);
    if (response->error->code == kRpcRateLimited) {
      out.verdict = Verdict::kRateLimited;
      out.retry_after = config_.default_retry_after;
    } else if (response->error->code == kRpcNodeUnhealthy) {
      out.verdict = Verdict::kEndpointFailure;
    } else {
      out.verdict = Verdict::kFinal;
    }
    return out;
  }
  out.verdict = Verdict::kOk;
  out.result = std::move(response->result);
  return out;
}

Result<Json> RpcPool::call(std::string_view method, const Json& params) {
  const std::string name(method);
  auto outcome = execute(
      1, [&](std::uint64_t id) { return build_request(id, name, params); },
      [this](std::uint64_t id, const std::string& body) { return parse_single(id, body); });
  if (!outcome) return std::move(outcome).error();
  return std::move(outcome->result);
}

Result<std::vector<Result<Json>>> RpcPool::call_batch(const std::vector<RpcCall>& calls) {
  if (calls.empty()) return std::vector<Result<Json>>{};
  const std::size_t count = calls.size();
  // Each attempt reserves a block of ids, one per call of the batch.
  auto outcome = execute(
      count, [&](std::uint64_t first_id) { return build_batch(first_id, calls); },
      [&](std::uint64_t first_id, const std::string& body) {
        Outcome out;
        auto responses = parse_batch_response(body);
        if (!responses) {
          out.error = std::move(responses).error();
          return out;
        }
        if (responses->size() == 1 && responses->front().error && responses->front().id.is_null() && count > 1) {
          const auto& e = *responses->front().error;
          out.error = to_error(e);
          if (e.code == kRpcRateLimited) {
            out.verdict = Verdict::kRateLimited;
            out.retry_after = config_.default_retry_after;
            return out;
          }
          if (e.code == kRpcNodeUnhealthy) return out;
        }
        out.verdict = Verdict::kOk;
        out.batch = match_batch(*responses, first_id, count);
        return out;
      });
  if (!outcome) return std::move(outcome).error();
  return std::move(outcome->batch);
}

Result<WithContext<std::optional<AccountInfo>>> RpcPool::get_account_info(const Pubkey& key) {
  KT_TRY(const Json result, call("getAccountInfo", account_info_params(key, config_.commitment)));
  return parse_get_account_info(result);
}

Result<WithContext<std::vector<std::optional<AccountInfo>>>> RpcPool::get_multiple_accounts(
    std::span<const Pubkey> keys) {
  WithContext<std::vector<std::optional<AccountInfo>>> out;
  out.value.reserve(keys.size());
  bool first = true;
  for (const auto chunk : chunk_keys(keys)) {
    KT_TRY(auto accounts, call_multiple_accounts(chunk));
    if (accounts.value.size() != chunk.size()) {
      return retryable("E-RPC-PARSE", "getMultipleAccounts answered " + std::to_string(accounts.value.size()) +
                                          " accounts for " + std::to_string(chunk.size()) + " keys");
    }
    out.slot = first ? accounts.slot : std::min(out.slot, accounts.slot);
    first = false;
    for (auto& a : accounts.value) out.value.push_back(std::move(a));
  }
  return out;
}

Result<AccountList> RpcPool::call_multiple_accounts(std::span<const Pubkey> keys) {
  auto outcome = execute(
      1, [&](std::uint64_t id) { return build_multiple_accounts_request(id, keys, config_.commitment); },
      [this](std::uint64_t id, const std::string& body) {
        // A tracker cycle reads ~3 MB of these: the plain success shape skips the JSON tree.
        if (auto accounts = read_multiple_accounts_response(body, id)) {
          Outcome out;
          out.verdict = Verdict::kOk;
          out.accounts = std::move(accounts);
          return out;
        }
        return parse_single(id, body);
      });
  if (!outcome) return std::move(outcome).error();
  if (outcome->accounts) return std::move(*outcome->accounts);
  return parse_get_multiple_accounts(outcome->result);
}

Result<std::uint64_t> RpcPool::get_slot() {
  KT_TRY(const Json result, call("getSlot", Json::array({Json{{"commitment", config_.commitment}}})));
  return parse_get_slot(result);
}

Result<HealthStatus> RpcPool::get_health(std::size_t endpoint) {
  if (endpoint >= endpoints_.size()) throw std::out_of_range("RpcPool endpoint index");
  std::optional<Result<HealthStatus>> health;
  const std::uint64_t id = take_ids(1);
  const Outcome outcome =
      send(endpoint, build_request(id, "getHealth", nullptr), id, [&](std::uint64_t, const std::string& body) {
        Outcome out;
        auto response = parse_response(body);
        if (!response) {
          out.error = std::move(response).error();
          return out;
        }
        health = parse_get_health(*response);
        out.verdict = Verdict::kOk;
        return out;
      });
  if (outcome.verdict != Verdict::kOk) return outcome.error;
  return std::move(*health);
}

std::vector<EndpointStatus> RpcPool::status() const {
  std::lock_guard lock(mutex_);
  std::vector<EndpointStatus> out;
  for (const auto& ep : endpoints_) {
    out.push_back(EndpointStatus{ep.shown_url, ep.breaker.state(), ep.breaker.consecutive_failures(), ep.requests,
                                 ep.errors, ep.rate_limited_until});
  }
  return out;
}

}  // namespace kt::solana
