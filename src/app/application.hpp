#pragma once
// The one composition root: builds every component from a validated Config.
#include <memory>
#include <vector>

#include "bot/dispatcher.hpp"
#include "core/clock.hpp"
#include "engine/accounts.hpp"
#include "engine/contests.hpp"
#include "engine/order_book.hpp"
#include "engine/portfolio.hpp"
#include "engine/trading_engine.hpp"
#include "http/http_client.hpp"
#include "market/price_service.hpp"
#include "ops/config.hpp"
#include "solana/rpc_pool.hpp"
#include "storage/repository.hpp"

namespace kt::app {

/// The engine's rules from the configuration.
engine::EngineConfig engine_config_from(const ops::Config& config);

/// Price sources named by prices.sources, in order: the offline ones (demo, replay) or the live ones
/// (pump.fun curve over `rpc`, DexScreener, Jupiter over `http`); the two kinds never mix.
Result<std::vector<std::unique_ptr<market::PriceSource>>> make_price_sources(const ops::Config& config,
                                                                             const Clock& clock, http::Client& http,
                                                                             solana::RpcPool* rpc);

/// Opens storage and applies pending migrations, waiting out a busy database for up to ~5 s.
Result<std::unique_ptr<storage::Repository>> open_and_migrate(const ops::Config& config);

class Application {
 public:
  /// Opens and migrates storage, builds sources, engine and bot. `clock` must outlive the result.
  static Result<std::unique_ptr<Application>> build(const ops::Config& config, const Clock& clock);

  storage::Repository& repository() { return *repository_; }
  market::PriceService& prices() { return *prices_; }
  engine::TradingEngine& trading() { return *trading_; }
  engine::Accounts& accounts() { return *accounts_; }
  engine::Portfolio& portfolio() { return *portfolio_; }
  engine::OrderBook& orders() { return *orders_; }
  engine::Contests& contests() { return *contests_; }
  bot::Dispatcher& dispatcher() { return *dispatcher_; }
  const ops::Config& config() const { return config_; }
  http::Client& http() { return *http_; }
  /// nullptr when no live source needs Solana RPC.
  solana::RpcPool* rpc() { return rpc_.get(); }

 private:
  explicit Application(ops::Config config) : config_(std::move(config)) {}

  ops::Config config_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<solana::RpcPool> rpc_;
  std::unique_ptr<storage::Repository> repository_;
  std::unique_ptr<market::PriceService> prices_;
  std::unique_ptr<engine::TradingEngine> trading_;
  std::unique_ptr<engine::Accounts> accounts_;
  std::unique_ptr<engine::Portfolio> portfolio_;
  std::unique_ptr<engine::OrderBook> orders_;
  std::unique_ptr<engine::Contests> contests_;
  std::unique_ptr<bot::Dispatcher> dispatcher_;
};

}  // namespace kt::app
