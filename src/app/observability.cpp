#include "app/observability.hpp"

namespace kt::app {

Observability::~Observability() { stop(); }

void Observability::stop() {
  if (server_) server_->stop();
}

void Observability::watch_market(MarketLoop& market) {
  ops::BotMetrics& metrics = metrics_;
  market.set_cycle_observer([&metrics](double seconds) { metrics.tracker_cycle(seconds); });
  const auto sample = [&market](auto field) {
    return [&market, field] { return std::vector<ops::Sample>{{{}, field(market.scale_out())}}; };
  };
  registry_.callback("kitrader_tracker_owner", "1 while this process holds the tracker lease and runs the tracker.",
                     ops::MetricType::kGauge, {},
                     sample([](const ScaleOutSample& s) { return s.tracker_owner ? 1.0 : 0.0; }));
  registry_.callback("kitrader_price_ticks_received_total",
                     "Price ticks received from the tracker owner over the price bus and applied here.",
                     ops::MetricType::kCounter, {},
                     sample([](const ScaleOutSample& s) { return static_cast<double>(s.ticks_received); }));
  registry_.callback("kitrader_price_ticks_published_total", "Price ticks this process's tracker published.",
                     ops::MetricType::kCounter, {},
                     sample([](const ScaleOutSample& s) { return static_cast<double>(s.ticks_published); }));
  registry_.callback("kitrader_price_ticks_malformed_total", "Price bus payloads ignored because they were malformed.",
                     ops::MetricType::kCounter, {},
                     sample([](const ScaleOutSample& s) { return static_cast<double>(s.malformed_payloads); }));
}

Result<std::unique_ptr<Observability>> Observability::start(Application& app, const Clock& clock,
                                                            const telegram::OutboundQueue* queue, MarketLoop* market) {
  std::unique_ptr<Observability> o(new Observability());
  storage::Repository& repo = app.repository();
  market::PriceService& prices = app.prices();
  solana::RpcPool* pool = app.rpc();
  ops::BotMetrics& metrics = o->metrics_;

  app.dispatcher().set_observer([&metrics](std::string_view name, std::string_view outcome, Millis duration) {
    metrics.update_received();
    metrics.command_finished(std::string(name), std::string(outcome), static_cast<double>(duration.count()) / 1000.0);
    if (outcome == "ok" && name == "open") metrics.trade_opened();
    if (outcome == "ok" && name == "close") metrics.trade_closed();
  });
  metrics.set_open_positions([&repo]() -> std::optional<double> {
    std::int64_t n = 0;
    auto r = repo.read([&](storage::Transaction& tx) -> Result<void> {
      KT_TRY(n, tx.count_all_open_positions());
      return {};
    });
    return r.ok() ? std::optional<double>(static_cast<double>(n)) : std::nullopt;
  });
  if (pool) {
    metrics.set_rpc_endpoints([pool] {
      std::vector<ops::RpcEndpointSample> out;
      for (const auto& s : pool->status()) {
        const int breaker = s.breaker == solana::BreakerState::kOpen       ? 2
                            : s.breaker == solana::BreakerState::kHalfOpen ? 1
                                                                           : 0;
        out.push_back({s.url, s.requests, s.errors, breaker});
      }
      return out;
    });
  }
  metrics.set_price_sources([&prices, &clock] {
    std::vector<ops::PriceSourceSample> out;
    for (const auto& h : prices.health()) {
      std::optional<double> age;
      if (h.last_success) age = std::chrono::duration<double>(clock.now() - *h.last_success).count();
      out.push_back({h.name, age});
    }
    return out;
  });
  if (repo.wal_checkpoints()) {
    metrics.set_wal_checkpoints([&repo] {
      const auto c = repo.wal_checkpoints().value_or(storage::WalCheckpointCounts{});
      return ops::WalCheckpointSample{c.passive_passes, c.locked_passes, c.inline_passes, c.failures};
    });
  }
  if (queue) {
    metrics.set_outbound([queue] { return ops::OutboundSample{queue->depth(), queue->counters().retried_429}; });
  }

  o->health_.add("storage", ops::storage_check([&repo] {
                   return repo.read([](storage::Transaction& tx) -> Result<void> {
                     KT_TRY_VOID(tx.count_users());
                     return {};
                   });
                 }));
  if (pool) {
    o->health_.add("rpc", ops::rpc_check([pool] {
                     std::vector<ops::EndpointBreaker> out;
                     for (const auto& s : pool->status())
                       out.push_back({s.url, s.breaker == solana::BreakerState::kOpen});
                     return out;
                   }));
  }
  const auto interval = app.config().tracker.interval;
  if (!prices.simulated())
    o->health_.add("prices", ops::price_feed_check(
                                 [&prices]() -> std::optional<TimePoint> {
                                   std::optional<TimePoint> newest;
                                   for (const auto& h : prices.health()) {
                                     if (h.last_success && (!newest || *h.last_success > *newest))
                                       newest = h.last_success;
                                   }
                                   return newest;
                                 },
                                 clock, std::chrono::duration_cast<std::chrono::seconds>(2 * interval)));
  if (market) o->watch_market(*market);
  o->server_ = std::make_unique<ops::OpsHttpServer>(app.config().http.listen, o->registry_, o->health_);
  KT_TRY_VOID(o->server_->start());
  return o;
}

}  // namespace kt::app
