#include "bot/commands.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "core/decimal.hpp"
#include "domain/token_input.hpp"

namespace kt::bot {
namespace {

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) words.push_back(text.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const CommandSpec* find_spec(std::string_view name) {
  for (const auto& spec : command_table()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Error usage(std::string_view name, std::string_view problem = {}) {
  const CommandSpec* spec = find_spec(name);
  std::string text;
  if (!problem.empty()) text = std::string(problem) + ". ";
  text += "Usage: /" + std::string(name);
  if (spec && !spec->args.empty()) text += " " + std::string(spec->args);
  if (spec && !spec->example.empty()) text += " — e.g. " + std::string(spec->example);
  return rejected("E-USAGE", text);
}

/// Edits (insert, delete, substitute, swap two neighbours) between two short words.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

/// Names the closest command when the typo is small (/opne → /open), with its example.
Error unknown_command(std::string_view name) {
  std::string text = "Unknown command /" + std::string(name.substr(0, 32)) + ".";
  const CommandSpec* best = nullptr;
  std::size_t best_distance = std::max<std::size_t>(1, name.size() / 4) + 1;
  if (name.size() <= 32) {
    for (const auto& spec : command_table()) {
      const auto d = edit_distance(name, spec.name);
      if (d < best_distance) {
        best_distance = d;
        best = &spec;
      }
    }
  }
  if (best) text += " Did you mean /" + std::string(best->name) + "? e.g. " + std::string(best->example) + ".";
  text += " Send /help for the list.";
  return rejected("E-UNKNOWN-COMMAND", text);
}

Result<PositionId> parse_position_id(std::string_view name, std::string_view word) {
  if (!word.empty() && word.front() == '#') word.remove_prefix(1);
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
  if (word.empty() || ec != std::errc() || end != word.data() + word.size() || id <= 0) {
    return usage(name, "'" + std::string(word.substr(0, 24)) + "' is not a position id (see /positions)");
  }
  return PositionId{id};
}

Result<int> parse_percent(std::string_view word) {
  if (!word.empty() && word.back() == '%') word.remove_suffix(1);
  int pct = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), pct);
  if (word.empty() || ec != std::errc() || end != word.data() + word.size() || pct < 1 || pct > 100) {
    return usage("close", "'" + std::string(word.substr(0, 24)) + "' is not a percentage from 1 to 100");
  }
  return pct;
}

Result<Command> parse_contest(const std::vector<std::string_view>& args) {
  ContestCommand cmd;
  if (args.empty()) return Command{cmd};
  const std::string action = lower(args[0]);
  if ((action == "join" || action == "stop" || action == "status") && args.size() == 1) {
    cmd.action = action == "join"   ? ContestCommand::Action::kJoin
                 : action == "stop" ? ContestCommand::Action::kStop
                                    : ContestCommand::Action::kStatus;
    return Command{cmd};
  }
  if (action != "start" || args.size() > 3)
    return usage("contest",
                 "Say /contest, /contest start <days> [sol], "
                 "/contest join or /contest stop");
  cmd.action = ContestCommand::Action::kStart;
  if (args.size() < 2) return rejected("E-CONTEST-DAYS", "Say how many days the contest lasts, e.g. /contest start 7");
  const std::string_view days = args[1];
  const auto [end, ec] = std::from_chars(days.data(), days.data() + days.size(), cmd.days);
  if (ec != std::errc() || end != days.data() + days.size()) {
    return rejected("E-CONTEST-DAYS",
                    "'" + std::string(days.substr(0, 24)) + "' is not a number of days, e.g. /contest start 7");
  }
  if (args.size() == 3) {
    auto starting = parse_sol(args[2]);
    if (!starting) return usage("contest", starting.error().message);
    cmd.starting = *starting;
  }
  return Command{cmd};
}

Result<Command> parse_command(std::string_view name, const std::vector<std::string_view>& args) {
  auto arity = [&](std::size_t min, std::size_t max) -> Result<void> {
    if (args.size() < min) return usage(name, "Missing arguments");
    if (args.size() > max) return usage(name, "Too many arguments");
    return {};
  };
  if (name == "start") return Command{StartCommand{}};
  if (name == "help") return Command{HelpCommand{}};
  if (name == "wallet" || name == "balance") return Command{WalletCommand{}};
  if (name == "history") return Command{HistoryCommand{}};
  if (name == "users") return Command{UsersCommand{}};
  if (name == "open" || name == "buy" || name == "long" || name == "short") {
    KT_TRY_VOID(arity(2, 3));
    OpenCommand cmd{std::string(args[0]), Lamports{}, name == "short" ? Side::kShort : Side::kLong};
    auto size = parse_sol(args[1]);
    if (!size) return usage("open", size.error().message);
    cmd.size = *size;
    if (args.size() == 3) {
      auto side = parse_side(lower(args[2]));
      if (!side) return usage("open", "'" + std::string(args[2].substr(0, 24)) + "' is not a side: use long or short");
      cmd.side = *side;
    }
    return Command{cmd};
  }
  if (name == "close" || name == "sell") {
    KT_TRY_VOID(arity(1, 2));
    KT_TRY(const PositionId id, parse_position_id("close", args[0]));
    int pct = 100;
    if (args.size() == 2) {
      KT_TRY(pct, parse_percent(args[1]));
    }
    return Command{CloseCommand{id, pct}};
  }
  if (name == "positions") {
    KT_TRY_VOID(arity(0, 1));
    if (args.size() == 1 && lower(args[0]) != "closed" && lower(args[0]) != "open") {
      return usage(name, "Say /positions or /positions closed");
    }
    return Command{PositionsCommand{args.size() == 1 && lower(args[0]) == "closed"}};
  }
  if (name == "price" || name == "info") {
    KT_TRY_VOID(arity(1, 1));
    if (name == "price") return Command{PriceCommand{std::string(args[0])}};
    return Command{InfoCommand{std::string(args[0])}};
  }
  if (name == "setrole") {
    KT_TRY_VOID(arity(2, 2));
    auto role = parse_role(lower(args[1]));
    if (!role)
      return usage(name, "'" + std::string(args[1].substr(0, 24)) + "' is not a role: use basic, premium or admin");
    return Command{SetRoleCommand{std::string(args[0]), *role}};
  }
  if (name == "limit") {
    KT_TRY_VOID(arity(3, 4));
    auto size = parse_sol(args[1]);
    if (!size) return usage(name, size.error().message);
    if (!parse_decimal(args[2]).ok() || args[2].find_first_of("eE") != std::string_view::npos) {
      return usage(
          name, "'" + std::string(args[2].substr(0, 24)) + "' is not a price: write SOL per token as a plain decimal");
    }
    LimitCommand cmd{std::string(args[0]), *size, std::string(args[2]), std::nullopt};
    if (args.size() == 4) {
      auto expiry = parse_expiry(args[3]);
      if (!expiry) return usage(name, expiry.error().message);
      cmd.expires_in = *expiry;
    }
    return Command{cmd};
  }
  if (name == "tp" || name == "sl" || name == "trail") {
    KT_TRY_VOID(arity(2, 3));
    KT_TRY(const PositionId id, parse_position_id(name, args[0]));
    ExitOrderCommand cmd;
    cmd.position = id;
    cmd.kind = name == "tp" ? OrderKind::kTakeProfit : name == "sl" ? OrderKind::kStopLoss : OrderKind::kTrailingStop;
    const std::string_view spec = args[1];
    if (cmd.kind == OrderKind::kTrailingStop) {
      auto bps = parse_percent_bps(spec);
      if (!bps || *bps <= 0 || spec.front() == '+' || spec.front() == '-') {
        return usage(name,
                     "'" + std::string(spec.substr(0, 24)) + "' is not a distance: write a percentage such as 10%");
      }
      // The engine enforces the same range; saying it here adds the usage line and an example.
      if (*bps < 10 || *bps > 9'000) return usage(name, "A trailing stop distance must be between 0.1% and 90%");
      cmd.trail_bps = static_cast<std::uint32_t>(*bps);
    } else if (spec.back() == '%') {
      auto bps = parse_percent_bps(spec);
      const bool right_sign = bps && (cmd.kind == OrderKind::kTakeProfit ? *bps > 0 : *bps < 0);
      if (!right_sign) {
        return usage(name, cmd.kind == OrderKind::kTakeProfit ? "A take-profit percentage is a gain such as +50%"
                                                              : "A stop-loss percentage is a loss such as -20%");
      }
      cmd.trigger.move_bps = *bps;
    } else {
      if (!parse_decimal(spec).ok()) {
        return usage(name, "'" + std::string(spec.substr(0, 24)) + "' is not a price or a percentage");
      }
      cmd.trigger.price = std::string(spec);
    }
    if (args.size() == 3) {
      auto expiry = parse_expiry(args[2]);
      if (!expiry) return usage(name, expiry.error().message);
      cmd.expires_in = *expiry;
    }
    return Command{cmd};
  }
  if (name == "orders") return Command{OrdersCommand{}};
  if (name == "pnl") {
    KT_TRY_VOID(arity(0, 2));
    PnlCommand cmd;
    for (auto arg : args) {
      const std::string word = lower(arg);
      if (word == "chart")
        cmd.chart = true;
      else if (word == "day" || word == "week" || word == "month" || word == "all")
        cmd.period = word;
      else
        return usage(name, "'" + std::string(arg.substr(0, 24)) + "' is not a period: use day, week, month or all");
    }
    return Command{cmd};
  }
  if (name == "daily") {
    KT_TRY_VOID(arity(0, 1));
    DailyCommand cmd;
    if (args.size() == 1) {
      int n = 0;
      const auto [end, ec] = std::from_chars(args[0].data(), args[0].data() + args[0].size(), n);
      if (ec != std::errc() || end != args[0].data() + args[0].size() || n < 1 || n > 90) {
        return usage(name, "The number of days must be between 1 and 90");
      }
      cmd.days = n;
    }
    return Command{cmd};
  }
  if (name == "ta") {
    KT_TRY_VOID(arity(1, 1));
    return Command{TaCommand{std::string(args[0])}};
  }
  if (name == "chart") {
    KT_TRY_VOID(arity(1, 2));
    ChartCommand cmd{std::string(args[0]), "24h"};
    if (args.size() == 2) {
      const std::string range = lower(args[1]);
      if (range != "1h" && range != "6h" && range != "24h" && range != "7d")
        return usage(name, "The range is 1h, 6h, 24h or 7d");
      cmd.range = range;
    }
    return Command{cmd};
  }
  if (name == "stats") return Command{StatsCommand{}};
  if (name == "grant") {
    KT_TRY_VOID(arity(2, 2));
    auto amount = parse_sol(args[1]);
    if (!amount) return usage(name, amount.error().message);
    return Command{GrantCommand{std::string(args[0]), *amount}};
  }
  if (name == "reset") return Command{ResetCommand{false}};
  if (name == "top") {
    KT_TRY_VOID(arity(0, 1));
    TopCommand cmd;
    if (args.size() == 1) {
      cmd.period = lower(args[0]);
      if (cmd.period != "day" && cmd.period != "week" && cmd.period != "month" && cmd.period != "all") {
        return usage(name, "The period is day, week, month or all");
      }
    }
    return Command{cmd};
  }
  if (name == "contest") return parse_contest(args);
  if (name == "cancel") {
    KT_TRY_VOID(arity(1, 1));
    std::string_view word = args[0];
    if (!word.empty() && word.front() == '#') word.remove_prefix(1);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
    if (word.empty() || ec != std::errc() || end != word.data() + word.size() || id <= 0) {
      return usage(name, "'" + std::string(args[0].substr(0, 24)) + "' is not an order id (see /orders)");
    }
    return Command{CancelCommand{OrderId{id}}};
  }
  return unknown_command(name);
}

}  // namespace

std::optional<std::int64_t> parse_percent_bps(std::string_view text) {
  if (text.empty() || text.back() != '%') return std::nullopt;
  text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  auto value = parse_scaled(text, 2, 1'000'000, "a percentage");
  if (!value) return std::nullopt;
  return negative ? -*value : *value;
}

Result<std::chrono::seconds> parse_expiry(std::string_view text) {
  const auto bad =
      rejected("E-USAGE", "'" + std::string(text.substr(0, 24)) + "' is not an expiry: use e.g. 30m, 24h or 7d");
  if (text.size() < 2) return bad;
  const char unit = text.back();
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc() || end != text.data() + text.size() - 1 || n <= 0) return bad;
  // Above 90 days in minutes every unit is out of range; checked first so n * 86400 cannot overflow.
  if (n > 90 * 24 * 60) return rejected("E-USAGE", "An expiry must be between 1 minute and 90 days");
  std::int64_t seconds = 0;
  if (unit == 'm')
    seconds = n * 60;
  else if (unit == 'h')
    seconds = n * 3600;
  else if (unit == 'd')
    seconds = n * 86400;
  else
    return bad;
  if (seconds < 60 || seconds > 90 * 86400)
    return rejected("E-USAGE", "An expiry must be between 1 minute and 90 days");
  return std::chrono::seconds(seconds);
}

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      {"start", "", "Create your paper wallet", "/start", false},
      {"help", "", "List the commands", "/help", false},
      {"wallet", "", "Balance, equity and PnL", "/wallet", false},
      {"open", "<token> <size_sol> [long|short]", "Open a position (size = SOL spent, fees included)", "/open BONK 0.5",
       false},
      {"close", "<position_id> [percent]", "Close a position, fully or in part", "/close 12 50", false},
      {"positions", "[closed]", "Your open (or closed) positions", "/positions", false},
      {"price", "<token>", "Current price, source and age", "/price BONK", false},
      {"info", "<token>", "Token details and safety flags", "/info BONK", false},
      {"history", "", "Your latest trades", "/history", false},
      {"limit", "<token> <size_sol> <price> [expiry]", "Buy when the price falls to <price> SOL",
       "/limit BONK 1 0.00000015 24h", false},
      {"tp", "<position_id> <price|+N%> [expiry]", "Take profit on a position", "/tp 12 +50%", false},
      {"sl", "<position_id> <price|-N%> [expiry]", "Stop loss on a position", "/sl 12 -20%", false},
      {"trail", "<position_id> <N%> [expiry]", "Trailing stop N% below the highest price", "/trail 12 10%", false},
      {"orders", "", "Your pending orders", "/orders", false},
      {"pnl", "[day|week|month|all] [chart]", "Realized and unrealized PnL, ROI, win rate, drawdown", "/pnl week",
       false},
      {"daily", "[days]", "PnL per day", "/daily 7", false},
      {"ta", "<token>", "SMA, EMA and RSI from price history", "/ta BONK", false},
      {"chart", "<token> [1h|6h|24h|7d]", "Price chart with your entries and exits", "/chart BONK 24h", false},
      {"top", "[day|week|month|all]", "Group leaderboard by ROI", "/top week", false},
      {"contest", "[start <days> [sol]|join|stop]",
       "Group contest: status and ranking; group admins start or stop it, members join", "/contest start 7", false},
      {"reset", "", "Start over with a fresh wallet (asks to confirm)", "/reset", false},
      {"stats", "", "Bot statistics (admins)", "/stats", true},
      {"grant", "<telegram_id|@username> <sol>", "Credit SOL to a wallet (admins)", "/grant @alice 100", true},
      {"cancel", "<order_id>", "Cancel a pending order", "/cancel 3", false},
      {"setrole", "<telegram_id|@username> <basic|premium|admin>", "Change a user's role (admins)",
       "/setrole @alice premium", true},
      {"users", "", "List users (admins)", "/users", true},
  };
  return table;
}

std::optional<Result<Command>> parse_message(std::string_view text) {
  const auto words = split_words(text);
  if (words.empty()) return std::nullopt;
  if (words.front().front() != '/') {
    // A pasted mint or token link alone shows the token card; other chat text is not for us.
    if (words.size() == 1) {
      auto ref = parse_token_input(words.front());
      if (ref.ok() && ref->mint) return Result<Command>(Command{InfoCommand{std::string(words.front())}});
    }
    return std::nullopt;
  }
  // Control bytes (NUL, escape sequences) would be echoed back in the refusal; name them instead.
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", byte);
      return Result<Command>(rejected("E-USAGE", "The command contains an invisible control character (byte " +
                                                     std::string(hex) + " at position " + std::to_string(i + 1) +
                                                     "); type it again without it, e.g. /price BONK"));
    }
  }
  std::string name = lower(words.front().substr(1));
  if (name.empty()) return std::nullopt;
  return parse_command(name, std::vector<std::string_view>(words.begin() + 1, words.end()));
}

Result<Command> parse_callback(std::string_view data) {
  const auto bad = rejected("E-BUTTON", "That button is no longer valid");
  if (data.size() > 64 || data.size() < 3 || data[1] != ':') return bad;
  const char kind = data[0];
  std::string_view rest = data.substr(2);
  const auto colon = rest.find(':');
  const std::string_view first = rest.substr(0, colon);
  const std::string_view second = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
  switch (kind) {
    case 'c': {
      auto id = parse_position_id("close", first);
      auto pct = parse_percent(second);
      if (!id || !pct) return bad;
      return Command{CloseCommand{*id, *pct}};
    }
    case 'r':
    case 'p': {
      auto id = parse_position_id("close", first);
      if (!id) return bad;
      return Command{PositionCommand{*id, kind == 'r'}};
    }
    case 'b': {
      auto size = parse_sol(second);
      if (!size) return bad;
      return Command{OpenCommand{std::string(first), *size, Side::kLong}};
    }
    case 'x':
      // The bot's own "X SOL" buttons carry a mint, and the prompt repeats it inside HTML: a forged
      // one with anything else is refused here rather than echoed.
      if (!Mint::parse(first).ok()) return bad;
      return Command{AskAmountCommand{std::string(first)}};
    case 'k': {
      auto id = parse_position_id("close", first);
      if (!id) return bad;
      return Command{CardCommand{*id}};
    }
    case 'z':
      if (data == kResetConfirmButton) return Command{ResetCommand{true}};
      return bad;
    case 'o': {
      // o:<position>:<tp|sl|tr>:<bps>
      auto id = parse_position_id("tp", first);
      const auto colon2 = second.find(':');
      if (!id || colon2 == std::string_view::npos) return bad;
      const std::string_view kind = second.substr(0, colon2);
      std::int64_t bps = 0;
      const std::string_view num = second.substr(colon2 + 1);
      const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), bps);
      if (ec != std::errc() || end != num.data() + num.size()) return bad;
      ExitOrderCommand cmd;
      cmd.position = *id;
      if (kind == "tp" && bps > 0) {
        cmd.kind = OrderKind::kTakeProfit;
        cmd.trigger.move_bps = bps;
      } else if (kind == "sl" && bps < 0 && bps > -10'000) {
        cmd.kind = OrderKind::kStopLoss;
        cmd.trigger.move_bps = bps;
      } else if (kind == "tr" && bps > 0 && bps < 10'000) {
        cmd.kind = OrderKind::kTrailingStop;
        cmd.trail_bps = static_cast<std::uint32_t>(bps);
      } else {
        return bad;
      }
      return Command{cmd};
    }
    default: return bad;
  }
}

std::string encode_close_button(PositionId id, int percent) {
  return "c:" + std::to_string(id.value) + ":" + std::to_string(percent);
}
std::string encode_refresh_button(PositionId id) { return "r:" + std::to_string(id.value); }
std::string encode_show_button(PositionId id) { return "p:" + std::to_string(id.value); }
std::string encode_buy_button(std::string_view mint, std::string_view sol) {
  return "b:" + std::string(mint) + ":" + std::string(sol);
}
std::string encode_ask_amount_button(std::string_view mint) { return "x:" + std::string(mint); }

std::optional<std::string> open_from_amount_reply(std::string_view text, std::string_view replied_text) {
  const auto amount = split_words(text);
  if (amount.size() != 1 || amount.front().front() == '/') return std::nullopt;
  // Only the prompt: a one-word reply to another message of ours that shows "/open …" (the help,
  // a card) is not an amount.
  if (!replied_text.starts_with(kAmountPrompt)) return std::nullopt;
  constexpr std::string_view kOpen = "/open ";
  const auto at = replied_text.find(kOpen);
  if (at == std::string_view::npos) return std::nullopt;
  const auto token = split_words(replied_text.substr(at + kOpen.size()));
  if (token.empty()) return std::nullopt;
  return std::string(kOpen) + std::string(token.front()) + " " + std::string(amount.front());
}
std::string encode_card_button(PositionId id) { return "k:" + std::to_string(id.value); }
std::string encode_exit_button(PositionId id, OrderKind kind, std::int64_t bps) {
  const char* tag = kind == OrderKind::kTakeProfit ? "tp" : kind == OrderKind::kStopLoss ? "sl" : "tr";
  return "o:" + std::to_string(id.value) + ":" + tag + ":" + std::to_string(bps);
}

std::string_view command_name(const Command& command) {
  static constexpr std::string_view kNames[] = {
      "start",   "help",    "wallet", "open",       "close", "positions",  "position", "price",  "info",
      "history", "setrole", "users",  "ask_amount", "limit", "exit_order", "orders",   "cancel", "pnl",
      "daily",   "ta",      "chart",  "card",       "stats", "grant",      "reset",    "top",    "contest"};
  return kNames[command.index()];
}

}  // namespace kt::bot
