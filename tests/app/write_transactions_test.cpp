// Issue 7 throughput: how many storage transactions one command costs. A command that only reads is
// claimed together with its stored reply (one write), a token's symbol is recorded in that write or
// the trade's, delivered replies are marked sent in batches, and exactly-once still holds: a
// redelivery gets the stored reply, not a fresh one.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/application.hpp"
#include "bot/dispatcher.hpp"
#include "bot/html.hpp"
#include "demo_app.hpp"
#include "fresh_test_dir.hpp"

namespace kt::bot {
namespace {

/// Forwards to a real repository, counting read and write transactions; can refuse writes like a
/// full disk.
class CountingRepository final : public storage::Repository {
 public:
  explicit CountingRepository(storage::Repository& inner) : inner_(inner) {}
  Result<void> migrate() override { return inner_.migrate(); }
  Result<std::vector<int>> applied_migrations() override { return inner_.applied_migrations(); }
  Result<void> write(const std::function<Result<void>(storage::Transaction&)>& work) override {
    ++writes;
    if (refuse_writes) return retryable("E-STORAGE", "disk I/O error (test)");
    return inner_.write(work);
  }
  Result<void> read(const std::function<Result<void>(storage::Transaction&)>& work) override {
    ++reads;
    return inner_.read(work);
  }
  std::string backend_name() const override { return inner_.backend_name(); }

  int writes = 0;
  int reads = 0;
  bool refuse_writes = false;

 private:
  storage::Repository& inner_;
};

/// The engine services on the counting repository, wired as Application::build wires them.
struct CountedEngine {
  CountedEngine(storage::Repository& repository, engine::QuoteProvider& quotes, const Clock& clock,
                const engine::EngineConfig& rules)
      : trading(repository, quotes, clock, rules),
        accounts(repository, clock, rules),
        portfolio(repository, quotes, clock, rules.fees),
        orders(repository, trading, quotes, clock),
        contests(repository, portfolio, clock, rules) {}
  engine::TradingEngine trading;
  engine::Accounts accounts;
  engine::Portfolio portfolio;
  engine::OrderBook orders;
  engine::Contests contests;
};

class WriteTransactionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = kt::testing::fresh_test_dir("kt-write-tx");
    restart();
  }
  void TearDown() override {
    bot_.reset();
    engine_.reset();
    counted_.reset();
    app_.reset();
    std::filesystem::remove_all(dir_);
  }
  /// A new process on the same database. The dispatcher and the engine services under test (built
  /// as Application builds them) go through the counter, so a command's transactions all count.
  void restart() {
    bot_.reset();
    engine_.reset();
    counted_.reset();
    app_.reset();
    auto app = kt::testing::build_demo_app("sqlite://" + (dir_ / "kt.db").string(), clock_);
    ASSERT_TRUE(app.ok()) << app.error().message;
    app_ = std::move(*app);
    counted_ = std::make_unique<CountingRepository>(app_->repository());
    engine_ =
        std::make_unique<CountedEngine>(*counted_, app_->prices(), clock_, app::engine_config_from(app_->config()));
    bot_ = std::make_unique<Dispatcher>(BotServices{*counted_, engine_->accounts, engine_->trading, engine_->portfolio,
                                                    engine_->orders, engine_->contests, app_->prices(), clock_});
  }
  std::vector<Reply> say(const std::string& text, std::optional<std::int64_t> update_id) {
    Incoming in;
    in.telegram_user_id = 1;
    in.chat_id = 1;
    in.username = "alice";
    in.text = text;
    in.update_id = update_id;
    return bot_->handle(in);
  }
  /// Write transactions `text` costs.
  int writes_of(const std::string& text, std::int64_t update_id) {
    const int before = counted_->writes;
    const int reads_before = counted_->reads;
    last_ = say(text, update_id);
    last_reads_ = counted_->reads - reads_before;
    return counted_->writes - before;
  }
  /// Read transactions of the last writes_of.
  int reads() const { return last_reads_; }
  /// Writes and reads of `text`, as {writes, reads}.
  std::pair<int, int> cost_of(const std::string& text, std::int64_t update_id) {
    const int writes = writes_of(text, update_id);
    return {writes, last_reads_};
  }
  static std::string text(const std::vector<Reply>& replies) {
    std::string out;
    for (const auto& r : replies) out += html_to_plain(r.html) + "\n";
    return out;
  }
  static bool has(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
  }
  std::size_t undelivered() { return bot_->undelivered_replies(100).size(); }

  ManualClock clock_{from_unix_millis(1'764'000'000'000)};
  std::filesystem::path dir_;
  std::unique_ptr<app::Application> app_;
  std::unique_ptr<CountingRepository> counted_;
  std::unique_ptr<CountedEngine> engine_;
  std::unique_ptr<Dispatcher> bot_;
  std::vector<Reply> last_;
  int last_reads_ = 0;
};

TEST_F(WriteTransactionsTest, a_read_only_command_is_claimed_with_its_reply_in_one_write_transaction) {
  say("/start", 100);
  EXPECT_EQ(writes_of("/wallet", 101), 1);
  ASSERT_EQ(last_.size(), 1u);
  EXPECT_TRUE(has(text(last_), "Balance: 1000 SOL")) << text(last_);
  EXPECT_EQ(last_.back().update_id, std::optional<std::int64_t>(101)) << "stored: the front end reports it";
  EXPECT_EQ(writes_of("/positions", 102), 1);
  EXPECT_EQ(writes_of("/price BONK", 103), 1) << "the first look at a token records its symbol in the claim's write";
  EXPECT_EQ(writes_of("/price BONK", 104), 1) << "known by now: the claim's write reads that, no write of its own";
  EXPECT_EQ(writes_of("/info BONK", 105), 1);
  EXPECT_EQ(writes_of("hello", 106), 1) << "a message that is no command is answered and claimed the same way";
  EXPECT_TRUE(has(text(last_), "Send /help")) << text(last_);
  EXPECT_EQ(writes_of("/wallet", 101), 1) << "a redelivery's claim finds it taken";
  EXPECT_TRUE(last_.empty()) << "its reply is still in flight in this process";
}

TEST_F(WriteTransactionsTest, replies_delivered_together_are_marked_sent_in_one_write_transaction) {
  say("/start", 100);
  say("/wallet", 101);
  say("/positions", 102);
  EXPECT_EQ(undelivered(), 0u) << "all in flight in this process";
  const int before = counted_->writes;
  const std::vector<std::int64_t> delivered{100, 101, 102};
  bot_->replies_delivered(delivered);
  EXPECT_EQ(counted_->writes - before, 1);
  restart();
  EXPECT_EQ(undelivered(), 0u) << "marked sent";
  EXPECT_TRUE(say("/wallet", 101).empty()) << "and still a duplicate";
}

TEST_F(WriteTransactionsTest, a_read_only_reply_lost_in_a_crash_is_re_sent_as_stored_not_computed_again) {
  say("/start", 100);
  const auto first = say("/wallet", 101);
  ASSERT_TRUE(has(text(first), "Balance: 1000 SOL")) << text(first);
  bot_->reply_delivered(100);
  ASSERT_TRUE(has(text(say("/open BONK 1", 102)), "Opened #1"));
  // Crash: the /wallet reply was never delivered; the balance changed since.
  restart();
  const auto again = say("/wallet", 101);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].html, first[0].html) << "the stored answer, not today's balance";
  EXPECT_EQ(again[0].update_id, std::optional<std::int64_t>(101));
  EXPECT_TRUE(say("/wallet", 101).empty()) << "re-sent once per process";
  EXPECT_TRUE(has(text(say("/wallet", std::nullopt)), "Balance: 998.9999 SOL"));
}

TEST_F(WriteTransactionsTest, a_read_only_command_that_cannot_be_recorded_is_answered_with_the_storage_error) {
  say("/start", 100);
  counted_->refuse_writes = true;
  const auto refused = say("/wallet", 101);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_TRUE(has(text(refused), "Storage is temporarily unavailable; nothing was changed")) << text(refused);
  EXPECT_EQ(refused[0].update_id, std::nullopt) << "nothing stored to report";
  counted_->refuse_writes = false;
  const auto later = say("/wallet", 101);
  EXPECT_TRUE(has(text(later), "Balance: 1000 SOL")) << "not claimed, so a redelivery runs it: " << text(later);
}

TEST_F(WriteTransactionsTest, a_refused_trade_is_claimed_with_its_refusal_in_one_write_transaction) {
  // No /start: the engine refuses the open and rolls its claim back; the dispatcher claims it then.
  EXPECT_EQ(writes_of("/close 7", 101), 1);
  EXPECT_TRUE(has(text(last_), "/start")) << text(last_);
  EXPECT_EQ(last_.back().update_id, std::optional<std::int64_t>(101));
  restart();
  const auto again = say("/close 7", 101);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(has(text(again), "/start")) << "the stored refusal: " << text(again);
}

TEST_F(WriteTransactionsTest, a_trade_stores_its_reply_in_its_own_transaction) {
  say("/start", 100);
  say("/price BONK", 101);  // the symbol is known from here
  const std::vector<std::int64_t> delivered{100, 101};
  bot_->replies_delivered(delivered);
  // The engine's transaction claims the update, trades and stores the reply.
  EXPECT_EQ(writes_of("/open BONK 1", 102), 1);
  ASSERT_TRUE(has(text(last_), "Opened #1")) << text(last_);
  EXPECT_EQ(last_.back().update_id, std::optional<std::int64_t>(102));
  const auto opened = last_;
  EXPECT_EQ(writes_of("/close 1 50", 103), 1);
  ASSERT_TRUE(has(text(last_), "Partly closed #1")) << text(last_);
  EXPECT_EQ(last_.back().update_id, std::optional<std::int64_t>(103));
  EXPECT_EQ(undelivered(), 0u) << "in flight in this process";
  EXPECT_TRUE(say("/open BONK 1", 102).empty()) << "a redelivery adds nothing while in flight";
  restart();
  const auto again = say("/open BONK 1", 102);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].html, opened[0].html) << "the reply committed with the trade";
  EXPECT_EQ(again[0].chat_id, 1);
  EXPECT_EQ(undelivered(), 1u) << "the close's reply";
  EXPECT_TRUE(has(text(say("/wallet", std::nullopt)), "Balance: 999.4")) << "one open, half closed";
}

TEST_F(WriteTransactionsTest, each_command_of_the_load_mix_costs_one_write_and_at_most_two_reads) {
  // The counts per command of the benchmark's mix (docs/benchmarks.md), pinned: {writes, reads}.
  say("/start", 100);
  EXPECT_EQ(cost_of("/price BONK", 101), std::make_pair(1, 0))
      << "quote from the source; symbol recorded with the claim";
  EXPECT_EQ(cost_of("/info BONK", 102), std::make_pair(1, 0));
  EXPECT_EQ(cost_of("/open BONK 1", 103), std::make_pair(1, 1)) << "the user; then the trade with the symbol and reply";
  ASSERT_TRUE(has(text(last_), "Opened #1")) << text(last_);
  EXPECT_EQ(cost_of("/wallet", 104), std::make_pair(1, 2)) << "the user; wallet, positions and ledger in one snapshot";
  EXPECT_EQ(cost_of("/positions", 105), std::make_pair(1, 2));
  Incoming press;
  press.telegram_user_id = 1;
  press.chat_id = 1;
  press.username = "alice";
  press.callback_query_id = "q1";
  press.message_id = 9;
  for (const auto& [data, update] : std::vector<std::pair<std::string, std::int64_t>>{{"p:1", 106}, {"r:1", 107}}) {
    press.callback_data = data;
    press.update_id = update;
    const int writes = counted_->writes;
    const int reads = counted_->reads;
    const auto card = bot_->handle(press);
    ASSERT_EQ(card.size(), 1u) << data;
    EXPECT_TRUE(has(text(card), "#1")) << text(card);
    EXPECT_EQ(counted_->writes - writes, 1) << data;
    EXPECT_EQ(counted_->reads - reads, 2) << data << ": the user, then the position it names (read once)";
  }
  EXPECT_EQ(cost_of("/close 1 50", 108), std::make_pair(1, 2))
      << "the user and the position (read once), then the trade";
  ASSERT_TRUE(has(text(last_), "Partly closed #1")) << text(last_);
  EXPECT_EQ(cost_of("/price BONK", 101), std::make_pair(1, 0)) << "a redelivery: its claim finds it taken";
  EXPECT_TRUE(last_.empty());
}

TEST_F(WriteTransactionsTest, a_token_first_seen_in_a_trade_gives_the_position_its_symbol) {
  say("/start", 100);
  ASSERT_TRUE(has(text(say("/open BONK 1", 101)), "Opened #1"));
  std::string stored_symbol;
  ASSERT_TRUE(app_->repository()
                  .read([&](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(const Position p, tx.get_position(PositionId{1}));
                    stored_symbol = p.symbol;
                    return {};
                  })
                  .ok());
  EXPECT_EQ(stored_symbol, "BONK") << "the token is recorded before the position is written";
  EXPECT_EQ(cost_of("/open BONK 1", 103), std::make_pair(1, 1));
  EXPECT_EQ(cost_of("/price BONK", 104), std::make_pair(1, 0)) << "known: nothing more to record";
}

}  // namespace
}  // namespace kt::bot
