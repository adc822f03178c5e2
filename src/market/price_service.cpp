#include "market/price_service.hpp"

#include <algorithm>

namespace kt::market {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

/// A source's answer that cannot be traded on is that source's failure, not the user's problem.
Result<Quote> checked(Result<Quote> r, const Mint& mint, const std::string& source) {
  if (!r.ok()) return r;
  if (r->mint != mint) return retryable("E-BAD-QUOTE", source + " answered for another token");
  if (r->price.is_zero()) return retryable("E-BAD-QUOTE", source + " answered with a zero price");
  return r;
}

}  // namespace

PriceService::PriceService(std::vector<std::unique_ptr<PriceSource>> sources, PriceServiceOptions options)
    : sources_(std::move(sources)), options_(options) {
  for (const auto& source : sources_) health_.push_back(SourceHealth{source->name(), true, "", std::nullopt, 0, 0});
}

std::optional<Quote> PriceService::cached(const Mint& mint, TimePoint now) const {
  const auto it = quotes_.find(mint);
  if (it == quotes_.end()) return std::nullopt;
  const Quote& q = it->second;
  // A quote "from the future" (time went backwards, as in a replay) is never reused.
  if (q.observed_at > now || now - q.observed_at >= options_.quote_reuse) return std::nullopt;
  return q;
}

template <class T>
bool PriceService::record(std::size_t source, const Result<T>& r, TimePoint now, Attempts& attempts, bool is_quote) {
  SourceHealth& h = health_[source];
  if (r.ok() || r.error().kind == ErrorKind::kNotFound) {
    h.healthy = true;
    h.last_success = now;
    if (r.ok() && is_quote) ++h.quote_count;
    if (!r.ok()) attempts.not_found.push_back(h.name);
    return true;
  }
  const Error& e = r.error();
  h.healthy = false;
  h.last_error = e.code + ": " + e.message;
  ++h.failure_count;
  attempts.failures.push_back(h.name + " (" + h.last_error + ")");
  attempts.retry_after = std::max(attempts.retry_after, e.retry_after);
  return false;
}

Error PriceService::final_error(const Mint& mint, const Attempts& attempts) const {
  if (sources_.empty()) return retryable("E-PRICE-UNAVAILABLE", "no price sources are configured");
  if (attempts.failures.empty()) {
    return not_found("E-UNKNOWN-TOKEN", "no price source knows the token " + mint.to_string() + " (asked " +
                                            join(attempts.not_found, ", ") + ")");
  }
  std::string message = "no price for " + mint.short_form() + " right now: " + join(attempts.failures, "; ");
  if (!attempts.not_found.empty()) message += "; not known to " + join(attempts.not_found, ", ");
  return retryable("E-PRICE-UNAVAILABLE", message, attempts.retry_after);
}

void PriceService::remember(const Quote& q) {
  auto [it, inserted] = quotes_.try_emplace(q.mint, q);
  if (!inserted && it->second.observed_at <= q.observed_at) it->second = q;
}

Result<Quote> PriceService::quote(const Mint& mint, TimePoint now) {
  {
    std::lock_guard lock(mutex_);
    if (auto q = cached(mint, now)) return *q;
  }
  Attempts attempts;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    auto r = checked(sources_[i]->quote(mint, now), mint, sources_[i]->name());
    std::lock_guard lock(mutex_);
    record(i, r, now, attempts, true);
    if (r.ok()) {
      remember(*r);
      return r;
    }
  }
  return final_error(mint, attempts);
}

std::vector<Result<Quote>> PriceService::quote_many(std::span<const Mint> mints, TimePoint now) {
  std::vector<std::optional<Result<Quote>>> out(mints.size());
  std::vector<Attempts> attempts(mints.size());
  std::vector<std::size_t> pending;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < mints.size(); ++i) {
      if (auto q = cached(mints[i], now))
        out[i] = *q;
      else
        pending.push_back(i);
    }
  }
  std::vector<Mint> copies;
  for (std::size_t s = 0; s < sources_.size() && !pending.empty(); ++s) {
    // Usually nothing is cached and the first source answers all: ask for `mints` as they are.
    std::span<const Mint> batch = mints;
    if (pending.size() != mints.size()) {
      copies.clear();
      for (auto i : pending) copies.push_back(mints[i]);
      batch = copies;
    }
    auto answers = sources_[s]->quote_many(batch, now);
    if (answers.size() != batch.size()) {
      answers.assign(batch.size(),
                     retryable("E-BAD-QUOTE", sources_[s]->name() + " answered a batch with the wrong count"));
    }
    std::lock_guard lock(mutex_);
    std::vector<std::size_t> still_pending;
    bool batch_failed = false;
    for (std::size_t j = 0; j < batch.size(); ++j) {
      auto r = checked(std::move(answers[j]), batch[j], sources_[s]->name());
      batch_failed |= !record(s, r, now, attempts[pending[j]], true);
      if (r.ok()) {
        remember(*r);
        out[pending[j]] = std::move(r);
      } else {
        still_pending.push_back(pending[j]);
      }
    }
    if (batch_failed) health_[s].healthy = false;
    pending = std::move(still_pending);
  }
  std::vector<Result<Quote>> results;
  results.reserve(mints.size());
  for (std::size_t i = 0; i < mints.size(); ++i) {
    if (out[i])
      results.push_back(std::move(*out[i]));
    else
      results.push_back(final_error(mints[i], attempts[i]));
  }
  return results;
}

Result<TokenInfo> PriceService::token_info(const Mint& mint, TimePoint now) {
  {
    std::lock_guard lock(mutex_);
    const auto it = infos_.find(mint);
    if (it != infos_.end() && it->second.second <= now && now - it->second.second < options_.token_info_ttl) {
      return it->second.first;
    }
  }
  Attempts attempts;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    auto r = sources_[i]->token_info(mint, now);
    std::lock_guard lock(mutex_);
    record(i, r, now, attempts, false);
    if (r.ok()) {
      infos_[mint] = {*r, now};
      return r;
    }
  }
  return final_error(mint, attempts);
}

std::optional<Mint> PriceService::resolve_symbol(const std::string& upper_symbol) const {
  for (const auto& source : sources_) {
    if (auto mint = source->resolve_symbol(upper_symbol)) return mint;
  }
  return std::nullopt;
}

void PriceService::apply_tick(const Quote& tick, TimePoint now) {
  if (tick.price.is_zero()) return;
  std::lock_guard lock(mutex_);
  remember(tick);
  const TimePoint seen = std::min(tick.observed_at, now);  // another host's clock may run ahead
  for (auto& h : health_) {
    if (h.name != tick.source) continue;
    h.healthy = true;
    if (!h.last_success || *h.last_success < seen) h.last_success = seen;
  }
}

std::vector<SourceHealth> PriceService::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

bool PriceService::simulated() const {
  return !sources_.empty() &&
         std::all_of(sources_.begin(), sources_.end(), [](const auto& s) { return s->simulated(); });
}

std::vector<std::string> PriceService::source_names() const {
  std::vector<std::string> names;
  for (const auto& s : sources_) names.push_back(s->name());
  return names;
}

}  // namespace kt::market
