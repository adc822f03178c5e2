#pragma once
// The command grammar: text and button data → typed, validated commands.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "domain/enums.hpp"
#include "domain/ids.hpp"
#include "domain/money.hpp"
#include "domain/order.hpp"

namespace kt::bot {

struct StartCommand {};
struct HelpCommand {};
struct WalletCommand {};
struct OpenCommand {
  std::string token;  ///< as typed: mint, link or symbol
  Lamports size;
  Side side = Side::kLong;
};
struct CloseCommand {
  PositionId position;
  int percent = 100;
};
struct PositionsCommand {
  bool closed = false;
};
struct PositionCommand {  ///< one position's card (the /positions and Refresh buttons)
  PositionId position;
  bool refresh = false;  ///< edit the message the button sits on instead of sending a new one
};
struct PriceCommand {
  std::string token;
};
struct InfoCommand {
  std::string token;
};
struct HistoryCommand {};
struct SetRoleCommand {
  std::string target;  ///< numeric Telegram id or @username
  Role role = Role::kBasic;
};
struct UsersCommand {};
struct AskAmountCommand {  ///< the "X SOL" button: tell the user how to give an amount
  std::string token;
};
/// An exit order's trigger as typed: "0.000031" (a price) or "+50%" / "-20%" (from the entry).
struct TriggerSpec {
  std::string price;                     ///< plain decimal SOL per token, when given as a price
  std::optional<std::int64_t> move_bps;  ///< when given as a percentage
};
struct LimitCommand {
  std::string token;
  Lamports size;
  std::string price;  ///< SOL per token, parsed once the token's decimals are known
  std::optional<std::chrono::seconds> expires_in;
};
struct ExitOrderCommand {  ///< /tp, /sl, /trail
  OrderKind kind = OrderKind::kTakeProfit;
  PositionId position;
  TriggerSpec trigger;
  std::uint32_t trail_bps = 0;
  std::optional<std::chrono::seconds> expires_in;
};
struct OrdersCommand {};
struct PnlCommand {
  std::string period = "all";  ///< day | week | month | all
  bool chart = false;          ///< the equity curve as a picture
};
struct DailyCommand {
  int days = 7;
};
struct TaCommand {
  std::string token;
};
struct ChartCommand {
  std::string token;
  std::string range = "24h";  ///< 1h | 6h | 24h | 7d
};
struct CardCommand {  ///< the shareable PnL card of a closed position
  PositionId position;
};
struct StatsCommand {};
struct GrantCommand {
  std::string target;
  Lamports amount;
};
struct ResetCommand {
  bool confirmed = false;  ///< only the confirmation button resets
};
struct TopCommand {
  std::string period = "all";
};
struct CancelCommand {
  OrderId order;
};
/// /contest [start <days> [sol] | join | stop]; a bare /contest shows the status and ranking.
struct ContestCommand {
  enum class Action { kStatus, kStart, kJoin, kStop };
  Action action = Action::kStatus;
  int days = 0;                      ///< for kStart; range checked by the engine (E-CONTEST-DAYS)
  std::optional<Lamports> starting;  ///< for kStart; default: the configured initial balance
};

using Command =
    std::variant<StartCommand, HelpCommand, WalletCommand, OpenCommand, CloseCommand, PositionsCommand, PositionCommand,
                 PriceCommand, InfoCommand, HistoryCommand, SetRoleCommand, UsersCommand, AskAmountCommand,
                 LimitCommand, ExitOrderCommand, OrdersCommand, CancelCommand, PnlCommand, DailyCommand, TaCommand,
                 ChartCommand, CardCommand, StatsCommand, GrantCommand, ResetCommand, TopCommand, ContestCommand>;

/// One row of the command table that /help and Telegram's setMyCommands share.
struct CommandSpec {
  std::string_view name;  ///< without '/'
  std::string_view args;
  std::string_view description;
  std::string_view example;
  bool admin_only = false;
};
const std::vector<CommandSpec>& command_table();

/// Parses a message. `/cmd@bot` must already be stripped by the front end. A bare mint or token
/// link becomes an InfoCommand (the token card). Errors carry a hint with an example (E-USAGE).
/// nullopt: not addressed to the bot (plain chat text).
std::optional<Result<Command>> parse_message(std::string_view text);
/// How the "X SOL" prompt begins.
inline constexpr std::string_view kAmountPrompt = "How much SOL?";
/// A reply to the bot's "X SOL" prompt: `text` is a single word (the amount) and `replied_text`
/// (the prompt as the client shows it: it begins with kAmountPrompt) names the token as
/// "/open <token> …". Returns the command
/// it stands for, "/open <token> <text>", for parse_message to check like any other; else nullopt.
std::optional<std::string> open_from_amount_reply(std::string_view text, std::string_view replied_text);

/// Parses inline-button data (≤ 64 bytes, see the encode_* functions).
Result<Command> parse_callback(std::string_view data);

std::string encode_close_button(PositionId id, int percent);
std::string encode_refresh_button(PositionId id);
std::string encode_show_button(PositionId id);
std::string encode_buy_button(std::string_view mint, std::string_view sol);
std::string encode_ask_amount_button(std::string_view mint);
/// A preset exit order on a position: "o:<id>:tp:+5000", "o:<id>:sl:-2000", "o:<id>:tr:1000".
std::string encode_exit_button(PositionId id, OrderKind kind, std::int64_t bps);
std::string encode_card_button(PositionId id);
inline constexpr std::string_view kResetConfirmButton = "z:reset";

/// "+50%" → +5000, "-12.5%" → −1250, "10%" → 1000 (bps, at most 2 decimals); nullopt if malformed.
std::optional<std::int64_t> parse_percent_bps(std::string_view text);
/// "30m", "24h", "7d" → seconds (1 minute to 90 days).
Result<std::chrono::seconds> parse_expiry(std::string_view text);

/// The command's name for metrics and logs ("open", "close", ...).
std::string_view command_name(const Command& command);

}  // namespace kt::bot
