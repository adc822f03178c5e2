// The benchmark drivers' command line (bench/e2e_load/cli_args.hpp): a typo or a bad number stops
// the run with a message naming the option, before any database is seeded.
#include "cli_args.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace kt::bench {
namespace {

/// Runs parse_cli over `args`; the options it accepted go to `seen`.
int parse(std::vector<std::string> args, std::map<std::string, std::string>& seen) {
  args.insert(args.begin(), "kt_bench");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_cli(static_cast<int>(argv.size()), argv.data(), "usage\n",
                   [&](const std::string& k, const std::string& v) {
                     if (k != "--users" && k != "--modes") throw CliError("unknown option " + k);
                     if (k == "--users") (void)cli_numbers<std::size_t>(k, v, 1, 100);
                     if (k == "--modes") (void)cli_choices(k, v, {"polling", "webhook"});
                     seen[k] = v;
                   });
}

TEST(BenchCli, good_options_go_on_and_help_ends_with_0) {
  std::map<std::string, std::string> seen;
  EXPECT_EQ(parse({"--users", "10,20", "--modes", "webhook"}, seen), -1);
  EXPECT_EQ(seen, (std::map<std::string, std::string>{{"--users", "10,20"}, {"--modes", "webhook"}}));
  EXPECT_EQ(parse({"--help"}, seen), 0);
  EXPECT_EQ(parse({"--users", "5", "-h"}, seen), 0);
}

TEST(BenchCli, a_typo_a_missing_value_or_a_bad_number_ends_with_2) {
  std::map<std::string, std::string> seen;
  for (const auto& args : std::vector<std::vector<std::string>>{{"--user", "10"},
                                                                {"--users"},
                                                                {"--users", "1e3"},
                                                                {"--users", "-3"},
                                                                {"--users", "0"},
                                                                {"--users", "101"},
                                                                {"--users", ","},
                                                                {"--modes", "webhok"}}) {
    EXPECT_EQ(parse(args, seen), 2) << args[0] << " " << (args.size() > 1 ? args[1] : "");
  }
  EXPECT_TRUE(seen.empty()) << "nothing is accepted from a refused option";
}

TEST(BenchCli, numbers_lists_and_ranges) {
  EXPECT_EQ(cli_number<int>("--seconds", "60", 1, 60), 60);
  EXPECT_DOUBLE_EQ(cli_number<double>("--rate", "2.5", 1, 10), 2.5);
  EXPECT_THROW(cli_number<int>("--seconds", "5 ", 1, 60), CliError);
  EXPECT_THROW(cli_number<int>("--seconds", "", 1, 60), CliError);
  EXPECT_EQ(cli_list("a,,b,"), (std::vector<std::string>{"a", "b"}));
  try {
    cli_number<int>("--seconds", "100", 1, 60);
    FAIL() << "out of range accepted";
  } catch (const CliError& e) {
    EXPECT_STREQ(e.what(), "--seconds: 100 is out of range (1 to 60)");
  }
  try {
    cli_number<double>("--rates", "0", 1, 100'000);
    FAIL() << "out of range accepted";
  } catch (const CliError& e) {
    EXPECT_STREQ(e.what(), "--rates: 0 is out of range (1 to 100000)");
  }
}

}  // namespace
}  // namespace kt::bench
