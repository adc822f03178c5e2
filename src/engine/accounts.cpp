#include "engine/accounts.hpp"

#include <algorithm>
#include <charconv>

namespace kt::engine {

Accounts::Accounts(storage::Repository& repository, const Clock& clock, EngineConfig config)
    : repository_(repository), clock_(clock), config_(std::move(config)) {}

Result<Registration> Accounts::register_user(TelegramUserId telegram_id, const std::string& username,
                                             std::optional<std::int64_t> update_id) {
  const TimePoint now = clock_.now();
  const bool admin = std::find(config_.admin_telegram_ids.begin(), config_.admin_telegram_ids.end(),
                               telegram_id.value) != config_.admin_telegram_ids.end();
  Registration out;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    if (update_id) {
      KT_TRY(const bool fresh, tx.claim_update(*update_id, std::nullopt, now));
      if (!fresh) return rejected("E-DUPLICATE", "this update was already processed");
    }
    KT_TRY(auto existing, tx.find_user_by_telegram_id(telegram_id));
    if (existing) {
      KT_TRY_VOID(tx.touch_user(existing->id, username, now));
      if (admin && existing->role != Role::kAdmin) {
        KT_TRY_VOID(tx.set_role(existing->id, Role::kAdmin));
        existing->role = Role::kAdmin;
      }
      out.user = *existing;
      KT_TRY(out.wallet, tx.get_wallet(existing->id));
      return {};
    }
    storage::NewUser fresh{telegram_id, username, admin ? Role::kAdmin : Role::kBasic, config_.initial_balance, now};
    KT_TRY(out.user, tx.insert_user(fresh));
    KT_TRY(out.wallet, tx.get_wallet(out.user.id));
    out.created = true;
    return {};
  }));
  return out;
}

Result<std::optional<User>> Accounts::find(TelegramUserId telegram_id) {
  std::optional<User> user;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(user, tx.find_user_by_telegram_id(telegram_id));
    return {};
  }));
  return user;
}

Result<User> Accounts::set_role(const User& actor, const std::string& target, Role role,
                                std::optional<std::int64_t> update_id) {
  if (actor.role != Role::kAdmin) return rejected("E-NOT-ALLOWED", "Not allowed: only admins can change roles");
  std::optional<User> found;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    if (update_id) {
      KT_TRY(const bool fresh, tx.claim_update(*update_id, actor.id, clock_.now()));
      if (!fresh) return rejected("E-DUPLICATE", "this update was already processed");
    }
    KT_TRY(found, find_target(tx, target));
    KT_TRY_VOID(tx.set_role(found->id, role));
    found->role = role;
    return {};
  }));
  return *found;
}

Result<User> Accounts::find_target(storage::Transaction& tx, const std::string& target) {
  std::optional<User> found;
  if (!target.empty() && target.front() == '@') {
    KT_TRY(found, tx.find_user_by_username(target.substr(1)));
  } else {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(target.data(), target.data() + target.size(), id);
    // Telegram user ids are positive; negative ones are contest accounts, which no admin command targets.
    if (ec != std::errc() || end != target.data() + target.size() || id <= 0) {
      return rejected("E-ARGS", "Give the user as a numeric Telegram id or @username, e.g. @alice");
    }
    KT_TRY(found, tx.find_user_by_telegram_id(TelegramUserId{id}));
  }
  if (!found)
    return not_found("E-NO-USER", "No registered user " + target.substr(0, 40) + " (they must send /start first)");
  return *found;
}

Result<Wallet> Accounts::grant(const User& actor, const std::string& target, Lamports amount,
                               std::optional<std::int64_t> update_id) {
  if (actor.role != Role::kAdmin) return rejected("E-NOT-ALLOWED", "Not allowed: only admins can grant SOL");
  if (amount.value <= 0) return rejected("E-ARGS", "The amount to grant must be positive");
  Wallet out;
  const TimePoint now = clock_.now();
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    if (update_id) {
      KT_TRY(const bool fresh, tx.claim_update(*update_id, actor.id, now));
      if (!fresh) return rejected("E-DUPLICATE", "this update was already processed");
    }
    KT_TRY(const User user, find_target(tx, target));
    KT_TRY(out, tx.lock_wallet(user.id));
    LedgerEntry entry;
    entry.user = user.id;
    entry.kind = LedgerKind::kGrant;
    entry.amount = amount;
    entry.balance_after = out.balance + amount;
    entry.update_id = update_id;
    entry.created_at = now;
    entry.note = "granted by " + std::to_string(actor.telegram_id.value);
    KT_TRY_VOID(tx.append_ledger(entry));
    out.balance = entry.balance_after;
    return {};
  }));
  return out;
}

Result<Wallet> Accounts::reset(UserId user, std::optional<std::int64_t> update_id) {
  Wallet out;
  const TimePoint now = clock_.now();
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    if (update_id) {
      KT_TRY(const bool fresh, tx.claim_update(*update_id, user, now));
      if (!fresh) return rejected("E-DUPLICATE", "this update was already processed");
    }
    KT_TRY(const auto contest_entry, tx.contest_entry_of_account(user));
    if (contest_entry) {
      // Every entrant starts with the same balance; a reset would be a second chance.
      return rejected("E-CONTEST-RESET",
                      "A contest wallet cannot be reset; /reset in a private chat resets your "
                      "personal wallet");
    }
    KT_TRY(out, tx.lock_wallet(user));
    KT_TRY(auto orders, tx.orders_of_user(user, true, -1));
    for (auto& order : orders) {
      order.status = OrderStatus::kCancelled;
      order.note = "wallet reset";
      order.updated_at = now;
      KT_TRY_VOID(tx.update_order(order));
    }
    KT_TRY(auto positions, tx.open_positions(user));
    for (auto& p : positions) {
      LedgerEntry forfeit;
      forfeit.user = user;
      forfeit.kind = LedgerKind::kLiquidation;
      forfeit.amount = Lamports{0};
      forfeit.balance_after = out.balance;
      forfeit.position = p.id;
      forfeit.mint = p.mint;
      forfeit.qty_raw = p.qty_raw;
      forfeit.pnl = -p.cost;
      forfeit.created_at = now;
      forfeit.note = "forfeited by /reset";
      KT_TRY_VOID(tx.append_ledger(forfeit));
      p.realized_pnl -= p.cost;
      p.cost = Lamports{0};
      p.entry_notional = Lamports{0};
      p.qty_raw = 0;
      p.status = PositionStatus::kClosed;
      p.closed_at = now;
      KT_TRY_VOID(tx.update_position(p));
    }
    LedgerEntry entry;
    entry.user = user;
    entry.kind = LedgerKind::kReset;
    entry.amount = config_.initial_balance - out.balance;
    entry.balance_after = config_.initial_balance;
    entry.update_id = update_id;
    entry.created_at = now;
    entry.note = "wallet reset";
    KT_TRY_VOID(tx.append_ledger(entry));
    out.balance = entry.balance_after;
    return {};
  }));
  return out;
}

Result<std::vector<std::pair<User, Wallet>>> Accounts::list_users(const User& actor, int limit) {
  if (actor.role != Role::kAdmin) return rejected("E-NOT-ALLOWED", "Not allowed: only admins can list users");
  std::vector<std::pair<User, Wallet>> out;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(const auto users, tx.list_users(0, limit));
    for (const auto& u : users) {
      KT_TRY(const Wallet w, tx.get_wallet(u.id));
      out.emplace_back(u, w);
    }
    return {};
  }));
  return out;
}

Result<std::int64_t> Accounts::count_users() {
  std::int64_t n = 0;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(n, tx.count_users());
    return {};
  }));
  return n;
}

}  // namespace kt::engine
