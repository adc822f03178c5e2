#pragma once
// Pre-registers users (and optionally positions) directly through the storage port, in large
// transactions, before the bot starts: much faster than a /start phase and the same rows.
#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace kt::bench {

/// Creates `users` users with Telegram ids first_user.. (balance 1000 SOL) and `positions` open
/// BONK positions spread round-robin over them (each with its open ledger entry, so the ledger
/// invariant holds). Migrates first.
Result<void> seed_database(const std::string& url, std::int64_t first_user, std::size_t users, std::size_t positions);

}  // namespace kt::bench
