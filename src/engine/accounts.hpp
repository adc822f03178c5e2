#pragma once
// Users, wallets and roles.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/records.hpp"
#include "engine/engine_config.hpp"
#include "storage/repository.hpp"

namespace kt::engine {

struct Registration {
  User user;
  Wallet wallet;
  bool created = false;  ///< false when the user already existed
};

class Accounts {
 public:
  Accounts(storage::Repository& repository, const Clock& clock, EngineConfig config);

  /// Registers a Telegram user with a fresh wallet, or returns the existing one. Users listed in
  /// telegram.admins become admins. Idempotent per telegram id; `update_id` makes it exactly-once.
  Result<Registration> register_user(TelegramUserId telegram_id, const std::string& username,
                                     std::optional<std::int64_t> update_id);
  /// The user behind a Telegram id, if registered.
  Result<std::optional<User>> find(TelegramUserId telegram_id);
  /// `target` is a numeric Telegram id or @username. Only admins may do this.
  Result<User> set_role(const User& actor, const std::string& target, Role role, std::optional<std::int64_t> update_id);
  /// Users by id, for admins.
  Result<std::vector<std::pair<User, Wallet>>> list_users(const User& actor, int limit);
  Result<std::int64_t> count_users();
  /// Admins credit `amount` to a user's wallet through the ledger (kind grant).
  Result<Wallet> grant(const User& actor, const std::string& target, Lamports amount,
                       std::optional<std::int64_t> update_id);
  /// Starts the user over: pending orders cancelled, open positions forfeited (a liquidation entry
  /// of zero amount each, their cost lost), and the balance set back to the initial balance by a
  /// reset entry. One transaction.
  Result<Wallet> reset(UserId user, std::optional<std::int64_t> update_id);
  /// Resolves "<telegram id>" or "@username" to a registered user.
  static Result<User> find_target(storage::Transaction& tx, const std::string& target);

 private:
  storage::Repository& repository_;
  const Clock& clock_;
  EngineConfig config_;
};

}  // namespace kt::engine
