// CPU time and RPC calls of one TokenTracker cycle over 10,000 pump.fun curve tokens served by the
// loopback fake node, plus the curve decoder's accounts per second. CPU is the calling thread's
// CLOCK_THREAD_CPUTIME_ID: the cycle (PDA lookups, request building, libcurl, JSON and base64
// decoding, pricing, SQLite writes, metrics) runs on this thread, the fake node on its own threads,
// so the node's work is not counted. Process CPU is printed too, for comparison.
//
// Two baselines measured in the same run bound what the cycle could cost at best with today's
// transport and storage: the same 100 getMultipleAccounts POSTs through the same libcurl client
// with the bodies thrown away, and the cycle's 10,000 token_prices inserts + 10,000 token_metrics
// upserts in one write transaction. Warm rows are medians of kRuns runs.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fake_servers.hpp"
#include "market/metrics_window.hpp"
#include "market/token_tracker.hpp"
#include "pricing/pumpfun_source.hpp"
#include "solana/multiple_accounts_reader.hpp"
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

constexpr int kRuns = 5;

/// kRuns samples of `run` (`before` runs first each time, unmeasured); the median of each column,
/// and the thread CPU range in the label.
template <class Before, class F>
void median_row(const std::string& what, pricing::testing::FakeSolanaRpc& rpc, Before&& before, F&& run) {
  std::vector<Sample> samples;
  for (int i = 0; i < kRuns; ++i) {
    before();
    samples.push_back(measure(rpc, run));
  }
  const auto median = [&](double Sample::*field) {
    std::vector<double> v;
    for (const auto& s : samples) v.push_back(s.*field);
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  Sample m = samples.back();
  m.thread_ms = median(&Sample::thread_ms);
  m.process_ms = median(&Sample::process_ms);
  m.wall_ms = median(&Sample::wall_ms);
  const auto [lo, hi] = std::minmax_element(samples.begin(), samples.end(),
                                            [](const Sample& a, const Sample& b) { return a.thread_ms < b.thread_ms; });
  char range[64];
  std::snprintf(range, sizeof range, " (median of %d; thread CPU %.1f–%.1f)", kRuns, lo->thread_ms, hi->thread_ms);
  row((what + range).c_str(), m);
}

}  // namespace

int main(int argc, char** argv) {
  // `--profile N`: after the table, run N more warm cycles and skip the decoder loop, so a
  // profiler (perf record) sees mostly the warm cycle.
  const int profile_cycles = argc == 3 && std::string_view(argv[1]) == "--profile" ? std::atoi(argv[2]) : 0;
  constexpr std::uint32_t kTokens = 10'000;
  // Real nodes keep connections alive, and so does the product's libcurl client.
  pricing::testing::FakeSolanaRpc rpc(pricing::testing::Connections::kKeepAlive);
  const Mint pump = *Mint::parse(solana::kPumpFunProgramId);
  const Mint token_program = *Mint::parse(solana::kTokenProgramId);
  ManualClock clock(from_unix_millis(1'750'000'000'000));
  // KT_BENCH_TRACKER_DB=postgresql://… runs the same cycles against PostgreSQL (the server's CPU
  // is then in another process and not counted; compare wall times too). Default: in-memory SQLite.
  const char* db_url = std::getenv("KT_BENCH_TRACKER_DB");
  auto opened = storage::open_repository(db_url ? db_url : "sqlite::memory:", 1);
  if (!opened.ok()) {
    std::fprintf(stderr, "cannot open the database: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto repo = std::move(opened).value();
  if (!repo->migrate().ok()) return 1;
  std::printf("backend: %s\n\n", repo->backend_name().c_str());
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
  std::vector<solana::Pubkey> curves;
  for (std::uint32_t i = 0; i < kTokens; ++i) {
    const Mint m = pricing::testing::test_mint(i);
    mints.push_back(m);
    curves.push_back(solana::pumpfun_bonding_curve_address(m)->address);
    rpc.set_account(curves.back(), {1, pump,
                                    pricing::testing::bonding_curve_bytes(1'073'000'000'000'000 - i, 30'000'000'000 + i,
                                                                          1, 1, 1, false, 151)});
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
  const auto next_minute = [&] { clock.advance(Millis{60'000}); };
  // Baseline 2: the storage alone — the cycle's rows, written the way the cycle writes them.
  const auto quotes = service.quote_many(mints, clock.now());
  const auto storage_baseline = [&] {
    median_row("baseline: 10,000 insert_price + 10,000 upsert_token_metrics in one transaction", rpc, next_minute, [&] {
      const TimePoint now = clock.now();
      std::size_t written = 0;
      auto r = repo->write([&](storage::Transaction& tx) -> Result<void> {
        written = 0;
        for (const auto& q : quotes) {
          KT_TRY_VOID(
              tx.insert_price(storage::PriceRecord{q->mint, q->price, q->decimals, q->usd_per_token, q->source, now}));
          storage::TokenMetricsRecord m;
          m.mint = q->mint;
          m.last_price_sol = q->price.sol_per_token(q->decimals);
          m.change_1h_pct = 0.5;
          m.change_24h_pct = 1.5;
          m.high_24h = m.last_price_sol * 1.1;
          m.low_24h = m.last_price_sol * 0.9;
          m.volatility_24h = 0.01;
          m.updated_at = now;
          KT_TRY_VOID(tx.upsert_token_metrics(m));
          ++written;
        }
        return ok_result();
      });
      return r.ok() ? written : 0;
    });
  };

  storage_baseline();
  median_row("warm cycle", rpc, next_minute, cycle);
  median_row("quote_many only (warm, no storage)", rpc, next_minute, [&] {
    std::size_t ok = 0;
    for (const auto& q : service.quote_many(mints, clock.now())) ok += q.ok();
    return ok;
  });

  // Baseline 1: the transport alone — the same 100 POSTs, bodies discarded.
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < curves.size(); i += solana::kMaxAccountsPerCall) {
    const std::span<const solana::Pubkey> chunk(curves.data() + i,
                                                std::min(solana::kMaxAccountsPerCall, curves.size() - i));
    bodies.push_back(solana::build_multiple_accounts_request(i + 1, chunk, config.commitment));
  }
  const auto post_all = [&](bool compressed) {
    std::size_t answered = 0;
    for (const auto& body : bodies) {
      http::Request request;
      request.method = "POST";
      request.url = rpc.url();
      request.headers = {{"Content-Type", "application/json"}};
      if (!compressed) request.headers.emplace_back("Accept-Encoding", "identity");
      request.body = body;
      request.timeout = config.request_timeout;
      const auto response = client->perform(request);
      answered += response.ok() && response->status == 200 ? solana::kMaxAccountsPerCall : 0;
    }
    return answered;
  };
  median_row(
      "baseline: libcurl POSTs of the same 100 requests, bodies discarded", rpc, [] {}, [&] { return post_all(true); });
  median_row(
      "baseline: the same without compression (Accept-Encoding: identity)", rpc, [] {},
      [&] { return post_all(false); });

  if (profile_cycles > 0) {
    // For `perf record -k CLOCK_MONOTONIC … ; perf report --time <this>,`: the warm cycles only.
    std::fprintf(stderr, "profiled cycles start at monotonic %.6f s\n", cpu_ms(CLOCK_MONOTONIC) / 1e3);
  }
  for (int i = 0; i < profile_cycles; ++i) {
    clock.advance(Millis{60'000});
    cycle();
  }
  if (profile_cycles > 0) return 0;

  // Steady state: after a day every tracked token has ~1,441 points (one a minute over 24 h) and
  // the cycle computes its metrics over all of them. The cycles above see only a few points.
  {
    std::vector<market::PricePoint> day;
    const TimePoint now = clock.now();
    for (int i = 24 * 60; i >= 0; --i)
      day.push_back({now - std::chrono::minutes(i), 1e-7 * (1.0 + 0.001 * ((i * 7) % 23))});
    double sink_metrics = 0;
    const double m0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
    for (std::uint32_t i = 0; i < kTokens; ++i)
      sink_metrics += market::compute_token_metrics(mints[i], day, now).volatility_24h.value_or(0);
    std::printf(
        "\n| steady state | thread CPU ms |\n|---|---|\n| compute_token_metrics of %u tokens over %zu points each "
        "| %.1f |\n",
        kTokens, day.size(), cpu_ms(CLOCK_THREAD_CPUTIME_ID) - m0 + (sink_metrics < 0 ? 1 : 0));
    // What the tracker does now: each token's MetricsWindow already holds the day; a cycle adds
    // the new point, forgets the one that left the 25 h span and reads the metrics (same bits).
    std::vector<market::MetricsWindow> windows(kTokens);
    for (auto& w : windows)
      for (const auto& p : day) w.add(p);
    std::vector<double> samples;
    for (int run = 0; run < kRuns; ++run) {
      const TimePoint later = now + std::chrono::minutes(run + 1);
      const double w0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
      for (std::uint32_t i = 0; i < kTokens; ++i) {
        windows[i].add({later, 1e-7 * (1.0 + 0.001 * ((run * 7) % 23))});
        windows[i].expire(later - std::chrono::hours(25));
        sink_metrics += windows[i].metrics(mints[i], later).volatility_24h.value_or(0);
      }
      samples.push_back(cpu_ms(CLOCK_THREAD_CPUTIME_ID) - w0);
    }
    std::sort(samples.begin(), samples.end());
    std::printf(
        "| MetricsWindow add + expire + metrics of %u tokens holding %zu points each (median of %d; %.1f–%.1f) | "
        "%.1f |\n",
        kTokens, day.size(), kRuns, samples.front(), samples.back(),
        samples[samples.size() / 2] + (sink_metrics < 0 ? 1 : 0));
  }

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
