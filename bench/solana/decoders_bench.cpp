// Decoded accounts per second for each solana decoder, against a plain copy of the same bytes as
// the baseline. Run: kt_bench_solana (items_per_second is accounts per second).
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "solana/base64.hpp"
#include "solana/metaplex.hpp"
#include "solana/pda.hpp"
#include "solana/pumpfun.hpp"
#include "solana/raydium.hpp"
#include "solana/rpc_methods.hpp"
#include "solana/spl_token.hpp"

namespace {

using namespace kt::solana;

std::string read(const std::string& name) {
  std::ifstream in(std::string(KT_FIXTURES_DIR) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}
std::vector<std::uint8_t> bytes(const std::string& name) { return *base64_decode(read(name)); }
std::vector<std::uint8_t> curve_bytes() {
  const auto j = nlohmann::json::parse(read("pumpfun_bonding_curve_snapshot_8t4tk.json"));
  return *base64_decode(j["data_base64"].get<std::string>());
}

template <class Decode>
void run(benchmark::State& state, const std::vector<std::uint8_t>& data, Decode decode) {
  for (auto _ : state) {
    auto r = decode(std::span<const std::uint8_t>(data));
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(data.size()));
}

void BM_baseline_copy_raydium_bytes(benchmark::State& state) {
  const auto data = bytes("raydium_amm_v4_sol_usdc_pool.b64");
  std::vector<std::uint8_t> out(data.size());
  for (auto _ : state) {
    std::memcpy(out.data(), data.data(), data.size());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_decode_spl_mint(benchmark::State& s) { run(s, bytes("spl_mint_usdc_mainnet.b64"), decode_mint); }
void BM_decode_token_account(benchmark::State& s) {
  run(s, bytes("spl_token_account_usdc_plain.b64"), decode_token_account);
}
void BM_decode_metaplex(benchmark::State& s) { run(s, bytes("metaplex_metadata_usdc.b64"), decode_metaplex_metadata); }
void BM_decode_bonding_curve(benchmark::State& s) { run(s, curve_bytes(), decode_bonding_curve); }
void BM_decode_raydium_amm_v4(benchmark::State& s) {
  run(s, bytes("raydium_amm_v4_sol_usdc_pool.b64"), decode_raydium_amm_v4);
}

void BM_base64_decode_raydium(benchmark::State& state) {
  const std::string text = read("raydium_amm_v4_sol_usdc_pool.b64");
  for (auto _ : state) {
    auto r = base64_decode(text);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// getMultipleAccounts of 100 bonding curves: JSON parse + base64 + decode, per account.
void BM_parse_100_curves_response(benchmark::State& state) {
  const std::string data = base64_encode(curve_bytes());
  nlohmann::json value = nlohmann::json::array();
  for (int i = 0; i < 100; ++i) {
    value.push_back({{"data", {data, "base64"}},
                     {"executable", false},
                     {"lamports", 1417485},
                     {"owner", "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P"},
                     {"rentEpoch", 18446744073709551615ULL}});
  }
  const std::string body =
      nlohmann::json{{"jsonrpc", "2.0"}, {"result", {{"context", {{"slot", 1}}}, {"value", value}}}, {"id", 1}}.dump();
  for (auto _ : state) {
    auto response = parse_response(body);
    auto accounts = parse_get_multiple_accounts(response->result);
    for (const auto& a : accounts->value) {
      auto curve = decode_bonding_curve(a->data);
      benchmark::DoNotOptimize(curve);
    }
  }
  state.SetItemsProcessed(state.iterations() * 100);
}

void BM_pumpfun_bonding_curve_pda(benchmark::State& state) {
  const auto mint = *kt::Mint::parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
  for (auto _ : state) {
    auto pda = pumpfun_bonding_curve_address(mint);
    benchmark::DoNotOptimize(pda);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_baseline_copy_raydium_bytes);
BENCHMARK(BM_decode_spl_mint);
BENCHMARK(BM_decode_token_account);
BENCHMARK(BM_decode_metaplex);
BENCHMARK(BM_decode_bonding_curve);
BENCHMARK(BM_decode_raydium_amm_v4);
BENCHMARK(BM_base64_decode_raydium);
BENCHMARK(BM_parse_100_curves_response);
BENCHMARK(BM_pumpfun_bonding_curve_pda);

}  // namespace

BENCHMARK_MAIN();
