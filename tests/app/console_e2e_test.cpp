// The acceptance scenario, against the real binary: piping commands into
// `kitrader console --demo` shows balances exact to the lamport.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <string>
#include <vector>

#include "app/run_binary.hpp"

namespace kt {
namespace {

using testing::run_kitrader;
using testing::temp_db_url;

// 2025-11-24 16:00:00 UTC: the demo market's price at a frozen instant.
constexpr const char* kAt = "--at 1764000000";

TEST(ConsoleE2E, start_open_close_shows_balances_exact_to_the_lamport) {
  // The "done when": /start, /wallet, /open BONK 1, /positions, /close <id>, /wallet.
  const auto run = run_kitrader(std::string("console --demo ") + kAt,
                                "/start\n/wallet\n/open BONK 1\n/positions\n/close 1\n/wallet\n",
                                "KITRADER_DATABASE_URL=" + temp_db_url("e2e_scenario"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("Your paper wallet holds 1000 SOL"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Balance: 1000 SOL"), std::string::npos);
  EXPECT_NE(run.out.find("Opened #1 long BONK (SIMULATED)"), std::string::npos);
  // Worked by hand from docs/architecture.md. At the frozen instant the demo multiplier of BONK is
  // 1.096349776 (its base 3/2000 lamports per base unit, 5 decimals), so the quote is
  // p = 3·1096349776 / (2000·10^9) lamports per base unit (0.0000001645 SOL per BONK).
  // Open: notional = floor(10^9·10^6 / 1002500) = 997506234, trading fee 2493766;
  // qty = floor(997506234 / (p·1.005)) = 603544317787 base units; debit 1 SOL + 0.0001 network fee.
  EXPECT_NE(run.out.find("bought 6035443.17787 BONK"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Fees 0.002593766 SOL (trading 0.002493766 SOL + network 0.0001 SOL)"), std::string::npos);
  EXPECT_NE(run.out.find("Balance 998.9999 SOL"), std::string::npos);
  // Close at the same price: gross = floor(qty·p·0.995) = 987580798, fee ceil(gross·0.0025) =
  // 2468952, less the 0.0001 SOL network fee: 985011846 lamports come back.
  EXPECT_NE(run.out.find("#1 long BONK · 6.04M · cost 1.0001 SOL · value 0.985011846 SOL · PnL -0.015088154 SOL"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("Closed 6035443.17787 at"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Proceeds 0.985011846 SOL after fees 0.002568952 SOL (trading 0.002468952 SOL + network "
                         "0.0001 SOL)"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("Balance 999.984911846 SOL"), std::string::npos);
  EXPECT_NE(run.out.find("Balance: 999.984911846 SOL"), std::string::npos);
  EXPECT_NE(run.out.find("Realized PnL: -0.015088154 SOL"), std::string::npos);
  EXPECT_EQ(run.out.find("kitrader>"), std::string::npos) << "no prompt when stdin is a pipe";
}

TEST(ConsoleE2E, a_terminal_gets_a_banner_and_a_prompt) {
  // The pipe case above must show no prompt; on a terminal (a pseudo-terminal here) it must.
  const std::string db = temp_db_url("e2e_tty");
  int master = -1;
  const pid_t child = ::forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::setenv("KITRADER_DATABASE_URL", db.c_str(), 1);
    const std::string binary = std::string(KT_BINARY_DIR) + "/kitrader";
    ::execl(binary.c_str(), binary.c_str(), "console", "--demo", "--no-tracker", "--at", "1764000000", nullptr);
    ::_exit(127);
  }
  std::string out;
  // Reads until `needle` appears at or after `from` in the output (a prompt already printed
  // before the reply must not count as the one after it).
  auto read_until = [&](const std::string& needle, std::size_t from = 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (out.find(needle, from) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[1024];
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out.find(needle, from) != std::string::npos;
  };
  EXPECT_TRUE(read_until("kitrader> ")) << out;
  EXPECT_NE(out.find("KiTraderBot console (sqlite, prices: demo). Type /help; Ctrl-D quits."), std::string::npos);
  ASSERT_EQ(::write(master, "/start\n", 7), 7);
  EXPECT_TRUE(read_until("Your paper wallet holds 1000 SOL")) << out;
  const std::size_t after_reply = out.find("Your paper wallet holds");
  EXPECT_TRUE(read_until("kitrader> ", after_reply)) << out;
  ASSERT_EQ(::write(master, "\x04", 1), 1);  // Ctrl-D: end of input
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ::close(master);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(ConsoleE2E, every_reply_with_a_demo_price_says_simulated) {
  const auto run = run_kitrader(std::string("console --demo ") + kAt, "/start\n/price BONK\n/price WIF\n/info JUP\n",
                                "KITRADER_DATABASE_URL=" + temp_db_url("e2e_sim"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  std::size_t count = 0;
  for (auto p = run.out.find("SIMULATED"); p != std::string::npos; p = run.out.find("SIMULATED", p + 1)) ++count;
  EXPECT_EQ(count, 3u) << run.out;
}

TEST(ConsoleE2E, orders_indicators_and_pnl_on_the_demo_market_say_simulated) {
  const auto run = run_kitrader(std::string("console --demo --no-tracker ") + kAt,
                                "/start\n/open BONK 1\n/tp 1 +50%\n/trail 1 10%\n/limit BONK 1 0.0000001\n/orders\n"
                                "/ta BONK\n/pnl\n",
                                "KITRADER_DATABASE_URL=" + temp_db_url("e2e_sim_orders"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  // Replies are separated by a blank line; every one after the welcome shows prices or values
  // taken from the simulated market.
  std::vector<std::string> replies;
  for (std::size_t start = 0; start < run.out.size();) {
    auto end = run.out.find("\n\n", start);
    if (end == std::string::npos) end = run.out.size();
    if (end > start) replies.push_back(run.out.substr(start, end - start));
    start = end + 2;
  }
  ASSERT_EQ(replies.size(), 8u) << run.out;
  for (std::size_t i = 1; i < replies.size(); ++i) {
    EXPECT_NE(replies[i].find("(SIMULATED)"), std::string::npos) << replies[i];
  }
}

TEST(ConsoleE2E, bad_input_gets_a_specific_message_and_changes_nothing) {
  const auto run =
      run_kitrader(std::string("console --demo ") + kAt,
                   "/start\n/open BONK -1\n/open BONK 1e3\n/open BONK 150\n/open NOPE 1\n/close 7\n/wallet\n",
                   "KITRADER_DATABASE_URL=" + temp_db_url("e2e_bad"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("must not be negative"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Position size 150 SOL exceeds your basic limit of 100 SOL (E-LIMIT)"), std::string::npos);
  EXPECT_NE(run.out.find("Unknown symbol NOPE"), std::string::npos);
  EXPECT_NE(run.out.find("Position #7 not found"), std::string::npos);
  EXPECT_NE(run.out.find("Balance: 1000 SOL"), std::string::npos);
}

TEST(ConsoleE2E, invalid_configuration_is_reported_all_at_once_with_a_nonzero_exit) {
  const auto run =
      run_kitrader("console --demo", "", "KITRADER_TRADING_FEE=abc KITRADER_TRADING_MAX_OPEN_POSITIONS=-3");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.out.find("trading.fee"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("trading.max_open_positions"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("expected a fraction between 0 and 0.1 such as 0.0025"), std::string::npos) << run.out;
}

TEST(ConsoleE2E, a_misspelt_override_is_named_next_to_the_errors_it_may_explain) {
  const auto run = run_kitrader("console --demo", "", "KITRADER_TRADNG_FEE=0.001 KITRADER_TRADING_FEE=abc");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.out.find("warning: KITRADER_TRADNG_FEE matches no configuration key and is ignored"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("trading.fee: expected"), std::string::npos) << run.out;
}

TEST(ConsoleE2E, every_subcommand_has_help) {
  for (const char* sub : {"", "console ", "run ", "migrate ", "version ", "doctor ", "backup "}) {
    const auto run = run_kitrader(std::string(sub) + "--help", "");
    EXPECT_EQ(run.exit_code, 0) << sub << run.out;
    EXPECT_NE(run.out.find("Usage"), std::string::npos) << sub;
  }
}

TEST(ConsoleE2E, config_may_follow_the_subcommand_and_a_bad_frozen_time_is_refused) {
  const auto path = std::filesystem::temp_directory_path() / ("kt_e2e_cfg_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << "[trading]\nfee = \"0.5\"\n";
  const auto after = run_kitrader("console --demo --config " + path.string(), "");
  EXPECT_NE(after.exit_code, 0);
  EXPECT_NE(after.out.find("trading.fee: expected a fraction between 0 and 0.1"), std::string::npos) << after.out;
  const auto before = run_kitrader("--config " + path.string() + " console --demo", "");
  EXPECT_EQ(before.out, after.out);
  std::filesystem::remove(path);
  const auto negative = run_kitrader("console --demo --at -5", "/start\n");
  EXPECT_NE(negative.exit_code, 0);
  EXPECT_NE(negative.out.find("--at"), std::string::npos) << negative.out;
}

TEST(ConsoleE2E, state_persists_between_runs_on_the_same_database) {
  const std::string db = "KITRADER_DATABASE_URL=" + temp_db_url("e2e_persist");
  ASSERT_EQ(run_kitrader(std::string("console --demo ") + kAt, "/start\n/open BONK 1\n", db).exit_code, 0);
  const auto second = run_kitrader(std::string("console --demo ") + kAt, "/positions\n/wallet\n", db);
  EXPECT_NE(second.out.find("#1 long BONK"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("Balance: 998.9999 SOL"), std::string::npos);
}

}  // namespace
}  // namespace kt

namespace kt {
namespace {

TEST(ConsoleE2E, an_order_that_fills_while_the_console_is_open_is_printed_as_it_happens) {
  // A limit buy above the current price fills on the tracker's first tick after it is placed;
  // standard input stays open meanwhile, as a person at the console would keep it.
  const std::string db = temp_db_url("e2e_order_fill");
  const std::string cmd =
      "sh -c '(printf \"/start\\n/limit BONK 1 0.001\\n\"; sleep 3; printf \"/positions\\n\") | env "
      "KITRADER_DATABASE_URL=" +
      db + " KITRADER_TRACKER_INTERVAL_SECONDS=1 " + std::string(KT_BINARY_DIR) +
      "/kitrader console --demo --at 1764000000 2>&1'";
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  EXPECT_EQ(::pclose(pipe), 0) << out;
  const auto placed = out.find("Order 1: limit buy BONK");
  const auto filled = out.find("Order 1 (limit buy BONK) filled");
  ASSERT_NE(placed, std::string::npos) << out;
  ASSERT_NE(filled, std::string::npos) << out;
  EXPECT_LT(placed, filled);
  EXPECT_NE(out.find("Opened #1 long BONK", filled), std::string::npos) << out;
  EXPECT_NE(out.find("#1 long BONK", out.find("Open positions")), std::string::npos) << out;
}

}  // namespace
}  // namespace kt
