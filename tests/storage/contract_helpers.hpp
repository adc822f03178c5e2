#pragma once
// Small helpers shared by the contract cases: fixed times, known mints, builders, and running a
// transaction that returns a value.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

#include "storage/repository.hpp"

namespace kt::storage::contract {

inline constexpr std::int64_t kT0 = 1'700'000'000'000;
/// kT0 + offset milliseconds (stores keep millisecond precision).
inline TimePoint at(std::int64_t offset_ms) { return from_unix_millis(kT0 + offset_ms); }

inline Mint mint(const char* text) { return Mint::parse(text).value(); }
inline Mint bonk() { return mint("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"); }
inline Mint usdc() { return mint("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"); }
inline Mint wsol() { return mint("So11111111111111111111111111111111111111112"); }
inline Mint jup() { return mint("JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN"); }

/// (2^100 - 1) / 2^99: a reduced price at the domain's term limit (terms stay below 2^100),
/// whose numerator needs 100 bits.
inline u128 huge_num() { return (u128{1} << 100) - 1; }
inline Price huge_price() { return Price::from_ratio(huge_num(), u128{1} << 99).value(); }

template <class T>
std::string why(const Result<T>& r) {
  return r.ok() ? std::string("ok") : r.error().code + ": " + r.error().message;
}

/// Runs `f` (Transaction& -> Result<T>) in repo.write and returns its result; an error rolls back.
template <class F>
auto write_result(Repository& repo, F f) -> decltype(f(std::declval<Transaction&>())) {
  using R = decltype(f(std::declval<Transaction&>()));
  std::optional<R> out;
  auto done = repo.write([&](Transaction& tx) -> Result<void> {
    out.emplace(f(tx));
    if (!out->ok()) return out->error();
    return ok_result();
  });
  if (!done.ok()) return std::move(done).error();
  return std::move(*out);
}

/// Same in repo.read.
template <class F>
auto read_result(Repository& repo, F f) -> decltype(f(std::declval<Transaction&>())) {
  using R = decltype(f(std::declval<Transaction&>()));
  std::optional<R> out;
  auto done = repo.read([&](Transaction& tx) -> Result<void> {
    out.emplace(f(tx));
    if (!out->ok()) return out->error();
    return ok_result();
  });
  if (!done.ok()) return std::move(done).error();
  return std::move(*out);
}

/// Inserts a user (fails the test if it cannot).
inline User add_user(Repository& repo, std::int64_t telegram_id, std::int64_t initial_lamports,
                     std::string username = "", TimePoint now = at(0)) {
  auto user = write_result(repo, [&](Transaction& tx) {
    return tx.insert_user(
        NewUser{TelegramUserId{telegram_id}, username, Role::kBasic, Lamports{initial_lamports}, now});
  });
  EXPECT_TRUE(user.ok()) << why(user);
  return user.ok() ? user.value() : User{};
}

/// A ledger entry moving `amount` to `balance_after`.
inline LedgerEntry entry(UserId user, LedgerKind kind, std::int64_t amount, std::int64_t balance_after, TimePoint t) {
  LedgerEntry e;
  e.user = user;
  e.kind = kind;
  e.amount = Lamports{amount};
  e.balance_after = Lamports{balance_after};
  e.created_at = t;
  return e;
}

/// In one write: lock the wallet and append `amount` on top of its balance.
inline Result<std::int64_t> move_money(Repository& repo, UserId user, std::int64_t amount, TimePoint t) {
  return write_result(repo, [&](Transaction& tx) -> Result<std::int64_t> {
    KT_TRY(auto wallet, tx.lock_wallet(user));
    const auto kind = amount < 0 ? LedgerKind::kOpen : LedgerKind::kClose;
    return tx.append_ledger(entry(user, kind, amount, wallet.balance.value + amount, t));
  });
}

/// An open long position of `user` with every field set to something distinguishable.
inline Position sample_position(UserId user, const Mint& token, TimePoint opened) {
  Position p;
  p.user = user;
  p.mint = token;
  p.symbol = "BONK";
  p.decimals = 5;
  p.side = Side::kLong;
  p.status = PositionStatus::kOpen;
  p.qty_raw = 123'456'789;
  p.initial_qty_raw = 123'456'789;
  p.cost = Lamports{1'000'005'000};
  p.initial_cost = Lamports{1'000'005'000};
  p.entry_notional = Lamports{1'000'000'000};
  p.entry_price = Price::from_ratio(1'000'000'000, 123'456'789).value();
  p.realized_pnl = Lamports{0};
  p.opened_at = opened;
  p.source = "pumpfun";
  p.simulated = false;
  return p;
}

inline void expect_same_position(const Position& a, const Position& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.mint, b.mint);
  EXPECT_EQ(a.symbol, b.symbol);
  EXPECT_EQ(a.decimals, b.decimals);
  EXPECT_EQ(a.side, b.side);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.qty_raw, b.qty_raw);
  EXPECT_EQ(a.initial_qty_raw, b.initial_qty_raw);
  EXPECT_EQ(a.cost, b.cost);
  EXPECT_EQ(a.initial_cost, b.initial_cost);
  EXPECT_EQ(a.entry_notional, b.entry_notional);
  EXPECT_TRUE(a.entry_price == b.entry_price);
  EXPECT_EQ(a.realized_pnl, b.realized_pnl);
  EXPECT_EQ(a.opened_at, b.opened_at);
  EXPECT_EQ(a.closed_at, b.closed_at);
  EXPECT_EQ(a.exit_price.has_value(), b.exit_price.has_value());
  if (a.exit_price && b.exit_price) {
    EXPECT_TRUE(*a.exit_price == *b.exit_price);
  }
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.simulated, b.simulated);
}

}  // namespace kt::storage::contract
