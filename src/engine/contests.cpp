#include "engine/contests.hpp"

#include <algorithm>
#include <string>

#include "engine/trading_engine.hpp"

namespace kt::engine {
namespace {

Error duplicate() { return rejected(kDuplicateUpdate, "this update was already processed"); }

Result<void> claim(storage::Transaction& tx, std::optional<std::int64_t> update_id, UserId user, TimePoint now) {
  if (!update_id) return {};
  KT_TRY(const bool fresh, tx.claim_update(*update_id, user, now));
  if (!fresh) return duplicate();
  return {};
}

Error ended(std::int64_t contest_id) {
  return rejected("E-CONTEST-ENDED", "Contest #" + std::to_string(contest_id) +
                                         " is over: contest wallets are frozen and kept for the record. Trade your "
                                         "personal wallet in a private chat with the bot");
}

// Contest accounts are users rows of their own. Telegram user ids are positive, so a negative id
// derived from (contest, user) never collides with a real user and no Telegram lookup finds it.
TelegramUserId contest_account_telegram_id(std::int64_t contest_id, UserId user) {
  return TelegramUserId{-(contest_id * 4'294'967'296LL + user.value)};
}

Result<User> account_row(storage::Transaction& tx, UserId account) {
  KT_TRY(auto row, tx.find_user(account));
  if (!row) return not_found("E-NO-USER", "The contest wallet is missing");
  return *row;
}

}  // namespace

bool contest_running(const storage::ContestRecord& contest, TimePoint now) {
  return contest.status == "running" && now < contest.ends_at;
}

Result<void> check_contest_open(storage::Transaction& tx, UserId account, TimePoint now) {
  KT_TRY(const auto entry, tx.contest_entry_of_account(account));
  if (!entry) return {};
  KT_TRY(const auto contest, tx.find_contest(entry->contest_id, false));
  if (!contest || !contest_running(*contest, now)) return ended(entry->contest_id);
  return {};
}

Result<void> check_contest_open(storage::Transaction& tx, const User& account, TimePoint now) {
  if (account.telegram_id.value > 0) return {};
  return check_contest_open(tx, account.id, now);
}

Contests::Contests(storage::Repository& repository, Portfolio& portfolio, const Clock& clock, EngineConfig config)
    : repository_(repository), portfolio_(portfolio), clock_(clock), config_(std::move(config)) {}

Result<storage::ContestRecord> Contests::start(std::int64_t chat_id, const User& actor, int days,
                                               std::optional<Lamports> starting,
                                               std::optional<std::int64_t> update_id) {
  if (days < kMinContestDays || days > kMaxContestDays) {
    return rejected("E-CONTEST-DAYS", "A contest lasts from " + std::to_string(kMinContestDays) + " to " +
                                          std::to_string(kMaxContestDays) + " days, e.g. /contest start 7");
  }
  const Lamports balance = starting.value_or(config_.initial_balance);
  if (balance < kMinContestBalance || balance > kMaxContestBalance) {
    return rejected("E-CONTEST-BALANCE", "The starting balance must be between " +
                                             std::to_string(kMinContestBalance.value / kLamportsPerSol) + " and " +
                                             std::to_string(kMaxContestBalance.value / kLamportsPerSol) + " SOL");
  }
  const TimePoint now = clock_.now();
  storage::ContestRecord out;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY_VOID(claim(tx, update_id, actor.id, now));
    KT_TRY(const auto latest, tx.latest_contest(chat_id));
    if (latest && latest->status == "running") {
      return rejected("E-CONTEST-RUNNING", "Contest #" + std::to_string(latest->id) +
                                               " is already running in this group; /contest shows it");
    }
    storage::ContestRecord c;
    c.chat_id = chat_id;
    c.started_by = actor.id;
    c.starting_balance = balance;
    c.started_at = now;
    c.ends_at = now + std::chrono::hours(24) * days;
    KT_TRY(out, tx.insert_contest(c));
    return {};
  }));
  return out;
}

Result<storage::ContestRecord> Contests::stop(std::int64_t chat_id, const User& actor,
                                              std::optional<std::int64_t> update_id) {
  const TimePoint now = clock_.now();
  storage::ContestRecord out;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY_VOID(claim(tx, update_id, actor.id, now));
    KT_TRY(const auto latest, tx.latest_contest(chat_id));
    if (!latest || latest->status != "running")
      return not_found("E-CONTEST-NONE", "No contest is running in this group");
    KT_TRY(const auto locked, tx.find_contest(latest->id, true));
    if (!locked || locked->status != "running")
      return not_found("E-CONTEST-NONE", "No contest is running in this group");
    out = *locked;
    out.status = "ended";
    out.ended_at = std::min(now, out.ends_at);
    KT_TRY_VOID(tx.update_contest(out));
    return {};
  }));
  return out;
}

Result<ContestAccount> Contests::join(std::int64_t chat_id, const User& user, std::optional<std::int64_t> update_id) {
  const TimePoint now = clock_.now();
  ContestAccount out;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY_VOID(claim(tx, update_id, user.id, now));
    KT_TRY(const auto latest, tx.latest_contest(chat_id));
    if (!latest || !contest_running(*latest, now))
      return not_found("E-CONTEST-NONE", "No contest is running in this group");
    KT_TRY(const auto entered, tx.contest_entry(latest->id, user.id));
    if (entered) {
      return rejected("E-CONTEST-JOINED",
                      "You are already in contest #" + std::to_string(latest->id) + "; trade here to compete");
    }
    storage::NewUser account{contest_account_telegram_id(latest->id, user.id), "", user.role, latest->starting_balance,
                             now};
    KT_TRY(out.account, tx.insert_user(account));
    out.contest = *latest;
    out.entry = {latest->id, user.id, out.account.id, now};
    KT_TRY_VOID(tx.insert_contest_entry(out.entry));
    return {};
  }));
  return out;
}

Result<std::optional<storage::ContestRecord>> Contests::latest(std::int64_t chat_id) {
  std::optional<storage::ContestRecord> out;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(out, tx.latest_contest(chat_id));
    return {};
  }));
  return out;
}

Result<void> Contests::sync_role(ContestAccount& found, const User& owner) {
  if (found.account.role == owner.role) return {};
  // The real user's role sets the limits: a promotion or demotion reaches the contest account.
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) { return tx.set_role(found.account.id, owner.role); }));
  found.account.role = owner.role;
  return {};
}

Result<std::optional<ContestAccount>> Contests::account_in_chat(std::int64_t chat_id, const User& user) {
  const TimePoint now = clock_.now();
  std::optional<ContestAccount> out;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(const auto latest, tx.latest_contest(chat_id));
    if (!latest || latest->status != "running") return {};
    KT_TRY(const auto entry, tx.contest_entry(latest->id, user.id));
    if (!entry) {
      if (!contest_running(*latest, now)) return {};
      return rejected("E-CONTEST-NOT-ENTERED", "Contest #" + std::to_string(latest->id) +
                                                   " is running in this group: send /contest join to trade in it, "
                                                   "or use your personal wallet in a private chat with the bot");
    }
    KT_TRY(const User account, account_row(tx, entry->account));
    out = ContestAccount{*latest, *entry, account, !contest_running(*latest, now)};
    return {};
  }));
  if (out) {
    KT_TRY_VOID(sync_role(*out, user));
  }
  return out;
}

Result<std::optional<ContestAccount>> Contests::account_of(UserId account, const User& owner) {
  const TimePoint now = clock_.now();
  std::optional<ContestAccount> out;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(const auto entry, tx.contest_entry_of_account(account));
    if (!entry || entry->user != owner.id) return {};
    KT_TRY(const auto contest, tx.find_contest(entry->contest_id, false));
    if (!contest) return {};
    KT_TRY(const User row, account_row(tx, account));
    out = ContestAccount{*contest, *entry, row, !contest_running(*contest, now)};
    return {};
  }));
  if (out) {
    KT_TRY_VOID(sync_role(*out, owner));
  }
  return out;
}

Result<std::vector<ContestStanding>> Contests::standings(const storage::ContestRecord& contest) {
  std::vector<storage::ContestEntryRecord> entries;
  std::vector<User> users;
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(entries, tx.contest_entries(contest.id));
    for (const auto& e : entries) {
      KT_TRY(const auto u, tx.find_user(e.user));
      users.push_back(u.value_or(User{e.user, TelegramUserId{}, "", Role::kBasic, {}, {}}));
    }
    return {};
  }));
  std::vector<ContestStanding> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    KT_TRY(const WalletSummary summary, portfolio_.summary(entries[i].account));
    out.push_back(
        {entries[i], users[i], summary.equity, static_cast<std::int64_t>(summary.open.size()), summary.all_priced});
  }
  std::sort(out.begin(), out.end(), [](const ContestStanding& a, const ContestStanding& b) {
    if (a.equity != b.equity) return a.equity > b.equity;
    if (a.entry.joined_at != b.entry.joined_at) return a.entry.joined_at < b.entry.joined_at;
    return a.entry.user < b.entry.user;
  });
  return out;
}

Result<std::vector<storage::ContestRecord>> Contests::due() {
  std::vector<storage::ContestRecord> out;
  const TimePoint now = clock_.now();
  KT_TRY_VOID(repository_.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(out, tx.contests_to_finish(now));
    return {};
  }));
  return out;
}

Result<bool> Contests::finish(std::int64_t contest_id,
                              const std::function<Result<void>(storage::Transaction&)>& record) {
  const TimePoint now = clock_.now();
  bool announced_here = false;
  KT_TRY_VOID(repository_.write([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(auto contest, tx.find_contest(contest_id, true));
    if (!contest || contest->announced_at) return {};
    if (contest->status == "running") {
      if (now < contest->ends_at) return {};
      contest->status = "ended";
      contest->ended_at = contest->ends_at;
    }
    // Pending orders of frozen accounts could never fill: cancel them with the end.
    KT_TRY(const auto entries, tx.contest_entries(contest_id));
    for (const auto& entry : entries) {
      KT_TRY(auto orders, tx.orders_of_user(entry.account, true, -1));
      for (auto& order : orders) {
        order.status = OrderStatus::kCancelled;
        order.note = "contest ended";
        order.updated_at = now;
        KT_TRY_VOID(tx.update_order(order));
      }
    }
    contest->announced_at = now;
    KT_TRY_VOID(tx.update_contest(*contest));
    KT_TRY_VOID(record(tx));
    announced_here = true;
    return {};
  }));
  return announced_here;
}

}  // namespace kt::engine
