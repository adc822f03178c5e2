#include "bot/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "bot/html.hpp"
#include "bot/views.hpp"
#include "domain/token_input.hpp"

namespace kt::bot {
namespace {

/// The full error for the operator's log, under `component` (spdlog's default logger if that
/// component has no logger).
void ops_log(const char* component, const Error& error) {
  if (auto log = spdlog::get(component)) {
    log->error("{}: {}", error.code, error.message);
  } else {
    spdlog::error("{}: {}: {}", component, error.code, error.message);
  }
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::vector<Reply> one(Reply r) { return {std::move(r)}; }

/// Commands that act on one wallet: in a group with a running contest, the contest account's.
bool acts_on_wallet(const Command& c) {
  return std::holds_alternative<WalletCommand>(c) || std::holds_alternative<OpenCommand>(c) ||
         std::holds_alternative<CloseCommand>(c) || std::holds_alternative<PositionsCommand>(c) ||
         std::holds_alternative<PositionCommand>(c) || std::holds_alternative<HistoryCommand>(c) ||
         std::holds_alternative<LimitCommand>(c) || std::holds_alternative<ExitOrderCommand>(c) ||
         std::holds_alternative<OrdersCommand>(c) || std::holds_alternative<CancelCommand>(c) ||
         std::holds_alternative<PnlCommand>(c) || std::holds_alternative<DailyCommand>(c) ||
         std::holds_alternative<ChartCommand>(c) || std::holds_alternative<CardCommand>(c) ||
         std::holds_alternative<ResetCommand>(c);
}

/// The position a command names, if any: it is acted on by the wallet that owns it.
std::optional<PositionId> position_of(const Command& c) {
  if (const auto* close = std::get_if<CloseCommand>(&c)) return close->position;
  if (const auto* show = std::get_if<PositionCommand>(&c)) return show->position;
  if (const auto* exit = std::get_if<ExitOrderCommand>(&c)) return exit->position;
  if (const auto* card = std::get_if<CardCommand>(&c)) return card->position;
  return std::nullopt;
}

std::string contest_wallet_label(const engine::ContestAccount& c) {
  return "🏆 <b>Contest #" + std::to_string(c.contest.id) + " wallet</b>" +
         (c.frozen ? " (frozen: the contest is over)" : "") + "\n";
}

}  // namespace

Error user_facing(const Error& error) {
  if (error.code == "E-PRICE-UNAVAILABLE") {
    // Which source failed how (endpoint hosts, HTTP statuses) is for the operator's log; the chat
    // gets what it means for the user: "no price for <token> right now" and that nothing happened.
    ops_log("prices", error);
    const auto cut = error.message.find(" right now");
    if (cut == std::string::npos) return error;
    return Error{error.kind, error.code,
                 error.message.substr(0, cut) +
                     " right now: the price sources are not answering; nothing was changed. Try again in a moment",
                 error.retry_after};
  }
  if (error.code != "E-STORAGE") return error;
  // Storage details (SQL, file paths) are for the operator's log, not for the chat.
  ops_log("storage", error);
  if (error.kind == ErrorKind::kRejected) {
    return rejected(error.code, "That could not be saved; nothing was changed");
  }
  // A COMMIT cut off by a dropped connection (PostgreSQL) may have been applied: saying "nothing
  // was changed" could make the user repeat a trade that happened.
  if (error.message.find("may or may not") != std::string::npos) {
    return Error{error.kind, error.code,
                 "Storage became unavailable while saving; this may or may not have been applied. Check /positions "
                 "and /wallet before trying again",
                 error.retry_after};
  }
  return Error{error.kind, error.code, "Storage is temporarily unavailable; nothing was changed. Try again in a moment",
               error.retry_after};
}

bool claims_inside_engine(const Command& command) {
  return std::holds_alternative<StartCommand>(command) || std::holds_alternative<OpenCommand>(command) ||
         std::holds_alternative<CloseCommand>(command) || std::holds_alternative<SetRoleCommand>(command) ||
         std::holds_alternative<LimitCommand>(command) || std::holds_alternative<ExitOrderCommand>(command) ||
         std::holds_alternative<CancelCommand>(command) || std::holds_alternative<GrantCommand>(command) ||
         std::holds_alternative<ResetCommand>(command) ||
         (std::holds_alternative<ContestCommand>(command) &&
          std::get<ContestCommand>(command).action != ContestCommand::Action::kStatus);
}

Dispatcher::Dispatcher(BotServices services, CommandObserver observer) : s_(services), observer_(std::move(observer)) {}

std::vector<Reply> Dispatcher::handle(const Incoming& in) {
  const auto started = std::chrono::steady_clock::now();
  std::optional<Result<Command>> parsed;
  if (in.callback_data) {
    parsed = parse_callback(*in.callback_data);
  } else if (auto open = in.reply_to_bot_text ? open_from_amount_reply(in.text, *in.reply_to_bot_text) : std::nullopt) {
    parsed = parse_message(*open);
  } else {
    parsed = parse_message(in.text);
  }
  std::vector<Reply> replies;
  std::string_view name = "unparsed";
  std::string outcome = "ok";
  if (!parsed) {
    if (in.chat_kind == ChatKind::kGroup || in.text.empty()) return {};
    parsed = Result<Command>(
        rejected("E-USAGE",
                 "I understand commands such as /price BONK, and token addresses or links. Send /help for the list."));
  }
  Result<std::vector<Reply>> result = rejected("E-INTERNAL", "unhandled");
  // Whether the update id is still to be claimed, with the reply, in one write transaction.
  // Commands that do not claim inside the engine only read (their side effects are idempotent: a
  // group member or token symbol upserted, a token noted as viewed), so they run before the claim;
  // a redelivery discards their fresh answer and gets the stored one.
  bool claim_with_reply = true;
  bool read_only = false;
  Deferred later;
  if (!parsed->ok()) {
    result = parsed->error();
  } else {
    const Command& command = parsed->value();
    name = command_name(command);
    read_only = !claims_inside_engine(command);
    result = execute(command, in, later);
    // A failed engine transaction rolled its claim back: claim now, so the refusal is answered once
    // (and re-sent if lost) like any reply, and so a redelivery refused by a check that runs before
    // the engine's claim ("already closed") is still seen as a duplicate.
    if (!read_only) claim_with_reply = !result.ok() && result.error().code != engine::kDuplicateUpdate;
  }
  if (!result.ok() && result.error().code == engine::kDuplicateUpdate) return resend(in);
  auto render = [&](Result<std::vector<Reply>> outcome_result) {
    std::vector<Reply> out;
    if (outcome_result.ok()) {
      out = std::move(outcome_result).value();
      outcome = "ok";
    } else {
      const Error& error = outcome_result.error();
      outcome = error.code;
      const Error shown = user_facing(error);
      out = one(render_error(shown));
      if (in.callback_query_id) out.front().callback_answer = shown.message.substr(0, 190);
    }
    for (auto& r : out) {
      r.chat_id = in.chat_id;
      if (in.callback_query_id && !r.callback_answer) r.callback_answer = "";
    }
    return out;
  };
  replies = render(std::move(result));
  if (in.update_id && claim_with_reply) {
    auto claimed = claim_and_keep(*in.update_id, replies, later);
    if (claimed.ok() && !*claimed) return resend(in);
    // As when the claim came first: a command that could not be recorded is answered with the
    // storage error (it changed nothing), not with a result a redelivery would compute again.
    if (!claimed.ok() && read_only) replies = render(std::move(claimed).error());
  } else if (in.update_id) {
    if (!replies.empty() && replies.back().update_id == in.update_id) {
      // Stored in the command's own transaction (a trade): only in flight from here.
      std::lock_guard lock(replies_mutex_);
      replies_in_flight_.insert(*in.update_id);
    } else if (!replies.empty()) {
      keep(*in.update_id, replies);
    } else {
      (void)s_.repository.write([&](storage::Transaction& tx) { return tx.mark_reply_sent(*in.update_id); });
    }
  }
  // No claim to ride on (no update id: the console): the deferred writes go on their own.
  if (!(in.update_id && claim_with_reply) && later.remember) remember_token(*later.remember);
  if (observer_) {
    observer_(name, outcome, std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started));
  }
  return replies;
}

Result<User> Dispatcher::require_user(const Incoming& in) {
  KT_TRY(const auto user, s_.accounts.find(TelegramUserId{in.telegram_user_id}));
  if (!user) return not_found("E-NO-USER", "Send /start first to get your paper wallet");
  if (in.chat_kind == ChatKind::kGroup) {
    // Group leaderboards rank the members the bot has seen in the group.
    (void)s_.repository.write(
        [&](storage::Transaction& tx) { return tx.record_group_member(in.chat_id, user->id, s_.clock.now()); });
  }
  return *user;
}

Result<Mint> Dispatcher::resolve_token(const std::string& text) {
  KT_TRY(const TokenRef ref, parse_token_input(text));
  if (ref.mint) return *ref.mint;
  if (auto mint = s_.quotes.resolve_symbol(ref.symbol)) return *mint;
  std::vector<storage::TokenRecord> known;
  KT_TRY_VOID(s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(known, tx.find_tokens_by_symbol(ref.symbol));
    return {};
  }));
  if (known.size() == 1) return known.front().mint;
  if (known.size() > 1) {
    std::string list;
    for (std::size_t i = 0; i < known.size() && i < 5; ++i) list += (i ? ", " : "") + known[i].mint.to_string();
    return rejected("E-AMBIGUOUS", "Several tokens are called " + ref.symbol + " (" + list + "); use the mint address");
  }
  return not_found("E-UNKNOWN-TOKEN", "Unknown symbol " + ref.symbol + ". " + std::string(kTokenInputHint));
}

std::string Dispatcher::symbol_of(const Mint& mint) {
  auto info = s_.quotes.token_info(mint, s_.clock.now());
  return info.ok() ? info->symbol : std::string();
}

std::vector<std::pair<Mint, std::string>> Dispatcher::symbols_of(const std::vector<Mint>& mints) {
  std::vector<std::pair<Mint, std::string>> symbols;
  for (const auto& mint : mints) {
    const bool seen =
        std::any_of(symbols.begin(), symbols.end(), [&](const auto& known) { return known.first == mint; });
    if (!seen) symbols.emplace_back(mint, symbol_of(mint));
  }
  return symbols;
}

void Dispatcher::remember_token(const TokenInfo& info) {
  if (info.symbol.empty()) return;
  // Best effort: a token the bot has seen becomes addressable by its symbol. Usually it is known
  // already: a read transaction finds out without taking the write lock.
  auto current = [&](storage::Transaction& tx) -> Result<bool> {
    KT_TRY(const auto known, tx.find_token(info.mint));
    return known && known->symbol == info.symbol && known->is_active;
  };
  bool known = false;
  auto read = s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    KT_TRY(known, current(tx));
    return {};
  });
  if (read.ok() && known) return;
  (void)s_.repository.write([&](storage::Transaction& tx) { return remember_token_in(tx, info); });
}

Result<void> Dispatcher::remember_token_in(storage::Transaction& tx, const TokenInfo& info) {
  return engine::record_token(tx, token_record(info));
}

storage::TokenRecord Dispatcher::token_record(const TokenInfo& info) const {
  return {info.mint, info.symbol, info.name, info.decimals, true, s_.clock.now()};
}

Result<engine::MarkedPosition> Dispatcher::position_of_wallet(const Acting& acting, PositionId id) {
  const auto& named = acting.position;
  if (named && named->id == id && named->user == acting.user.id) return s_.portfolio.mark(*named, s_.clock.now());
  return s_.portfolio.position(acting.user.id, id);
}

Result<Dispatcher::Acting> Dispatcher::wallet_in_chat(const Incoming& in) {
  KT_TRY(const User user, require_user(in));
  Acting acting{user, std::nullopt};
  if (in.chat_kind != ChatKind::kGroup) return acting;
  KT_TRY(acting.contest, s_.contests.account_in_chat(in.chat_id, user));
  if (acting.contest) acting.user = acting.contest->account;
  return acting;
}

Result<Dispatcher::Acting> Dispatcher::wallet_of_position(const Incoming& in, PositionId id) {
  KT_TRY(const User user, require_user(in));
  std::optional<Position> named;
  KT_TRY_VOID(s_.repository.read([&](storage::Transaction& tx) -> Result<void> {
    auto position = tx.get_position(id);
    if (position.ok()) {
      named = std::move(position).value();
    } else if (position.error().kind != ErrorKind::kNotFound) {
      return std::move(position).error();
    }
    return {};
  }));
  if (named && named->user == user.id) return Acting{user, std::nullopt, std::move(named)};
  if (named) {
    KT_TRY(auto contest, s_.contests.account_of(named->user, user));
    if (contest) return Acting{contest->account, std::move(contest), std::move(named)};
  }
  return wallet_in_chat(in);
}

Result<std::vector<Reply>> Dispatcher::execute(const Command& command, const Incoming& in, Deferred& later) {
  if (!acts_on_wallet(command)) return execute_for(command, in, Acting{}, later);
  Acting acting;
  if (const auto position = position_of(command)) {
    KT_TRY(acting, wallet_of_position(in, *position));
  } else {
    KT_TRY(acting, wallet_in_chat(in));
  }
  if (acting.contest && std::holds_alternative<ResetCommand>(command)) {
    return rejected("E-CONTEST-RESET",
                    "A contest wallet cannot be reset; /reset in a private chat resets your personal wallet");
  }
  KT_TRY(auto replies, execute_for(command, in, acting, later));
  label_wallet(replies, acting);
  return replies;
}

void Dispatcher::label_wallet(std::vector<Reply>& replies, const Acting& acting) {
  if (!acting.contest) return;
  for (auto& r : replies) r.html = contest_wallet_label(*acting.contest) + r.html;
}

Result<std::vector<Reply>> Dispatcher::execute_for(const Command& command, const Incoming& in, const Acting& acting,
                                                   Deferred& later) {
  const User& user = acting.user;  // only for commands that act on a wallet (acts_on_wallet)
  return std::visit(Overloaded{
                        [&](const StartCommand&) -> Result<std::vector<Reply>> {
                          KT_TRY(const auto r, s_.accounts.register_user(TelegramUserId{in.telegram_user_id},
                                                                         in.username, in.update_id));
                          return one(render_welcome(r));
                        },
                        [&](const HelpCommand&) -> Result<std::vector<Reply>> {
                          auto user = s_.accounts.find(TelegramUserId{in.telegram_user_id});
                          const bool admin = user.ok() && *user && (*user)->role == Role::kAdmin;
                          return one(render_help(admin));
                        },
                        [&](const WalletCommand&) -> Result<std::vector<Reply>> {
                          KT_TRY(const auto summary, s_.portfolio.summary(user.id));
                          return one(render_wallet(summary));
                        },
                        [&](const OpenCommand& c) { return do_open(c, in, acting, later); },
                        [&](const CloseCommand& c) { return do_close(c, in, acting); },
                        [&](const PositionsCommand& c) -> Result<std::vector<Reply>> {
                          if (c.closed) {
                            KT_TRY(const auto closed, s_.portfolio.closed_positions(user.id, 20));
                            return one(render_closed_positions(closed));
                          }
                          KT_TRY(const auto open, s_.portfolio.open_positions(user.id));
                          return one(render_positions(open));
                        },
                        [&](const PositionCommand& c) -> Result<std::vector<Reply>> {
                          KT_TRY(const auto marked, position_of_wallet(acting, c.position));
                          Reply r = render_position(marked, s_.clock.now());
                          if (c.refresh && in.message_id) {
                            r.edit_message_id = in.message_id;
                            r.callback_answer = "Refreshed";
                          }
                          return one(std::move(r));
                        },
                        [&](const PriceCommand& c) { return do_price(c.token, false, later); },
                        [&](const InfoCommand& c) { return do_price(c.token, true, later); },
                        [&](const HistoryCommand&) -> Result<std::vector<Reply>> { return do_history(user); },
                        [&](const SetRoleCommand& c) -> Result<std::vector<Reply>> {
                          KT_TRY(const User actor, require_user(in));
                          KT_TRY(const User target, s_.accounts.set_role(actor, c.target, c.role, in.update_id));
                          return one(render_role_set(target));
                        },
                        [&](const UsersCommand&) -> Result<std::vector<Reply>> {
                          KT_TRY(const User actor, require_user(in));
                          KT_TRY(const auto users, s_.accounts.list_users(actor, 50));
                          KT_TRY(const auto total, s_.accounts.count_users());
                          return one(render_users(users, total));
                        },
                        [&](const LimitCommand& c) { return do_limit(c, in, user); },
                        [&](const ExitOrderCommand& c) { return do_exit_order(c, in, user); },
                        [&](const OrdersCommand&) -> Result<std::vector<Reply>> { return do_orders(user); },
                        [&](const CancelCommand& c) -> Result<std::vector<Reply>> {
                          KT_TRY(const Order order, s_.orders.cancel(user.id, c.order, in.update_id));
                          return one(render_order_cancelled(order));
                        },
                        [&](const PnlCommand& c) { return do_pnl(c, user); },
                        [&](const DailyCommand& c) { return do_daily(c, user); },
                        [&](const TaCommand& c) { return do_ta(c); },
                        [&](const ChartCommand& c) { return do_chart(c, user); },
                        [&](const CardCommand& c) { return do_card(c, user); },
                        [&](const StatsCommand&) -> Result<std::vector<Reply>> {
                          KT_TRY(const User actor, require_user(in));
                          return do_stats(actor);
                        },
                        [&](const GrantCommand& c) -> Result<std::vector<Reply>> {
                          KT_TRY(const User actor, require_user(in));
                          KT_TRY(const Wallet w, s_.accounts.grant(actor, c.target, c.amount, in.update_id));
                          Reply r;
                          r.html = "Granted " + format_sol(c.amount) + " SOL to " + escape_html(c.target) +
                                   ". Their balance: " + format_sol(w.balance) + " SOL.";
                          return one(std::move(r));
                        },
                        [&](const ResetCommand& c) { return do_reset(c, in, user); },
                        [&](const ContestCommand& c) { return do_contest(c, in); },
                        [&](const TopCommand& c) -> Result<std::vector<Reply>> {
                          KT_TRY_VOID(require_user(in));
                          return do_top(c, in);
                        },
                        [&](const AskAmountCommand& c) -> Result<std::vector<Reply>> {
                          // The client opens a reply to this prompt; a bare amount sent as that
                          // reply is read as "/open <token> <amount>" (open_from_amount_reply).
                          Reply r;
                          r.html = std::string(kAmountPrompt) +
                                   " Reply to this message with an amount, e.g. <code>2</code>, or send <code>/open " +
                                   c.token + " &lt;amount&gt;</code>";
                          r.force_reply = "Amount in SOL, e.g. 2";
                          return one(std::move(r));
                        },
                    },
                    command);
}

Result<std::vector<Reply>> Dispatcher::do_open(const OpenCommand& c, const Incoming& in, const Acting& acting,
                                               Deferred& later) {
  KT_TRY(const Mint mint, resolve_token(c.token));
  auto info = s_.quotes.token_info(mint, s_.clock.now());
  auto symbol = [&](const engine::PositionOpened& opened) { return info.ok() ? info->symbol : opened.position.symbol; };
  bool stored = false;
  // The token's symbol is recorded in the trade's transaction, and the user read for the wallet
  // spares the engine its early read: one read transaction less each.
  engine::OpenPosition open{acting.user.id, mint, c.size, c.side, in.update_id, acting.user};
  if (info.ok()) open.token = token_record(*info);
  auto opened =
      s_.trading.open_position(open, [&](storage::Transaction& tx, const engine::PositionOpened& o) -> Result<void> {
        KT_TRY(stored, store_with_trade(tx, in, acting, render_opened(o, symbol(o))));
        return {};
      });
  if (!opened.ok()) {
    // Refused (or a duplicate): the symbol goes with the refusal's claim instead.
    if (info.ok()) later.remember = *info;
    return std::move(opened).error();
  }
  Reply r = render_opened(*opened, symbol(*opened));
  if (in.callback_query_id) r.callback_answer = "Opened #" + std::to_string(opened->position.id.value);
  if (stored) r.update_id = in.update_id;  // committed with the trade: handle() stores nothing more
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_close(const CloseCommand& c, const Incoming& in, const Acting& acting) {
  bool stored = false;
  KT_TRY(const auto closed,
         s_.trading.close_position({acting.user.id, c.position, c.percent, in.update_id, acting.position},
                                   [&](storage::Transaction& tx, const engine::PositionClosed& done) -> Result<void> {
                                     // A token without a stored symbol is named by a price source: no network call
                                     // inside the transaction, so that reply is stored after the commit as before.
                                     if (done.position.symbol.empty()) return {};
                                     KT_TRY(stored, store_with_trade(tx, in, acting,
                                                                     render_closed(done, done.position.symbol)));
                                     return {};
                                   }));
  const std::string symbol = closed.position.symbol.empty() ? symbol_of(closed.position.mint) : closed.position.symbol;
  Reply r = render_closed(closed, symbol);
  if (in.callback_query_id)
    r.callback_answer = "Closed " + std::to_string(c.percent) + "% of #" + std::to_string(c.position.value);
  if (stored) r.update_id = in.update_id;
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_price(const std::string& token, bool card, Deferred& later) {
  KT_TRY(const Mint mint, resolve_token(token));
  const TimePoint now = s_.clock.now();
  if (view_listener_) view_listener_(mint, now);
  auto quote = s_.quotes.quote(mint, now);
  auto info = s_.quotes.token_info(mint, now);
  if (info.ok()) later.remember = *info;  // recorded with the claim
  if (!card) {
    if (!quote.ok()) return std::move(quote).error();
    return one(render_price(*quote, info.ok() ? std::optional<TokenInfo>(*info) : std::nullopt, now));
  }
  if (!info.ok() && !quote.ok()) return std::move(quote).error();
  TokenInfo shown = info.ok() ? *info : TokenInfo{};
  if (!info.ok()) {
    shown.mint = mint;
    shown.decimals = quote->decimals;
  }
  return one(render_token_card(shown, quote.ok() ? std::optional<Quote>(*quote) : std::nullopt, now, true));
}

Result<std::vector<Reply>> Dispatcher::do_limit(const LimitCommand& c, const Incoming& in, const User& user) {
  KT_TRY(const Mint mint, resolve_token(c.token));
  const TimePoint now = s_.clock.now();
  KT_TRY(const Quote quote, s_.quotes.quote(mint, now));
  KT_TRY(const Price trigger, Price::parse_user(c.price, quote.decimals));
  if (auto info = s_.quotes.token_info(mint, now); info.ok()) remember_token(*info);
  std::optional<TimePoint> expires;
  if (c.expires_in) expires = now + *c.expires_in;
  KT_TRY(const Order order, s_.orders.place_limit_buy({user.id, mint, c.size, trigger, expires, in.update_id}));
  return one(render_order_placed(order, symbol_of(mint), s_.quotes.simulated()));
}

Result<std::vector<Reply>> Dispatcher::do_exit_order(const ExitOrderCommand& c, const Incoming& in, const User& user) {
  const TimePoint now = s_.clock.now();
  engine::PlaceExitOrder place{user.id,     c.position,   c.kind,      {std::nullopt, c.trigger.move_bps},
                               c.trail_bps, std::nullopt, in.update_id};
  if (c.expires_in) place.expires_at = now + *c.expires_in;
  KT_TRY(const auto marked, s_.portfolio.position(user.id, c.position));
  if (!c.trigger.price.empty()) {
    KT_TRY(place.trigger.price, Price::parse_user(c.trigger.price, marked.position.decimals));
  }
  KT_TRY(const Order order, s_.orders.place_exit(place));
  Reply r = render_order_placed(order, marked.position.symbol.empty() ? symbol_of(order.mint) : marked.position.symbol,
                                marked.position.simulated || s_.quotes.simulated());
  if (in.callback_query_id) r.callback_answer = "Order " + std::to_string(order.id.value) + " set";
  return one(std::move(r));
}

Result<std::vector<Reply>> Dispatcher::do_orders(const User& user) {
  KT_TRY(const auto orders, s_.orders.list(user.id, true));
  std::vector<Mint> mints;
  for (const auto& o : orders) mints.push_back(o.mint);
  return one(render_orders(orders, symbols_of(mints), s_.quotes.simulated()));
}

Result<std::vector<Reply>> Dispatcher::do_history(const User& user) {
  KT_TRY(const auto entries, s_.portfolio.history(user.id, 20));
  std::vector<Mint> mints;
  for (const auto& e : entries) {
    if (e.mint) mints.push_back(*e.mint);
  }
  return one(render_history(entries, symbols_of(mints)));
}

}  // namespace kt::bot
