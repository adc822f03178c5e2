#pragma once
// Test doubles for the engine's ports: a settable quote book and a fresh in-memory SQLite store.
#include <map>
#include <memory>
#include <mutex>

#include "engine/ports.hpp"
#include "storage/repository.hpp"
#include "storage/sqlite/sqlite_repository.hpp"

namespace kt::testing {

/// Quotes set by the test; `observed_at` is whatever the test says (to test staleness).
class FakeQuotes final : public engine::QuoteProvider {
 public:
  void set(const Quote& quote) {
    std::lock_guard lock(mutex_);
    quotes_[quote.mint] = quote;
  }
  Result<Quote> quote(const Mint& mint, TimePoint) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    auto it = quotes_.find(mint);
    if (it == quotes_.end()) return not_found("E-UNKNOWN-TOKEN", "no source knows this token");
    return it->second;
  }
  Result<TokenInfo> token_info(const Mint& mint, TimePoint) override {
    TokenInfo info;
    info.mint = mint;
    info.symbol = "TEST";
    return info;
  }
  std::optional<Mint> resolve_symbol(const std::string&) const override { return std::nullopt; }
  int calls() const { return calls_; }

 private:
  std::mutex mutex_;
  std::map<Mint, Quote> quotes_;
  int calls_ = 0;
};

inline std::unique_ptr<storage::Repository> fresh_repository() {
  auto repo = storage::sqlite::open_sqlite_repository(":memory:");
  if (!repo.ok()) return nullptr;
  if (!(*repo)->migrate().ok()) return nullptr;
  return std::move(*repo);
}

inline Quote quote_at(const Mint& mint, const char* sol_per_token, std::uint8_t decimals, TimePoint observed) {
  Quote q;
  q.mint = mint;
  q.price = *Price::from_sol_per_token(sol_per_token, decimals);
  q.decimals = decimals;
  q.source = "test";
  q.observed_at = observed;
  return q;
}

}  // namespace kt::testing
