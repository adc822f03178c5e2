#pragma once
#include "core/clock.hpp"
#include "ops/config.hpp"

namespace kt::app {
/// `kitrader run`: the Telegram bot until SIGTERM/SIGINT. Returns the process exit code.
int run_telegram(const ops::Config& config, const Clock& clock);
}  // namespace kt::app
