// PostgreSQL stopped and started again while users trade through the running `kitrader run`
// (long polling, a cluster of the test's own). Every command gets either its normal answer or the
// coded "storage temporarily unavailable" refusal, and a refusal changed nothing; the process
// stays up and trades again once the server is back; Telegram then re-delivers every update of the
// run to a restarted bot, which applies the never-applied ones once and nothing twice; the ledger
// adds up for every user.
#include <cstdlib>

#include "faults/closed_loop_users.hpp"
#include "faults/pg_ledger_check.hpp"

namespace kt::e2e {
namespace {

using SystemClock = std::chrono::system_clock;

bool is_success(const std::string& reply) { return contains(reply, "Opened <b>#") || contains(reply, "Closed <b>#"); }
bool is_storage_refusal(const std::string& reply) { return contains(reply, "(E-STORAGE)"); }

class PostgresFault : public KitraderRunE2E {};

TEST_F(PostgresFault, server_stopped_under_load_refuses_cleanly_then_trades_resume_and_redelivery_applies_once) {
  if (std::getenv("KITRADER_PG_TEST_DSN") == nullptr) GTEST_SKIP() << "KITRADER_PG_TEST_DSN is not set (no PostgreSQL)";
  faults::OwnPgCluster cluster("kt_fault_pg");
  ASSERT_TRUE(cluster.started()) << "scripts/pg-test-cluster start failed";
  const std::map<std::string, std::string> pg{{"KITRADER_DATABASE_URL", cluster.dsn()}};
  auto& bot = start(pg);
  ASSERT_TRUE(fake.wait_for("getUpdates", 1, 20s)) << bot.err();

  constexpr int kUsers = 8;
  std::vector<std::int64_t> users;
  for (int u = 0; u < kUsers; ++u) users.push_back(8101 + u);
  for (auto user : users) fake.push_text(user, user, "/start");
  ASSERT_TRUE(wait_until([&] { return fake.count("sendMessage") >= users.size(); }, 20s));

  faults::ClosedLoopUsers traders(fake, users, "/open BONK 0.5");
  ASSERT_TRUE(traders.run_until([&] { return traders.replies_with_per_user_min("Opened", {}) >= 2; }, 20s))
      << "no steady trading before the fault";

  // The fault: the server goes away while commands keep coming.
  const auto down_at = SystemClock::now();
  ASSERT_TRUE(cluster.pause());
  const auto paused_at = SystemClock::now();
  ASSERT_TRUE(traders.run_until(
      [&] {
        return traders.replies_with("(E-STORAGE)", paused_at) >= static_cast<std::size_t>(2 * kUsers) &&
               SystemClock::now() - paused_at >= 2s;
      },
      30s))
      << "the outage did not show as E-STORAGE refusals";
  ASSERT_TRUE(bot.running()) << "the bot exited while the database was down: " << bot.err();
  ASSERT_TRUE(cluster.resume());
  const auto up_at = SystemClock::now();
  ASSERT_TRUE(traders.run_until([&] { return traders.replies_with_per_user_min("Opened", up_at) >= 2; }, 30s))
      << "trading did not resume after the server came back";
  ASSERT_TRUE(traders.drain(20s)) << traders.outstanding() << " commands never answered";
  ASSERT_TRUE(bot.running()) << bot.err();

  // Every command got its answer or the coded storage refusal; a refusal left no ledger entry
  // unless it said the outcome is unknown (a COMMIT cut off by the server going away).
  std::map<std::int64_t, int> entries_before;
  {
    faults::PgDatabaseView db(cluster.dsn());
    ASSERT_TRUE(db.ok()) << db.error();
    entries_before = db.ledger_entries_per_update();
  }
  std::size_t ok = 0, refused = 0, unknown_outcome = 0, refused_in_outage = 0;
  std::set<std::int64_t> served;
  for (const auto& e : traders.exchanges()) {
    served.insert(e.update_id);
    const int entries = entries_before.contains(e.update_id) ? entries_before.at(e.update_id) : 0;
    EXPECT_LE(entries, 1) << "update " << e.update_id << " moved money " << entries << " times";
    if (is_success(e.reply)) {
      ++ok;
      EXPECT_EQ(entries, 1) << "answered '" << e.reply.substr(0, 40) << "' but not in the ledger: " << e.update_id;
    } else if (is_storage_refusal(e.reply)) {
      ++refused;
      refused_in_outage += (e.replied_at >= down_at) ? 1 : 0;
      if (contains(e.reply, "may or may not")) {
        ++unknown_outcome;
      } else {
        EXPECT_EQ(entries, 0) << "refused with '" << e.reply << "' yet applied: " << e.update_id;
        EXPECT_TRUE(contains(e.reply, "temporarily unavailable")) << e.reply;
      }
    } else {
      ADD_FAILURE() << e.command << " (update " << e.update_id << ") got neither an answer nor E-STORAGE: " << e.reply;
    }
  }
  EXPECT_EQ(refused, refused_in_outage) << "a storage refusal before the server was stopped";
  std::cout << "[ info ] " << traders.exchanges().size() << " commands: " << ok << " applied, " << refused
            << " refused with E-STORAGE (" << unknown_outcome << " with an unknown outcome)\n";

  // Telegram re-delivers every update of the run (as after a lost confirmation) to a restarted
  // bot: what was applied stays applied once; what was refused without being recorded is applied
  // now, once.
  bot.signal(SIGTERM);
  ASSERT_TRUE(bot.wait_exit(20s).has_value());
  EXPECT_EQ(bot.exit_code(), 0) << bot.err();
  auto& again = start(pg);
  ASSERT_TRUE(wait_until([&] { return fake.count("getMe") >= 2; }, 20s)) << again.err();
  for (auto id : served) fake.push_update(*fake.update_json(id));
  ASSERT_TRUE(wait_until(
      [&] {
        faults::PgDatabaseView db(cluster.dsn());
        const auto applied = db.processed_updates();
        return std::includes(applied.begin(), applied.end(), served.begin(), served.end());
      },
      30s))
      << "the re-delivered updates were not all taken";
  again.signal(SIGTERM);
  ASSERT_TRUE(again.wait_exit(20s).has_value());

  faults::PgDatabaseView db(cluster.dsn());
  ASSERT_TRUE(db.ok()) << db.error();
  const auto entries_after = db.ledger_entries_per_update();
  std::size_t applied_on_redelivery = 0;
  for (const auto& e : traders.exchanges()) {
    const int before = entries_before.contains(e.update_id) ? entries_before.at(e.update_id) : 0;
    const int after = entries_after.contains(e.update_id) ? entries_after.at(e.update_id) : 0;
    EXPECT_LE(after, 1) << "update " << e.update_id << " applied twice";
    if (before == 1) {
      EXPECT_EQ(after, 1) << e.update_id;
    }
    applied_on_redelivery += (before == 0 && after == 1) ? 1 : 0;
  }
  std::cout << "[ info ] re-delivered " << served.size() << " updates: " << applied_on_redelivery
            << " applied for the first time, none twice\n";
  const auto wallets = db.wallets();
  ASSERT_EQ(wallets.size(), users.size());
  for (const auto& w : wallets) {
    EXPECT_EQ(w.balance, w.initial + w.ledger_sum) << "user " << w.telegram_id;
    EXPECT_EQ(w.positions, w.open_entries) << "user " << w.telegram_id << ": a position without its ledger entry";
  }
}

}  // namespace
}  // namespace kt::e2e
