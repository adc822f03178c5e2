// Group contests in the Dispatcher: /contest (status and ranking), /contest start|join|stop, and
// the final ranking posted when a contest ends.
#include <ctime>

#include <fmt/format.h>

#include "bot/dispatcher.hpp"
#include "bot/html.hpp"
#include "bot/reply_codec.hpp"
#include "bot/views.hpp"

namespace kt::bot {
namespace {

std::vector<Reply> one(Reply r) { return {std::move(r)}; }

std::string utc_text(TimePoint t) {
  const std::time_t seconds = static_cast<std::time_t>(to_unix_millis(t) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min);
}

std::string member_name(const User& user) {
  return escape_html(user.username.empty() ? "user " + std::to_string(user.telegram_id.value) : "@" + user.username);
}

std::string days_text(const storage::ContestRecord& c) {
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(c.ends_at - c.started_at).count();
  const auto days = hours / 24;
  return std::to_string(days) + (days == 1 ? " day" : " days");
}

}  // namespace

Result<void> Dispatcher::check_contest_admin(const Incoming& in, const User& user) {
  if (user.role == Role::kAdmin) return {};  // the bot's own admins may run contests anywhere
  if (chat_admins_ == nullptr) {
    return rejected("E-CONTEST-NOT-ADMIN", "Only an admin of this group can start or stop a contest");
  }
  auto admin = chat_admins_->is_chat_admin(in.chat_id, in.telegram_user_id);
  if (!admin.ok()) {
    return retryable("E-CONTEST-ADMIN-CHECK",
                     "Could not ask Telegram whether you are an admin of this group; nothing was changed. Try again "
                     "in a moment",
                     std::chrono::seconds(5));
  }
  if (!*admin) return rejected("E-CONTEST-NOT-ADMIN", "Only an admin of this group can start or stop a contest");
  return {};
}

Result<Reply> Dispatcher::render_standings(const storage::ContestRecord& c, bool final_ranking) {
  KT_TRY(const auto standings, s_.contests.standings(c));
  const TimePoint now = s_.clock.now();
  const bool running = engine::contest_running(c, now);
  Reply r;
  if (final_ranking) {
    r.html = fmt::format("🏁 <b>Contest #{} · final ranking</b>\n", c.id);
  } else if (running) {
    r.html = fmt::format("🏆 <b>Contest #{} · running</b>, ends {}\n", c.id, utc_text(c.ends_at));
  } else {
    r.html = fmt::format("🏁 <b>Contest #{} · ended</b> {}\n", c.id, utc_text(c.ended_at.value_or(c.ends_at)));
  }
  r.html +=
      fmt::format("Started {} · {} · {} SOL each · {} {}\n", utc_text(c.started_at), days_text(c),
                  format_sol(c.starting_balance), standings.size(), standings.size() == 1 ? "entrant" : "entrants");
  if (standings.empty()) {
    r.html += running ? "Nobody has entered yet: /contest join" : "Nobody entered.";
    return r;
  }
  bool open_positions = false;
  bool unpriced = false;
  for (std::size_t i = 0; i < standings.size() && i < 20; ++i) {
    const auto& s = standings[i];
    r.html += fmt::format("{}. {} {} ({} SOL)\n", i + 1, member_name(s.user),
                          format_pct(s.equity - c.starting_balance, c.starting_balance), format_sol(s.equity));
    open_positions = open_positions || s.open_positions > 0;
    unpriced = unpriced || !s.all_priced;
  }
  if (standings.size() > 20) r.html += fmt::format("… and {} more\n", standings.size() - 20);
  r.html += "Ranked by ROI of equity against the starting balance; ties go to the earlier entrant.";
  if (open_positions) {
    r.html += final_ranking ? " Open positions are valued at the last price when the contest ended"
                            : " Open positions are valued at the current price";
    r.html += unpriced ? " (at cost where no price could be had)." : ".";
  }
  if (running) r.html += "\nTrade in this group with /open to compete; /contest join to enter.";
  return r;
}

Result<std::vector<Reply>> Dispatcher::do_contest(const ContestCommand& c, const Incoming& in) {
  if (in.chat_kind != ChatKind::kGroup) {
    return rejected("E-CONTEST-GROUP-ONLY",
                    "Contests run in group chats: add the bot to a group and use /contest there");
  }
  KT_TRY(const User user, require_user(in));
  using Action = ContestCommand::Action;
  switch (c.action) {
    case Action::kStatus: {
      KT_TRY(const auto latest, s_.contests.latest(in.chat_id));
      if (!latest) {
        Reply r;
        r.html =
            "No contest in this group yet. A group admin starts one with <code>/contest start &lt;days&gt; "
            "[sol]</code>, e.g. <code>/contest start 7</code>.";
        return one(std::move(r));
      }
      KT_TRY(Reply r, render_standings(*latest, false));
      return one(std::move(r));
    }
    case Action::kStart: {
      KT_TRY_VOID(check_contest_admin(in, user));
      KT_TRY(const auto contest, s_.contests.start(in.chat_id, user, c.days, c.starting, in.update_id));
      Reply r;
      r.html = fmt::format(
          "🏆 <b>Contest #{} started</b> by {}: {} with {} SOL each, until {}.\nSend <code>/contest join</code> to "
          "enter. Entrants trade a separate contest wallet when they use /open, /close, /positions, /wallet and "
          "orders in this group; their personal wallets are untouched. /contest shows the ranking.",
          contest.id, member_name(user), days_text(contest), format_sol(contest.starting_balance),
          utc_text(contest.ends_at));
      return one(std::move(r));
    }
    case Action::kJoin: {
      KT_TRY(const auto account, s_.contests.join(in.chat_id, user, in.update_id));
      Reply r;
      r.html = fmt::format(
          "🏆 {} joined contest #{} with a fresh contest wallet of {} SOL. In this group your trades now use it; "
          "in a private chat with the bot you trade your personal wallet.",
          member_name(user), account.contest.id, format_sol(account.contest.starting_balance));
      return one(std::move(r));
    }
    case Action::kStop: {
      KT_TRY_VOID(check_contest_admin(in, user));
      KT_TRY(const auto contest, s_.contests.stop(in.chat_id, user, in.update_id));
      if (contest_stopped_) contest_stopped_();
      Reply r;
      r.html = fmt::format("🏁 Contest #{} stopped by {}. Contest wallets are frozen; the final ranking follows.",
                           contest.id, member_name(user));
      return one(std::move(r));
    }
  }
  return rejected("E-USAGE", "Unknown contest action");
}

std::vector<Reply> Dispatcher::finish_due_contests() {
  std::vector<Reply> out;
  auto due = s_.contests.due();
  if (!due.ok()) {
    (void)user_facing(due.error());  // logs the storage failure; the next check tries again
    return out;
  }
  for (const auto& contest : *due) {
    // Ranked before the finishing transaction: once the end time passed no trade can change it.
    auto ranking = render_standings(contest, true);
    if (!ranking.ok()) continue;
    Reply reply = std::move(ranking).value();
    reply.chat_id = contest.chat_id;
    const std::int64_t key = engine::announcement_key(contest.id);
    // The ranking is stored in the reply outbox under its own key, in the transaction that ends the
    // contest: one process wins, and a crash before the send re-sends it at the next start.
    auto finished = s_.contests.finish(contest.id, [&](storage::Transaction& tx) -> Result<void> {
      KT_TRY(const bool fresh, tx.claim_update(key, std::nullopt, s_.clock.now()));
      if (!fresh) return rejected(engine::kDuplicateUpdate, "already announced");
      return tx.store_reply(key, encode_replies({reply}));
    });
    if (!finished.ok() || !*finished) continue;
    {
      std::lock_guard lock(replies_mutex_);
      replies_in_flight_.insert(key);
    }
    reply.update_id = key;
    out.push_back(std::move(reply));
  }
  return out;
}

}  // namespace kt::bot
