#pragma once
// Builds the live price sources (pump.fun curve over the RpcPool, DexScreener, Jupiter) and the
// RpcPool from the validated configuration.
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/http_client.hpp"
#include "market/price_source.hpp"
#include "ops/config.hpp"
#include "solana/rpc_pool.hpp"

namespace kt::app {

/// True for "pumpfun", "dexscreener" and "jupiter".
bool is_live_source(const std::string& name);

/// The RpcPool over solana.rpc_urls (rate, timeout and breaker from solana.*), sleeping for real and
/// logging breaker transitions through spdlog; nullptr when no URL is configured. `http` and
/// `clock` must outlive it.
std::unique_ptr<solana::RpcPool> make_rpc_pool(const ops::Config& config, http::Client& http, const Clock& clock);

/// One source per name in prices.sources, in order; they share one SOL/USD cache and one mint
/// decimals cache. "pumpfun" needs `rpc`; DexScreener reads decimals through it too (without it,
/// DexScreener quotes only tokens whose decimals another source stated). Errors: fatal "E-CONFIG"
/// for a name this function does not build (demo, replay and typos) or pumpfun without an RPC.
/// `http`, `clock` and `rpc` must outlive the sources.
Result<std::vector<std::unique_ptr<market::PriceSource>>> make_live_sources(const ops::Config& config,
                                                                            http::Client& http, const Clock& clock,
                                                                            solana::RpcPool* rpc);

}  // namespace kt::app
