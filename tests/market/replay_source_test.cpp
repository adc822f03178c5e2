// The replay source: latest row at or before t, clear errors for bad files, re-read on change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "market/replay_source.hpp"

namespace kt::market {
namespace {

const char* const kBonk = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const char* const kOther = "7GCihgDB8fe6KNjn2MYtkzZcRjQy3t9GHdC8uHYmW2hr";
Mint mint(const char* text) { return Mint::parse(text).value(); }
TimePoint at(std::int64_t unix_seconds, int millis = 0) { return from_unix_millis(unix_seconds * 1000 + millis); }
Price sol_price(const char* text, std::uint8_t decimals) { return Price::from_sol_per_token(text, decimals).value(); }

class ReplayFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(KT_BINARY_DIR) / "test-scratch" /
           ("replay-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "prices.csv").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& content) { std::ofstream(path_, std::ios::trunc | std::ios::binary) << content; }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ReplayFile, price_is_the_latest_row_at_or_before_t_and_observed_at_its_time) {
  write(
      "unix_time,mint,price_sol\n"
      "1000," +
      std::string(kBonk) +
      ",0.0000002\n"
      "2000," +
      std::string(kBonk) + ",0.0000003\n");
  auto source = ReplaySource::open(path_);
  ASSERT_TRUE(source.ok()) << source.error().message;
  auto& replay = **source;
  const auto q = replay.quote(mint(kBonk), at(1999, 999));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->price, sol_price("0.0000002", 5));
  EXPECT_EQ(q->decimals, 5);  // BONK is a demo-market token
  EXPECT_EQ(q->observed_at, at(1000));
  EXPECT_EQ(q->source, "replay");
  EXPECT_TRUE(q->simulated);
  EXPECT_EQ(replay.quote(mint(kBonk), at(2000))->price, sol_price("0.0000003", 5));
  EXPECT_EQ(replay.quote(mint(kBonk), at(99'999))->observed_at, at(2000));
}

TEST_F(ReplayFile, before_the_first_row_and_unknown_mints_are_not_found) {
  write(std::string("1000,") + kBonk + ",0.0000002\n");
  auto replay = std::move(ReplaySource::open(path_).value());
  const auto early = replay->quote(mint(kBonk), at(999, 999));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(early.error().code, "E-UNKNOWN-TOKEN");
  EXPECT_EQ(replay->quote(mint(kOther), at(5000)).error().kind, ErrorKind::kNotFound);
}

TEST_F(ReplayFile, unsorted_rows_comments_blank_lines_and_crlf_are_handled) {
  write(
      "# exported by hand\r\n"
      "3000," +
      std::string(kOther) +
      ",0.5,9\r\n"
      "\r\n"
      "1000," +
      std::string(kOther) +
      ",0.1,9\r\n"
      "  2000 , " +
      std::string(kOther) +
      " , 0.2 , 9 \r\n"
      "2000," +
      std::string(kOther) + ",0.25,9\r\n");
  auto replay = std::move(ReplaySource::open(path_).value());
  EXPECT_EQ(replay->quote(mint(kOther), at(1500))->price, sol_price("0.1", 9));
  EXPECT_EQ(replay->quote(mint(kOther), at(2500))->price, sol_price("0.25", 9));  // the later line wins a tie
  EXPECT_EQ(replay->quote(mint(kOther), at(3000))->price, sol_price("0.5", 9));
  EXPECT_EQ(replay->quote(mint(kOther), at(3000))->decimals, 9);
}

TEST_F(ReplayFile, unknown_tokens_default_to_six_decimals) {
  write(std::string("1000,") + kOther + ",0.004321\n");
  auto replay = std::move(ReplaySource::open(path_).value());
  const auto q = replay->quote(mint(kOther), at(1000));
  EXPECT_EQ(q->decimals, 6);
  EXPECT_EQ(q->price, Price::from_ratio(4321, 1000).value());  // 0.004321 SOL per 10^6 raw units
}

TEST_F(ReplayFile, malformed_lines_are_reported_with_their_numbers) {
  write(
      "unix_time,mint,price_sol\n"
      "1000," +
      std::string(kBonk) +
      ",0.0000002\n"
      "# fine\n"
      "yesterday," +
      std::string(kBonk) +
      ",0.0000002\n"
      "1000,not-a-mint,0.1\n"
      "1000," +
      std::string(kBonk) +
      "\n"
      "1000," +
      std::string(kBonk) + ",-1\n");
  const auto r = ReplaySource::open(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "E-REPLAY-FILE");
  EXPECT_EQ(r.error().kind, ErrorKind::kFatal);
  const std::string& m = r.error().message;
  EXPECT_TRUE(m.starts_with("replay file " + path_ + ": line 4: unix_time 'yesterday' is not whole seconds")) << m;
  EXPECT_NE(m.find("\nline 5: mint 'not-a-mint' is not a base58 address"), std::string::npos) << m;
  EXPECT_NE(m.find("\nline 6: expected unix_time,mint,price_sol[,decimals], got 2 fields"), std::string::npos) << m;
  EXPECT_NE(m.find("\nline 7: price_sol '-1'"), std::string::npos) << m;
}

TEST_F(ReplayFile, missing_or_empty_file_is_a_clear_error) {
  const auto missing = ReplaySource::open((dir_ / "nope.csv").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().message.starts_with("cannot read replay file ")) << missing.error().message;
  write("unix_time,mint,price_sol\n# nothing yet\n");
  const auto empty = ReplaySource::open(path_);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("has no price rows"), std::string::npos);
}

TEST_F(ReplayFile, a_changed_file_is_picked_up_after_at_most_one_second) {
  write(std::string("1000,") + kBonk + ",0.0000002\n");
  auto replay = std::move(ReplaySource::open(path_).value());
  EXPECT_EQ(replay->quote(mint(kBonk), at(5000))->price, sol_price("0.0000002", 5));

  write(std::string("1000,") + kBonk + ",0.0000009\n");  // same size, new content
  std::filesystem::last_write_time(path_, std::filesystem::last_write_time(path_) + std::chrono::seconds(5));
  EXPECT_EQ(replay->quote(mint(kBonk), at(5000, 900))->price, sol_price("0.0000002", 5));  // not looked at yet
  EXPECT_EQ(replay->load_count(), 1u);
  EXPECT_EQ(replay->quote(mint(kBonk), at(5001, 100))->price, sol_price("0.0000009", 5));
  EXPECT_EQ(replay->load_count(), 2u);
}

TEST_F(ReplayFile, a_file_broken_after_start_fails_retryably_until_fixed) {
  write(std::string("1000,") + kBonk + ",0.0000002\n");
  auto replay = std::move(ReplaySource::open(path_).value());
  write("1000,garbage\n");
  std::filesystem::last_write_time(path_, std::filesystem::last_write_time(path_) + std::chrono::seconds(5));
  const auto broken = replay->quote(mint(kBonk), at(6000));
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, ErrorKind::kRetryable);
  EXPECT_EQ(broken.error().code, "E-REPLAY-FILE");
  EXPECT_NE(broken.error().message.find("line 1"), std::string::npos);
  write(std::string("1000,") + kBonk + ",0.0000003\n");
  std::filesystem::last_write_time(path_, std::filesystem::last_write_time(path_) + std::chrono::seconds(10));
  EXPECT_EQ(replay->quote(mint(kBonk), at(6002))->price, sol_price("0.0000003", 5));
}

TEST_F(ReplayFile, demo_symbols_resolve_only_for_mints_in_the_file) {
  write(std::string("1000,") + kBonk + ",0.0000002\n");
  auto replay = std::move(ReplaySource::open(path_).value());
  EXPECT_EQ(replay->resolve_symbol("BONK"), mint(kBonk));
  EXPECT_EQ(replay->resolve_symbol("WIF"), std::nullopt);
  const auto info = replay->token_info(mint(kBonk), at(1000));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->symbol, "BONK");
  EXPECT_EQ(info->decimals, 5);
}

TEST(ReplayCsv, parser_is_pure_and_names_the_file) {
  const auto table = parse_replay_csv(std::string("10,") + kOther + ",1\n5," + kOther + ",2\n", "mem.csv");
  ASSERT_TRUE(table.ok());
  const auto& rows = table->at(mint(kOther));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].unix_time, 5);
  EXPECT_EQ(rows[1].unix_time, 10);
  EXPECT_EQ(parse_replay_csv("x\n1,2\n", "mem.csv").error().message,
            "replay file mem.csv: line 2: expected unix_time,mint,price_sol[,decimals], got 2 fields");
}

}  // namespace
}  // namespace kt::market
