#pragma once
// Group contests: an admin starts one per group chat for N days; each entrant trades a separate
// contest account (its own users row and wallet, all with the same starting balance), ranked by
// ROI of equity when the contest ends. After the end the accounts are frozen but kept.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/records.hpp"
#include "engine/engine_config.hpp"
#include "engine/portfolio.hpp"
#include "storage/repository.hpp"

namespace kt::engine {

inline constexpr int kMinContestDays = 1;
inline constexpr int kMaxContestDays = 90;
inline constexpr Lamports kMinContestBalance = Lamports::from_sol(1);
inline constexpr Lamports kMaxContestBalance = Lamports::from_sol(1'000'000);

/// The account a user trades with in a contest.
struct ContestAccount {
  storage::ContestRecord contest;
  storage::ContestEntryRecord entry;
  User account;  ///< the contest account's users row (role kept equal to the real user's)
  bool frozen = false;
};

/// One line of a ranking. Equity counts open positions at the current (last) price, or at cost
/// when none could be had.
struct ContestStanding {
  storage::ContestEntryRecord entry;
  User user;  ///< the real user
  Lamports equity;
  std::int64_t open_positions = 0;
  bool all_priced = true;
};

/// True while trades are accepted: not stopped and before the end time.
bool contest_running(const storage::ContestRecord& contest, TimePoint now);

/// The key of the outbox row that holds a contest's final ranking (Telegram update ids are positive).
inline std::int64_t announcement_key(std::int64_t contest_id) { return -contest_id; }

/// Refuses (E-CONTEST-ENDED) a trade or order on a contest account whose contest is over; a
/// personal account passes. Called inside the trade's transaction, so a stop commits first or not.
Result<void> check_contest_open(storage::Transaction& tx, UserId account, TimePoint now);
/// The same for an account already read: a real Telegram user (positive id) is never a contest
/// account, so the common case costs no query.
Result<void> check_contest_open(storage::Transaction& tx, const User& account, TimePoint now);

class Contests {
 public:
  Contests(storage::Repository& repository, Portfolio& portfolio, const Clock& clock, EngineConfig config);

  /// Starts a contest in `chat_id` (the caller has checked that `actor` may). `starting`: the
  /// balance of every contest wallet, default the configured initial balance.
  Result<storage::ContestRecord> start(std::int64_t chat_id, const User& actor, int days,
                                       std::optional<Lamports> starting, std::optional<std::int64_t> update_id);
  /// Ends the chat's running contest now (the caller has checked that `actor` may); its final
  /// ranking is then due (finish()).
  Result<storage::ContestRecord> stop(std::int64_t chat_id, const User& actor, std::optional<std::int64_t> update_id);
  /// Enters `user` into the chat's running contest with a fresh contest account.
  Result<ContestAccount> join(std::int64_t chat_id, const User& user, std::optional<std::int64_t> update_id);

  /// The chat's newest contest, running or ended.
  Result<std::optional<storage::ContestRecord>> latest(std::int64_t chat_id);
  /// The contest account `user` trades with in `chat_id`: nullopt when the chat has no contest
  /// running (the personal wallet acts); E-CONTEST-NOT-ENTERED when one runs and `user` is not in it.
  Result<std::optional<ContestAccount>> account_in_chat(std::int64_t chat_id, const User& user);
  /// The contest behind `account` if it is a contest account of `owner`, else nullopt.
  Result<std::optional<ContestAccount>> account_of(UserId account, const User& owner);

  /// The ranking: equity descending (the same starting balance for all makes that ROI order), ties
  /// by earlier entry, then lower user id.
  Result<std::vector<ContestStanding>> standings(const storage::ContestRecord& contest);
  /// Contests whose final ranking is due now.
  Result<std::vector<storage::ContestRecord>> due();
  /// Ends `contest_id` if still running, cancels its accounts' pending orders and runs `record`
  /// (which stores the announcement) in the same transaction. False if it was already announced,
  /// by this or another process: exactly one caller gets true.
  Result<bool> finish(std::int64_t contest_id, const std::function<Result<void>(storage::Transaction&)>& record);

  const EngineConfig& config() const { return config_; }

 private:
  Result<void> sync_role(ContestAccount& found, const User& owner);

  storage::Repository& repository_;
  Portfolio& portfolio_;
  const Clock& clock_;
  EngineConfig config_;
};

}  // namespace kt::engine
