#pragma once
// Turns what a user sent into engine calls and replies. Front-end neutral and thread-safe: the
// Telegram workers call it concurrently (one user's messages in order), the console serially.
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "analytics/indicators.hpp"
#include "analytics/pnl_stats.hpp"
#include "bot/chat_admins.hpp"
#include "bot/commands.hpp"
#include "bot/conversation.hpp"
#include "core/clock.hpp"
#include "engine/accounts.hpp"
#include "engine/contests.hpp"
#include "engine/order_book.hpp"
#include "engine/portfolio.hpp"
#include "engine/ports.hpp"
#include "engine/trading_engine.hpp"
#include "storage/repository.hpp"

namespace kt::bot {

struct BotServices {
  storage::Repository& repository;
  engine::Accounts& accounts;
  engine::TradingEngine& trading;
  engine::Portfolio& portfolio;
  engine::OrderBook& orders;
  engine::Contests& contests;
  engine::QuoteProvider& quotes;
  const Clock& clock;
};

/// Called once per handled command with its name, outcome code ("ok" or an error code) and
/// duration, for metrics and logs.
using CommandObserver = std::function<void(std::string_view name, std::string_view outcome, Millis duration)>;

class Dispatcher {
 public:
  explicit Dispatcher(BotServices services, CommandObserver observer = {});

  /// Replaces the observer; call while wiring, before the first handle().
  void set_observer(CommandObserver observer) { observer_ = std::move(observer); }
  /// Told about every token a user looks at (/price, /info, a pasted link): the tracker follows it.
  void set_view_listener(std::function<void(const Mint&, TimePoint)> listener) { view_listener_ = std::move(listener); }
  /// One line on the price sources' freshness for /stats.
  void set_price_freshness(std::function<std::string()> describe) { price_freshness_ = std::move(describe); }

  /// Asks whether a user is an admin of a group (for /contest start and stop); without it only
  /// the bot's own admins may. Not owned; call while wiring.
  void set_chat_admins(ChatAdmins* admins) { chat_admins_ = admins; }
  /// Told when an admin stops a contest, so the final ranking goes out without waiting for the
  /// next scheduled check (see finish_due_contests).
  void set_contest_stopped_listener(std::function<void()> listener) { contest_stopped_ = std::move(listener); }

  /// Finishes every contest whose end time passed or that was stopped: ends it, freezes its
  /// accounts and returns its final ranking for the group (chat_id set, update_id = the
  /// announcement's outbox key, to report with reply_delivered). Each contest is announced once,
  /// even when several processes call this. Long-running modes call it on a timer.
  std::vector<Reply> finish_due_contests();

  /// Handles one message or button press. The replies of an update are stored with it (the last
  /// one carries `update_id`) until reply_delivered(); an update already processed yields its
  /// stored reply again if that was never delivered and not re-sent in this process, else nothing.
  std::vector<Reply> handle(const Incoming& incoming);

  /// Telegram accepted the reply of `update_id` (or refused it for good): it is not re-sent.
  void reply_delivered(std::int64_t update_id);
  /// reply_delivered for several updates, marked in one write transaction (see DeliveryBatcher).
  void replies_delivered(std::span<const std::int64_t> update_ids);
  /// Stored replies never delivered (a crash came first), oldest first, at most `limit`, minus
  /// those already sent or re-sent by this process; each is counted as re-sent.
  std::vector<Reply> undelivered_replies(int limit);

  /// Mint of a token typed by a user: address, link, or a symbol known to a source or the store.
  Result<Mint> resolve_token(const std::string& text);

 private:
  /// Which wallet a command acts on: the user's own, or a contest account.
  struct Acting {
    User user;
    std::optional<engine::ContestAccount> contest;
    /// The position the command names, as read when choosing the wallet (the engine and the
    /// position views use it instead of reading it again).
    std::optional<Position> position = std::nullopt;
  };
  /// Writes a command leaves for the write transaction that claims its update (one transaction
  /// instead of a read and maybe a write of their own).
  struct Deferred {
    std::optional<TokenInfo> remember;  ///< a token looked at: its symbol recorded (remember_token)
  };

  Result<std::vector<Reply>> execute(const Command& command, const Incoming& in, Deferred& later);
  Result<std::vector<Reply>> execute_for(const Command& command, const Incoming& in, const Acting& acting,
                                         Deferred& later);
  /// The wallet of a command sent in `in`'s chat: in a group with a running contest, the user's
  /// contest account (E-CONTEST-NOT-ENTERED if not entered); otherwise the personal wallet.
  Result<Acting> wallet_in_chat(const Incoming& in);
  /// The wallet that owns position `id` if it is the user's own or one of their contest
  /// accounts, else wallet_in_chat (which then finds no such position).
  Result<Acting> wallet_of_position(const Incoming& in, PositionId id);
  Result<User> require_user(const Incoming& in);
  /// Claims `update_id` and, in the same write transaction, stores `replies` as its undelivered
  /// reply (none: marks it sent) and does the `later` writes. False if it was claimed before:
  /// nothing is stored or written. On success the last reply carries `update_id`.
  Result<bool> claim_and_keep(std::int64_t update_id, std::vector<Reply>& replies, const Deferred& later);
  /// The stored, undelivered reply of a duplicate update (or, if a crash came before it was
  /// stored, a note that the command was applied), at most once per process.
  std::vector<Reply> resend(const Incoming& in);
  /// Stores `replies` as the undelivered reply of `update_id` (best effort).
  void keep(std::int64_t update_id, std::vector<Reply>& replies);
  std::string symbol_of(const Mint& mint);
  /// Each distinct mint once, with its symbol (for lists that name many tokens).
  std::vector<std::pair<Mint, std::string>> symbols_of(const std::vector<Mint>& mints);
  void remember_token(const TokenInfo& info);
  /// remember_token inside the caller's write transaction.
  Result<void> remember_token_in(storage::Transaction& tx, const TokenInfo& info);
  storage::TokenRecord token_record(const TokenInfo& info) const;
  /// The named position of `acting` marked, or position `id` of its wallet read and marked.
  Result<engine::MarkedPosition> position_of_wallet(const Acting& acting, PositionId id);

  /// Prefixes each reply with the contest wallet's label when the command acted on one.
  static void label_wallet(std::vector<Reply>& replies, const Acting& acting);
  /// Stores `reply`, as handle() will send it, as the undelivered reply of `in`'s update inside the
  /// trade's own transaction (one write transaction less per trade); false without an update id.
  Result<bool> store_with_trade(storage::Transaction& tx, const Incoming& in, const Acting& acting, Reply reply);

  Result<std::vector<Reply>> do_open(const OpenCommand& c, const Incoming& in, const Acting& acting, Deferred& later);
  Result<std::vector<Reply>> do_close(const CloseCommand& c, const Incoming& in, const Acting& acting);
  Result<std::vector<Reply>> do_price(const std::string& token, bool card, Deferred& later);
  Result<std::vector<Reply>> do_history(const User& user);
  Result<std::vector<Reply>> do_limit(const LimitCommand& c, const Incoming& in, const User& user);
  Result<std::vector<Reply>> do_exit_order(const ExitOrderCommand& c, const Incoming& in, const User& user);
  Result<std::vector<Reply>> do_orders(const User& user);
  // insights.cpp
  Result<analytics::AccountSnapshot> snapshot(UserId user);
  Result<std::vector<analytics::PricePoint>> price_series(const Mint& mint, TimePoint from, TimePoint to);
  std::optional<double> sol_usd();
  Result<std::vector<Reply>> do_pnl(const PnlCommand& c, const User& user);
  Result<std::vector<Reply>> do_daily(const DailyCommand& c, const User& user);
  Result<std::vector<Reply>> do_ta(const TaCommand& c);
  Result<std::vector<Reply>> do_chart(const ChartCommand& c, const User& user);
  Result<std::vector<Reply>> do_card(const CardCommand& c, const User& user);
  Result<std::vector<Reply>> do_stats(const User& actor);
  Result<std::vector<Reply>> do_reset(const ResetCommand& c, const Incoming& in, const User& user);
  Result<std::vector<Reply>> do_top(const TopCommand& c, const Incoming& in);
  // contest_commands.cpp
  Result<std::vector<Reply>> do_contest(const ContestCommand& c, const Incoming& in);
  Result<void> check_contest_admin(const Incoming& in, const User& user);
  Result<Reply> render_standings(const storage::ContestRecord& contest, bool final_ranking);

  BotServices s_;
  CommandObserver observer_;
  std::function<void(const Mint&, TimePoint)> view_listener_;
  std::function<std::string()> price_freshness_;
  ChatAdmins* chat_admins_ = nullptr;
  std::function<void()> contest_stopped_;
  std::mutex replies_mutex_;
  /// Update ids whose stored reply this process queued and Telegram has not yet accepted: a
  /// redelivery or the start-up scan must not queue it a second time.
  std::set<std::int64_t> replies_in_flight_;
};

/// The error as a user sees it: storage failures become a short "nothing was changed" sentence
/// (their details go to the log).
Error user_facing(const Error& error);

/// True for commands whose engine call stores the update id itself (in the same transaction as
/// the effect); for the others the dispatcher claims it first.
bool claims_inside_engine(const Command& command);

}  // namespace kt::bot
