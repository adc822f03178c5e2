#pragma once
// The stored facts of the domain: users, wallets, positions and the money ledger.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "domain/enums.hpp"
#include "domain/ids.hpp"
#include "domain/mint.hpp"
#include "domain/money.hpp"
#include "domain/price.hpp"

namespace kt {

struct User {
  UserId id;
  TelegramUserId telegram_id;
  std::string username;  ///< without '@'; may be empty
  Role role = Role::kBasic;
  TimePoint created_at{};
  TimePoint last_active_at{};
};

/// A user's virtual SOL wallet. Invariant: balance == initial + Σ ledger amounts, balance ≥ 0.
struct Wallet {
  UserId user;
  Lamports balance;
  Lamports initial;
  TimePoint updated_at{};
};

/// An open or closed position. For a partial close `qty`, `cost` and `entry_notional` shrink.
struct Position {
  PositionId id;
  UserId user;
  Mint mint;
  std::string symbol;  ///< as known when opened; display only
  std::uint8_t decimals = 0;
  Side side = Side::kLong;
  PositionStatus status = PositionStatus::kOpen;
  std::uint64_t qty_raw = 0;  ///< remaining raw base units
  Lamports cost;              ///< remaining total debited at open (size + network fee)
  Lamports entry_notional;    ///< remaining value at the fill price, fees excluded
  Price entry_price;          ///< effective fill price (lamports per raw unit)
  Lamports realized_pnl;      ///< accumulated over partial and full closes
  std::uint64_t initial_qty_raw = 0;
  Lamports initial_cost;
  TimePoint opened_at{};
  std::optional<TimePoint> closed_at;
  std::optional<Price> exit_price;  ///< last close's effective price
  std::string source;               ///< quote source at open
  bool simulated = false;
};

enum class LedgerKind { kOpen, kClose, kGrant, kReset, kLiquidation };
std::string_view to_string(LedgerKind kind);
std::optional<LedgerKind> parse_ledger_kind(std::string_view text);

/// One append-only money movement. `amount` is the signed change of the balance.
struct LedgerEntry {
  std::int64_t id = 0;
  UserId user;
  LedgerKind kind = LedgerKind::kOpen;
  Lamports amount;
  Lamports balance_after;
  std::optional<PositionId> position;
  std::optional<Mint> mint;
  std::uint64_t qty_raw = 0;
  std::optional<Price> price;  ///< effective fill price
  Lamports fee;                ///< trading + network fee inside `amount`
  Lamports pnl;                ///< realized PnL, for closes
  std::optional<std::int64_t> update_id;
  TimePoint created_at{};
  std::string note;
};

}  // namespace kt
