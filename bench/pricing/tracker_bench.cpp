// CPU time and RPC calls of one TokenTracker cycle over 10,000 pump.fun curve tokens served by the
// loopback fake node, plus the curve decoder's accounts per second. CPU is the calling thread's
// CLOCK_THREAD_CPUTIME_ID: the cycle (PDA lookups, request building, libcurl, JSON and base64
// decoding, pricing, SQLite writes, metrics) runs on this thread, the fake node on its own threads,
// so the node's work is not counted. Process CPU is printed too, for comparison.
#include <time.h>

#include <chrono>
#include <cstdio>

#include "fake_servers.hpp"
#include "market/token_tracker.hpp"
#include "pricing/pumpfun_source.hpp"
#include "solana/pda.hpp"
#include "solana/pumpfun.hpp"

namespace {

using namespace kt;

double cpu_ms(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Sample {
  double thread_ms = 0, process_ms = 0, wall_ms = 0;
  std::size_t calls = 0, fresh = 0;
};

template <class F>
Sample measure(pricing::testing::FakeSolanaRpc& rpc, F&& run) {
  rpc.reset_counters();
  const double t0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID), p0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
  const auto w0 = std::chrono::steady_clock::now();
  Sample s;
  s.fresh = run();
  s.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count();
  s.thread_ms = cpu_ms(CLOCK_THREAD_CPUTIME_ID) - t0;
  s.process_ms = cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - p0;
  s.calls = rpc.calls("getMultipleAccounts");
  return s;
}

void row(const char* what, const Sample& s) {
  std::printf("| %s | %zu | %zu | %.1f | %.1f | %.1f |\n", what, s.fresh, s.calls, s.thread_ms, s.process_ms,
              s.wall_ms);
}

}  // namespace

int main() {
  constexpr std::uint32_t kTokens = 10'000;
  pricing::testing::FakeSolanaRpc rpc;
  const Mint pump = *Mint::parse(solana::kPumpFunProgramId);
  const Mint token_program = *Mint::parse(solana::kTokenProgramId);
  ManualClock clock(from_unix_millis(1'750'000'000'000));
  auto repo = std::move(storage::open_repository("sqlite::memory:", 1).value());
  if (!repo->migrate().ok()) return 1;
  auto client = http::make_curl_client();
  solana::RpcPoolConfig config;
  config.urls = {rpc.url()};
  config.requests_per_second = 1e6;
  config.burst = 1'000'000;
  solana::RpcPool pool(config, *client, clock, [&](Millis d) { clock.advance(d); });
  auto decimals = std::make_shared<pricing::MintDecimals>(&pool);
  std::vector<std::unique_ptr<market::PriceSource>> sources;
  sources.push_back(std::make_unique<pricing::PumpFunCurveSource>(pool, decimals));
  market::PriceService service(std::move(sources));
  market::TokenTracker tracker(*repo, service, clock);
  std::vector<Mint> mints;
  for (std::uint32_t i = 0; i < kTokens; ++i) {
    const Mint m = pricing::testing::test_mint(i);
    mints.push_back(m);
    rpc.set_account(
        solana::pumpfun_bonding_curve_address(m)->address,
        {1, pump,
         pricing::testing::bonding_curve_bytes(1'073'000'000'000'000 - i, 30'000'000'000 + i, 1, 1, 1, false, 151)});
    rpc.set_account(m,
                    {1, token_program, pricing::testing::spl_mint_bytes(1'000'000'000'000'000, 6, nullptr, nullptr)});
    tracker.note_viewed(m, clock.now());
  }

  auto cycle = [&] {
    auto r = tracker.run_cycle(clock.now());
    if (!r.ok()) {
      std::fprintf(stderr, "cycle failed: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    return r->fresh;
  };
  std::printf(
      "| %u curve tokens | fresh quotes | getMultipleAccounts calls | thread CPU ms | process CPU ms | wall ms |\n",
      kTokens);
  std::printf("|---|---|---|---|---|---|\n");
  row("cycle 1 (cold: PDAs derived, mint decimals read with the curves)", measure(rpc, cycle));
  clock.advance(Millis{60'000});
  row("cycle 2 (warm)", measure(rpc, cycle));
  clock.advance(Millis{60'000});
  row("cycle 3 (warm)", measure(rpc, cycle));
  clock.advance(Millis{60'000});
  row("quote_many only (warm, no storage)", measure(rpc, [&] {
        std::size_t ok = 0;
        for (const auto& q : service.quote_many(mints, clock.now())) ok += q.ok();
        return ok;
      }));

  // Decoder throughput.
  const auto bytes = pricing::testing::bonding_curve_bytes(1'073'000'000'000'000, 30'000'000'165, 793'100'000'000'000,
                                                           165, 1'000'000'000'000'000, false, 151);
  constexpr int kDecodes = 2'000'000;
  std::uint64_t sink = 0;
  const double d0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
  for (int i = 0; i < kDecodes; ++i) {
    auto c = solana::decode_bonding_curve(bytes);
    sink += c->virtual_sol_reserves;
    auto p = solana::curve_price(*c);
    sink += static_cast<std::uint64_t>(p->num());
  }
  const double d_ms = cpu_ms(CLOCK_THREAD_CPUTIME_ID) - d0;
  std::printf("\n| decoder | accounts/s |\n|---|---|\n| pump.fun curve (151 B): decode + exact price | %.0f |\n",
              kDecodes / (d_ms / 1e3));
  return sink == 42 ? 2 : 0;
}
