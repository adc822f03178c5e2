#include "app/market_loop.hpp"

#include <algorithm>

#include "bot/views.hpp"
#include "core/thread_name.hpp"
#include "ops/logging.hpp"

namespace kt::app {
namespace {

/// How often a non-owner tries to take the lease and an owner checks it still holds it.
Millis lease_check_period(Millis interval) { return std::clamp<Millis>(interval / 4, Millis{100}, Millis{5000}); }

}  // namespace

MarketLoop::MarketLoop(Application& app, const Clock& clock, Notify notify)
    : app_(app), clock_(clock), notify_(std::move(notify)) {
  market::TrackerOptions options;
  options.viewed_ttl = std::chrono::duration_cast<Millis>(app.config().tracker.viewed_ttl);
  tracker_ = std::make_unique<market::TokenTracker>(app.repository(), app.prices(), clock, options);
  storage::Repository& repo = app.repository();
  // Live markets always follow SOL itself: USD display needs it, and /healthz can then tell a
  // working price feed from an idle bot.
  const bool live = !app.prices().simulated();
  tracker_->set_extra_mints([&repo, live] {
    std::vector<Mint> mints;
    (void)repo.read([&](storage::Transaction& tx) -> Result<void> {
      KT_TRY(mints, tx.mints_with_pending_orders());
      return {};
    });
    if (live) mints.push_back(*Mint::parse("So11111111111111111111111111111111111111112"));
    return mints;
  });
  tracker_->set_on_tick([this](const Quote& quote) {
    {
      std::lock_guard lock(collect_mutex_);
      if (collecting_) {
        collecting_->push_back(quote);
        return;
      }
    }
    on_tick(quote);
  });
  tracker_->set_logger([](std::string line) { ops::component_logger("tracker")->warn("{}", line); });
  app.dispatcher().set_view_listener([this](const Mint& mint, TimePoint now) { tracker_->note_viewed(mint, now); });
}

MarketLoop::~MarketLoop() { stop(); }

void MarketLoop::start() {
  stop();
  stopping_ = false;
  coordination::CoordinationOptions options;
  options.log = [](std::string line) { ops::component_logger("tracker")->warn("{}", line); };
  auto opened = coordination::open_coordination(app_.config().database.url, std::move(options));
  if (!opened) {
    // Cannot happen for a URL the repository opened; tracking alone beats not tracking.
    ops::component_logger("tracker")->error("no tracker election ({}); tracking unconditionally",
                                            opened.error().message);
    coordination_.lease = nullptr;
    coordination_.bus = nullptr;
  } else {
    coordination_ = std::move(*opened);
    coordination_.bus->subscribe([this](std::vector<Quote> ticks) { on_remote_ticks(std::move(ticks)); });
  }
  const auto interval = std::chrono::duration_cast<Millis>(app_.config().tracker.interval);
  loop_ = std::thread([this, interval] {
    name_this_thread("kt-market");
    election_loop(interval);
  });
}

void MarketLoop::stop() {
  {
    std::lock_guard lock(wait_mutex_);
    stopping_ = true;
  }
  wait_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  if (coordination_.bus) coordination_.bus->stop();
}

void MarketLoop::pause(Millis d) {
  std::unique_lock lock(wait_mutex_);
  wait_cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void MarketLoop::election_loop(Millis interval) {
  auto log = ops::component_logger("tracker");
  coordination::TrackerLease* lease = coordination_.lease.get();
  const Millis check = lease_check_period(interval);
  bool reported_unavailable = false;
  while (!stopping_) {
    if (lease && !owner_) {
      auto acquired = lease->try_acquire();
      if (!acquired) {
        if (!reported_unavailable) log->warn("tracker lease unavailable: {}", acquired.error().message);
        reported_unavailable = true;
        pause(check);
        continue;
      }
      reported_unavailable = false;
      if (!*acquired) {
        pause(check);
        continue;
      }
      owner_ = true;
      log->info("tracker lease acquired ({}): this process runs the tracker", lease->describe());
    }
    if (!lease) owner_ = true;
    run_owned_cycle();
    // Wait out the interval, checking the lease: a lost lease stops tracking at once.
    const auto next = std::chrono::steady_clock::now() + interval;
    while (!stopping_ && std::chrono::steady_clock::now() < next) {
      pause(std::min(check, std::chrono::duration_cast<Millis>(next - std::chrono::steady_clock::now())));
      if (lease && !stopping_ && !lease->still_held()) {
        owner_ = false;
        log->warn("tracker lease lost ({}): stopped tracking; a process holding it takes over", lease->describe());
        break;
      }
    }
  }
  if (lease && owner_) {
    lease->release();
    log->info("tracker lease released ({})", lease->describe());
  }
  owner_ = false;
}

void MarketLoop::run_owned_cycle() {
  std::vector<Quote> fresh;
  {
    std::lock_guard lock(collect_mutex_);
    collecting_ = &fresh;
  }
  const auto started = std::chrono::steady_clock::now();
  auto report = tracker_->run_cycle(clock_.now());
  {
    std::lock_guard lock(collect_mutex_);
    collecting_ = nullptr;
  }
  if (cycle_observer_)
    cycle_observer_(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!report.ok()) {
    ops::component_logger("tracker")->warn("tracker cycle failed: {}: {}", report.error().code, report.error().message);
  }
  // The others see the ticks before this process spends time filling orders on them.
  if (coordination_.bus && !fresh.empty()) {
    if (auto sent = coordination_.bus->publish(fresh); sent.ok()) {
      ticks_published_ += fresh.size();
    } else {
      ops::component_logger("tracker")->warn("could not publish {} price ticks: {}", fresh.size(),
                                             sent.error().message);
    }
  }
  for (const Quote& quote : fresh) on_tick(quote);
}

void MarketLoop::on_remote_ticks(std::vector<Quote> ticks) {
  ticks_received_ += ticks.size();
  const TimePoint now = clock_.now();
  for (const Quote& quote : ticks) app_.prices().apply_tick(quote, now);
  // Fills are exactly-once across processes (the order row is locked and re-checked), so every
  // process may act on every tick; whichever locks the order first fills it.
  for (const Quote& quote : ticks) on_tick(quote);
}

ScaleOutSample MarketLoop::scale_out() const {
  ScaleOutSample s;
  s.tracker_owner = owner_.load();
  s.ticks_received = ticks_received_.load();
  s.ticks_published = ticks_published_.load();
  s.malformed_payloads = coordination_.bus ? coordination_.bus->malformed_payloads() : 0;
  return s;
}

void MarketLoop::on_tick(const Quote& quote) {
  std::vector<engine::OrderOutcome> outcomes = app_.orders().on_tick(quote);
  {
    // Orders on mints that no longer get quotes still expire, at most once per tracker interval.
    std::lock_guard lock(expiry_mutex_);
    const TimePoint now = clock_.now();
    if (now - last_expiry_sweep_ >= app_.config().tracker.interval) {
      last_expiry_sweep_ = now;
      for (auto& o : app_.orders().expire_due(now)) outcomes.push_back(std::move(o));
    }
  }
  for (const auto& outcome : outcomes) {
    std::string symbol;
    if (auto info = app_.prices().token_info(outcome.order.mint, clock_.now()); info.ok()) symbol = info->symbol;
    ops::component_logger("engine")->info("order {} {} for user {}", outcome.order.id.value,
                                          to_string(outcome.order.status), outcome.owner.value);
    if (notify_) notify_(bot::render_order_outcome(outcome, symbol));
  }
}

}  // namespace kt::app
