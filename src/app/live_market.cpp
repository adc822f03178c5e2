#include "app/live_market.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "pricing/dexscreener_source.hpp"
#include "pricing/exact_ratio.hpp"
#include "pricing/jupiter_source.hpp"
#include "pricing/pumpfun_source.hpp"

namespace kt::app {

bool is_live_source(const std::string& name) { return name == "pumpfun" || name == "dexscreener" || name == "jupiter"; }

std::unique_ptr<solana::RpcPool> make_rpc_pool(const ops::Config& config, http::Client& http, const Clock& clock) {
  if (config.solana.rpc_urls.empty()) return nullptr;
  solana::RpcPoolConfig pool;
  pool.urls = config.solana.rpc_urls;
  pool.requests_per_second = config.solana.requests_per_second;
  pool.burst = std::max(1, config.solana.requests_per_second);
  pool.request_timeout = config.solana.timeout;
  pool.breaker_threshold = config.solana.breaker_failures;
  pool.breaker_cooldown = std::chrono::duration_cast<Millis>(config.solana.breaker_cooldown);
  return std::make_unique<solana::RpcPool>(
      pool, http, clock, [](Millis d) { std::this_thread::sleep_for(d); },
      [](std::string line) { spdlog::warn("solana rpc: {}", line); });
}

Result<std::vector<std::unique_ptr<market::PriceSource>>> make_live_sources(const ops::Config& config,
                                                                            http::Client& http, const Clock& clock,
                                                                            solana::RpcPool* rpc) {
  (void)clock;  // sources take `now` per call
  auto sol_usd = std::make_shared<pricing::SolUsdCache>();
  auto decimals = std::make_shared<pricing::MintDecimals>(rpc);
  const pricing::DexScreenerOptions dex_options{config.prices.dexscreener_url, Millis{10'000}};
  const pricing::JupiterOptions jupiter_options{config.prices.jupiter_url, config.prices.jupiter_api_key,
                                                Millis{10'000}};
  // A stale SOL/USD (needed for dollar display of curve quotes) is refreshed by one DexScreener call
  // for wrapped SOL. The refresher's source holds the cache without owning it: no ownership cycle.
  sol_usd->set_refresher([&http, dex_options, decimals](pricing::SolUsdCache& cache, TimePoint now) {
    std::shared_ptr<pricing::SolUsdCache> view(std::shared_ptr<void>{}, &cache);
    pricing::DexScreenerSource dex(http, dex_options, view, decimals);
    (void)dex.quote(pricing::wrapped_sol(), now);
  });

  std::vector<std::unique_ptr<market::PriceSource>> sources;
  for (const auto& name : config.prices.sources) {
    if (name == "pumpfun") {
      if (rpc == nullptr) return fatal("E-CONFIG", "prices.sources: 'pumpfun' needs solana.rpc_urls");
      sources.push_back(std::make_unique<pricing::PumpFunCurveSource>(*rpc, decimals, sol_usd));
    } else if (name == "dexscreener") {
      sources.push_back(std::make_unique<pricing::DexScreenerSource>(http, dex_options, sol_usd, decimals));
    } else if (name == "jupiter") {
      sources.push_back(std::make_unique<pricing::JupiterSource>(http, jupiter_options, sol_usd, decimals));
    } else {
      return fatal("E-CONFIG", "prices.sources: '" + name + "' is not a live source (pumpfun, dexscreener, jupiter)");
    }
  }
  return sources;
}

}  // namespace kt::app
