// No update is lost across a crash with several shards: the offset only confirms finished
// updates, and a restart takes back everything Telegram still holds, the handler skipping what
// was applied (as processed_updates does).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <set>

#include "telegram/dispatcher.hpp"
#include "telegram/fake_bot_api.hpp"
#include "telegram/front_end.hpp"
#include "telegram/poller.hpp"
#include "test_support.hpp"

namespace kt::telegram {
namespace {

using namespace std::chrono_literals;

nlohmann::json text_update(std::int64_t update_id, std::int64_t user, const std::string& text) {
  return {{"update_id", update_id},
          {"message",
           {{"message_id", update_id},
            {"from", {{"id", user}, {"is_bot", false}}},
            {"chat", {{"id", user}, {"type", "private"}}},
            {"text", text}}}};
}

/// The database's view: applied update ids (the processed_updates table) and how often each ran.
struct AppliedStore {
  std::mutex mutex;
  std::set<std::int64_t> applied;
  std::map<std::int64_t, int> runs;

  /// Applies `id` once; false for a duplicate.
  bool apply(std::int64_t id) {
    std::lock_guard lock(mutex);
    if (!applied.insert(id).second) return false;
    ++runs[id];
    return true;
  }
  int runs_of(std::int64_t id) {
    std::lock_guard lock(mutex);
    return runs.count(id) ? runs[id] : 0;
  }
};

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

std::vector<std::int64_t> offsets(const kt::testing::FakeBotApi& fake) {
  std::vector<std::int64_t> out;
  for (const auto& c : fake.calls("getUpdates")) out.push_back(c.params["offset"].get<std::int64_t>());
  return out;
}

class ExactlyOnceTest : public ::testing::Test {
 protected:
  kt::testing::FakeBotApi fake;
  SystemClock clock;
  std::unique_ptr<http::Client> curl = http::make_curl_client();
  AppliedStore store;
};

TEST_F(ExactlyOnceTest, a_slow_lower_update_holds_the_offset_until_it_finishes) {
  std::promise<void> release;
  auto released = release.get_future().share();
  UpdateHandler handler = [&](const bot::Incoming& in) {
    if (*in.update_id == 100) released.wait_for(10s);
    if (!store.apply(*in.update_id)) return std::vector<bot::Reply>{};
    bot::Reply r;
    r.chat_id = in.chat_id;
    r.html = "done " + std::to_string(*in.update_id);
    return std::vector<bot::Reply>{r};
  };
  FrontEndOptions o;
  o.api = {fake.api_url(), fake.token(), 2s};
  o.poller.long_poll_seconds = 1;
  o.poller.stalled_poll_interval = 20ms;
  o.outbound.pacing_enabled = false;
  o.shards = 2;  // user 2 → shard 0, user 1 → shard 1
  TelegramFrontEnd fe(*curl, clock, o, handler, [] { return std::optional<std::int64_t>(); });
  fake.push_update(text_update(100, 2, "/open BONK 1"));
  fake.push_update(text_update(101, 1, "/open WIF 1"));
  ASSERT_TRUE(fe.start().ok());
  ASSERT_TRUE(fake.wait_for("sendMessage", 1, 5s));  // "done 101"
  const auto polls_before = fake.count("getUpdates");
  ASSERT_TRUE(fake.wait_for("getUpdates", polls_before + 2, 5s));
  for (auto offset : offsets(fake)) EXPECT_LE(offset, 100) << "confirmed 100 while it was still running";
  EXPECT_EQ(offsets(fake).back(), 100);
  release.set_value();
  ASSERT_TRUE(fake.wait_for("sendMessage", 2, 5s));
  ASSERT_TRUE(wait_until([&] { return offsets(fake).back() == 102; }, 5s));
  fe.stop(2s);
  EXPECT_EQ(store.runs, (std::map<std::int64_t, int>{{100, 1}, {101, 1}}));
}

TEST_F(ExactlyOnceTest, a_crash_with_a_lower_update_unfinished_loses_nothing_on_restart) {
  // Process 1: the real poller and shards; update 100 is stuck on shard 0 when the process dies,
  // after 101 was applied on shard 1.
  std::atomic<bool> alive{true};
  std::promise<void> crash;
  auto crashed = crash.get_future().share();
  std::atomic<bool> hundred_started{false};
  UpdateHandler first_handler = [&](const bot::Incoming& in) {
    if (*in.update_id == 100) {
      hundred_started = true;
      crashed.wait_for(10s);
      return std::vector<bot::Reply>{};  // died before committing
    }
    store.apply(*in.update_id);
    return std::vector<bot::Reply>{};
  };
  BotApi api(*curl, {fake.api_url(), fake.token(), 2s});
  PollerOptions poller_options;
  poller_options.long_poll_seconds = 1;
  poller_options.stalled_poll_interval = 20ms;
  std::unique_ptr<UpdateDispatcher> dispatcher;
  Poller poller(api, clock, poller_options, fake.bot_username(),
                [&](ParsedUpdate u) { return dispatcher->dispatch(std::move(u)); });
  ReplySink sink;
  sink.finished = [&](std::int64_t id) {
    if (alive) poller.finished(id);  // a dead process tells Telegram nothing
  };
  dispatcher = std::make_unique<UpdateDispatcher>(2, first_handler, sink);
  dispatcher->start();
  fake.push_update(text_update(100, 2, "/open BONK 1"));
  fake.push_update(text_update(101, 1, "/open WIF 1"));
  poller.start();
  ASSERT_TRUE(wait_until([&] { return hundred_started && store.runs_of(101) == 1; }, 5s));
  const auto polls = fake.count("getUpdates");
  ASSERT_TRUE(fake.wait_for("getUpdates", polls + 1, 5s));  // a poll after 101 finished
  // kill -9 here
  alive = false;
  poller.stop();
  crash.set_value();
  dispatcher->stop(2s);
  EXPECT_EQ(offsets(fake).back(), 100);
  EXPECT_EQ(store.runs, (std::map<std::int64_t, int>{{101, 1}}));

  // Process 2: a new front end on the same server, the store remembers 101.
  std::mutex mutex;
  std::vector<std::int64_t> handled;
  UpdateHandler second_handler = [&](const bot::Incoming& in) {
    {
      std::lock_guard lock(mutex);
      handled.push_back(*in.update_id);
    }
    if (!store.apply(*in.update_id)) return std::vector<bot::Reply>{};  // duplicate: no reply
    bot::Reply r;
    r.chat_id = in.chat_id;
    r.html = "applied " + std::to_string(*in.update_id);
    return std::vector<bot::Reply>{r};
  };
  FrontEndOptions o;
  o.api = {fake.api_url(), fake.token(), 2s};
  o.poller.long_poll_seconds = 1;
  o.outbound.pacing_enabled = false;
  o.shards = 2;
  const auto calls_before = fake.count("getUpdates");
  TelegramFrontEnd restarted(*curl, clock, o, second_handler, [] { return std::optional<std::int64_t>(101); });
  ASSERT_TRUE(restarted.start().ok());
  ASSERT_TRUE(fake.wait_for("sendMessage", 1, 5s));
  ASSERT_TRUE(wait_until([&] { return offsets(fake).back() == 102; }, 5s));
  restarted.stop(2s);
  EXPECT_EQ(offsets(fake).at(calls_before), 0) << "the restart must not skip what Telegram holds";
  EXPECT_EQ(store.runs, (std::map<std::int64_t, int>{{100, 1}, {101, 1}}));
  std::sort(handled.begin(), handled.end());
  EXPECT_EQ(handled, (std::vector<std::int64_t>{100, 101}));  // 101 came back and was skipped
  auto sent = fake.calls("sendMessage");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].params["text"], "applied 100");
}

}  // namespace
}  // namespace kt::telegram
