#include "app/application.hpp"

#include <algorithm>
#include <thread>

#include "app/live_market.hpp"
#include "market/demo_market.hpp"
#include "market/replay_source.hpp"

namespace kt::app {

engine::EngineConfig engine_config_from(const ops::Config& config) {
  engine::EngineConfig e;
  const auto& t = config.trading;
  e.fees.fee_ppm = static_cast<std::uint32_t>(t.fee_ppm);
  e.fees.slippage_bps = static_cast<std::uint32_t>(t.slippage_bps);
  e.fees.network_fee = t.network_fee;
  e.limits.min_position = t.min_position;
  e.limits.limit_basic = t.position_limit.basic;
  e.limits.limit_premium = t.position_limit.premium;
  e.limits.limit_admin = t.position_limit.admin;
  e.limits.max_open_positions = t.max_open_positions;
  e.initial_balance = t.initial_balance;
  e.max_quote_age = std::chrono::duration_cast<Millis>(config.prices.max_age);
  e.admin_telegram_ids = config.telegram.admins;
  return e;
}

Result<std::vector<std::unique_ptr<market::PriceSource>>> make_price_sources(const ops::Config& config,
                                                                             const Clock& clock, http::Client& http,
                                                                             solana::RpcPool* rpc) {
  const bool live = std::any_of(config.prices.sources.begin(), config.prices.sources.end(), is_live_source);
  if (live) return make_live_sources(config, http, clock, rpc);
  std::vector<std::unique_ptr<market::PriceSource>> sources;
  for (const auto& name : config.prices.sources) {
    if (name == "demo") {
      sources.push_back(std::make_unique<market::DemoMarket>());
    } else if (name == "replay") {
      auto replay = market::ReplaySource::open(config.prices.replay_file);
      if (!replay) return std::move(replay).error();
      sources.push_back(std::move(*replay));
    } else {
      return fatal("E-CONFIG", "prices.sources: unknown source '" + name + "'");
    }
  }
  return sources;
}

Result<std::unique_ptr<storage::Repository>> open_and_migrate(const ops::Config& config) {
  // Processes started together race for the schema (and SQLite for switching a new file to WAL);
  // a busy database at start-up is waited out for a few seconds rather than failing the start.
  for (int attempt = 1;; ++attempt) {
    auto repository = storage::open_repository(config.database.url, config.database.pool_size);
    if (repository.ok()) {
      auto migrated = (*repository)->migrate();
      if (migrated.ok()) return repository;
      repository = std::move(migrated).error();
    }
    if (!repository.error().retryable() || attempt == 50) return std::move(repository).error();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<std::unique_ptr<Application>> Application::build(const ops::Config& config, const Clock& clock) {
  std::unique_ptr<Application> app(new Application(config));
  KT_TRY(app->repository_, open_and_migrate(config));
  app->http_ = http::make_curl_client();
  const bool live = std::any_of(config.prices.sources.begin(), config.prices.sources.end(), is_live_source);
  if (live) app->rpc_ = make_rpc_pool(config, *app->http_, clock);
  KT_TRY(auto sources, make_price_sources(config, clock, *app->http_, app->rpc_.get()));
  market::PriceServiceOptions price_options;
  price_options.quote_reuse = config.trading.quote_reuse;
  app->prices_ = std::make_unique<market::PriceService>(std::move(sources), price_options);
  const engine::EngineConfig rules = engine_config_from(config);
  app->trading_ = std::make_unique<engine::TradingEngine>(*app->repository_, *app->prices_, clock, rules);
  app->accounts_ = std::make_unique<engine::Accounts>(*app->repository_, clock, rules);
  app->portfolio_ = std::make_unique<engine::Portfolio>(*app->repository_, *app->prices_, clock, rules.fees);
  app->orders_ = std::make_unique<engine::OrderBook>(*app->repository_, *app->trading_, *app->prices_, clock);
  app->contests_ = std::make_unique<engine::Contests>(*app->repository_, *app->portfolio_, clock, rules);
  app->dispatcher_ = std::make_unique<bot::Dispatcher>(bot::BotServices{*app->repository_, *app->accounts_,
                                                                        *app->trading_, *app->portfolio_, *app->orders_,
                                                                        *app->contests_, *app->prices_, clock});
  market::PriceService& prices = *app->prices_;
  const Clock* clock_ptr = &clock;
  app->dispatcher_->set_price_freshness([&prices, clock_ptr] {
    std::string text;
    for (const auto& h : prices.health()) {
      if (!text.empty()) text += "; ";
      text += h.name + (h.healthy ? " ok" : " failing");
      if (h.last_success) {
        text += ", last answer " +
                std::to_string(
                    std::chrono::duration_cast<std::chrono::seconds>(clock_ptr->now() - *h.last_success).count()) +
                " s ago";
      }
    }
    return text;
  });
  return app;
}

}  // namespace kt::app
