#pragma once
#include "core/clock.hpp"
#include "ops/config.hpp"

#include <cstddef>

namespace kt::app {
/// How many Bot API calls `kitrader run` keeps in flight at most, for this configuration and worker count.
std::size_t outbound_calls_in_flight(const ops::TelegramConfig& telegram, std::size_t workers);

/// `kitrader run`: the Telegram bot until SIGTERM/SIGINT. Returns the process exit code.
int run_telegram(const ops::Config& config, const Clock& clock);
}  // namespace kt::app
