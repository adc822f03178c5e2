#include "app/market_loop.hpp"

#include "bot/views.hpp"
#include "ops/logging.hpp"

namespace kt::app {

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
  tracker_->set_on_tick([this](const Quote& quote) { on_tick(quote); });
  tracker_->set_logger([](std::string line) { ops::component_logger("tracker")->warn("{}", line); });
  app.dispatcher().set_view_listener([this](const Mint& mint, TimePoint now) { tracker_->note_viewed(mint, now); });
}

MarketLoop::~MarketLoop() { stop(); }

void MarketLoop::start() { tracker_->start(std::chrono::duration_cast<Millis>(app_.config().tracker.interval)); }

void MarketLoop::stop() {
  if (tracker_) tracker_->stop();
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
