#pragma once
#include "core/clock.hpp"
#include "ops/config.hpp"

#include <cstddef>

namespace kt::app {
/// How many outbound sender threads `kitrader run` starts for this configuration and worker count.
std::size_t outbound_sender_threads(const ops::TelegramConfig& telegram, std::size_t workers);

/// `kitrader run`: the Telegram bot until SIGTERM/SIGINT. Returns the process exit code.
int run_telegram(const ops::Config& config, const Clock& clock);
}  // namespace kt::app
