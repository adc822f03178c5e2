// Issue 7 in-process: the reply of an applied update is stored with it and re-sent after a
// "restart" (a second Application on the same SQLite file) until the front end reports it
// delivered. Also the reply JSON codec.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/application.hpp"
#include "bot/dispatcher.hpp"
#include "bot/html.hpp"
#include "bot/reply_codec.hpp"
#include "demo_app.hpp"
#include "fresh_test_dir.hpp"

namespace kt::bot {
namespace {

class ReplyResendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = kt::testing::fresh_test_dir("kt-reply-resend");
    restart();
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }
  /// A new process on the same database: nothing in memory survives.
  void restart() {
    app_.reset();
    auto app = kt::testing::build_demo_app("sqlite://" + (dir_ / "kt.db").string(), clock_);
    ASSERT_TRUE(app.ok()) << app.error().message;
    app_ = std::move(*app);
  }
  Dispatcher& bot() { return app_->dispatcher(); }
  std::vector<Reply> say(std::int64_t user, const std::string& text, std::optional<std::int64_t> update_id) {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = user;
    in.username = "alice";
    in.text = text;
    in.update_id = update_id;
    return bot().handle(in);
  }
  std::vector<Reply> press(std::int64_t user, const std::string& data, std::int64_t update_id) {
    Incoming in;
    in.telegram_user_id = user;
    in.chat_id = user;
    in.callback_data = data;
    in.callback_query_id = "cb";
    in.message_id = 55;
    in.update_id = update_id;
    return bot().handle(in);
  }
  static std::string text(const std::vector<Reply>& replies) {
    std::string out;
    for (const auto& r : replies) out += html_to_plain(r.html) + "\n";
    return out;
  }
  static bool has(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
  }

  ManualClock clock_{from_unix_millis(1'764'000'000'000)};
  std::filesystem::path dir_;
  std::unique_ptr<app::Application> app_;
};

TEST_F(ReplyResendTest, the_reply_carries_its_update_id_so_the_front_end_can_report_it) {
  auto replies = say(1, "/start", 100);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies.back().update_id, std::optional<std::int64_t>(100));
  EXPECT_EQ(say(1, "/wallet", std::nullopt).back().update_id, std::nullopt) << "no update id, nothing stored";
}

TEST_F(ReplyResendTest, an_undelivered_reply_is_sent_again_on_redelivery_after_a_restart_and_only_once) {
  say(1, "/start", 100);
  bot().reply_delivered(100);
  const auto opened = say(1, "/open BONK 1", 101);
  ASSERT_TRUE(has(text(opened), "Opened #1")) << text(opened);
  // Crash: reply_delivered(101) never came.
  restart();
  const auto again = say(1, "/open BONK 1", 101);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].html, opened[0].html);
  EXPECT_EQ(again[0].chat_id, 1);
  EXPECT_EQ(again[0].update_id, std::optional<std::int64_t>(101));
  ASSERT_EQ(again[0].buttons.size(), opened[0].buttons.size());
  EXPECT_EQ(again[0].buttons[0][2].callback_data, "c:1:100");
  EXPECT_TRUE(say(1, "/open BONK 1", 101).empty()) << "re-sent once per process";
  EXPECT_TRUE(say(1, "/start", 100).empty()) << "delivered before the crash: nothing";
  EXPECT_TRUE(has(text(say(1, "/wallet", std::nullopt)), "Balance: 998.9999 SOL")) << "traded once";
}

TEST_F(ReplyResendTest, a_delivered_reply_is_not_sent_again_after_a_restart) {
  say(1, "/start", 100);
  say(1, "/open BONK 1", 101);
  bot().reply_delivered(100);
  bot().reply_delivered(101);
  restart();
  EXPECT_TRUE(say(1, "/open BONK 1", 101).empty());
  EXPECT_TRUE(bot().undelivered_replies(100).empty());
}

TEST_F(ReplyResendTest, start_up_lists_undelivered_replies_oldest_first_and_a_redelivery_then_adds_nothing) {
  say(1, "/start", 100);
  say(2, "/start", 200);
  say(1, "/open BONK 1", 101);
  bot().reply_delivered(200);
  restart();
  const auto pending = bot().undelivered_replies(100);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].update_id, std::optional<std::int64_t>(100));
  EXPECT_TRUE(has(text({pending[0]}), "Your paper wallet holds 1000 SOL")) << text(pending);
  EXPECT_EQ(pending[1].update_id, std::optional<std::int64_t>(101));
  EXPECT_TRUE(has(text({pending[1]}), "Opened #1")) << text(pending);
  EXPECT_TRUE(say(1, "/open BONK 1", 101).empty()) << "already queued by the start-up scan";
  EXPECT_TRUE(bot().undelivered_replies(100).empty()) << "already queued";
  // Delivered, then a later process has nothing left.
  bot().reply_delivered(100);
  bot().reply_delivered(101);
  restart();
  EXPECT_TRUE(bot().undelivered_replies(100).empty());
}

TEST_F(ReplyResendTest, a_redelivery_queued_first_keeps_the_start_up_scan_from_sending_it_twice) {
  say(1, "/start", 100);
  restart();
  EXPECT_EQ(say(1, "/start", 100).size(), 1u);
  EXPECT_TRUE(bot().undelivered_replies(100).empty());
}

TEST_F(ReplyResendTest, a_button_reply_is_re_sent_without_its_callback_answer) {
  say(1, "/start", 100);
  say(1, "/open BONK 1", 101);
  const auto closed = press(1, "c:1:100", 102);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].callback_answer, std::optional<std::string>("Closed 100% of #1"));
  restart();
  const auto again = press(1, "c:1:100", 102);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].html, closed[0].html);
  EXPECT_EQ(again[0].callback_answer, std::nullopt) << "the query is gone after a restart";
}

TEST_F(ReplyResendTest, a_refused_engine_command_is_claimed_and_its_refusal_re_sent_not_run_again) {
  // No /start: the open is refused (its transaction rolled back), then the update is claimed.
  const auto refused = say(1, "/open BONK 1", 101);
  ASSERT_TRUE(has(text(refused), "/start")) << text(refused);
  EXPECT_EQ(refused.back().update_id, std::optional<std::int64_t>(101));
  say(1, "/start", 102);
  restart();
  const auto again = say(1, "/open BONK 1", 101);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].html, refused[0].html) << "the refusal, not a trade";
  EXPECT_TRUE(has(text(say(1, "/wallet", std::nullopt)), "Balance: 1000 SOL"));
}

TEST_F(ReplyResendTest, a_redelivered_close_refused_as_already_closed_is_a_duplicate) {
  say(1, "/start", 100);
  say(1, "/open BONK 1", 101);
  const auto closed = say(1, "/close 1", 102);
  ASSERT_TRUE(has(text(closed), "Closed #1")) << text(closed);
  bot().reply_delivered(102);
  // Before the engine's claim, the close is refused ("already closed"): still a duplicate.
  EXPECT_TRUE(say(1, "/close 1", 102).empty());
  restart();
  EXPECT_TRUE(say(1, "/close 1", 102).empty());
}

TEST_F(ReplyResendTest, a_crash_between_the_commit_and_storing_the_reply_yields_a_note_that_it_was_applied) {
  say(1, "/start", 100);
  // As if the process died right after the open's commit: claimed, reply never stored.
  ASSERT_TRUE(app_->repository()
                  .write([](storage::Transaction& tx) -> Result<void> {
                    KT_TRY(const bool fresh, tx.claim_update(101, std::nullopt, from_unix_millis(1'764'000'000'000)));
                    EXPECT_TRUE(fresh);
                    return {};
                  })
                  .ok());
  restart();
  const auto note = say(1, "/open BONK <1>", 101);
  ASSERT_EQ(note.size(), 1u);
  EXPECT_EQ(note[0].chat_id, 1);
  EXPECT_EQ(note[0].update_id, std::optional<std::int64_t>(101));
  EXPECT_EQ(note[0].html,
            "Your command <code>/open BONK &lt;1&gt;</code> was applied, but the bot restarted before it could "
            "answer. /positions and /wallet show the result.");
  EXPECT_TRUE(say(1, "/open BONK <1>", 101).empty()) << "once per process";
  bot().reply_delivered(101);
  restart();
  EXPECT_TRUE(say(1, "/open BONK <1>", 101).empty()) << "delivered";
}

// --- the codec ----------------------------------------------------------------------------------

TEST(ReplyCodec, round_trips_chat_html_buttons_and_edit_and_drops_the_callback_answer) {
  Reply a;
  a.chat_id = -1001234567890;
  a.html = "Opened <b>#1</b> long BONK \xC3\xA9 &amp; \"q\"";
  a.buttons = {{{"Close 25%", "c:1:25"}, {"Close 100%", "c:1:100"}}, {{"Refresh", "p:1:r"}}};
  a.callback_answer = "Opened #1";
  a.update_id = 5;
  Reply b;
  b.chat_id = 7;
  b.html = "edited";
  b.edit_message_id = 42;
  auto back = decode_replies(encode_replies({a, b}));
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 2u);
  const Reply& x = (*back)[0];
  EXPECT_EQ(x.chat_id, -1001234567890);
  EXPECT_EQ(x.html, a.html);
  ASSERT_EQ(x.buttons.size(), 2u);
  ASSERT_EQ(x.buttons[0].size(), 2u);
  EXPECT_EQ(x.buttons[0][1].label, "Close 100%");
  EXPECT_EQ(x.buttons[0][1].callback_data, "c:1:100");
  EXPECT_EQ(x.buttons[1][0].callback_data, "p:1:r");
  EXPECT_EQ(x.edit_message_id, std::nullopt);
  EXPECT_EQ(x.callback_answer, std::nullopt);
  EXPECT_EQ(x.update_id, std::nullopt);
  EXPECT_EQ((*back)[1].edit_message_id, std::optional<std::int64_t>(42));
  EXPECT_TRUE((*back)[1].buttons.empty());
}

TEST(ReplyCodec, a_photo_is_not_kept_and_its_caption_says_so) {
  Reply r;
  r.chat_id = 1;
  r.html = "<b>BONK</b> 24h";
  r.photo_png = std::string("\x89PNG\r\n", 6);
  auto back = decode_replies(encode_replies({r}));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].photo_png, std::nullopt);
  EXPECT_EQ((*back)[0].html, "<b>BONK</b> 24h" + std::string(kPhotoNotKept));
}

TEST(ReplyCodec, an_empty_list_round_trips_and_malformed_text_is_refused) {
  EXPECT_EQ(encode_replies({}), "[]");
  EXPECT_TRUE(decode_replies("[]")->empty());
  for (const char* bad : {"", "{", "{}", "[1]", R"([{"html":"x"}])", R"([{"chat_id":1}])",
                          R"([{"chat_id":1,"html":"x","buttons":[[{"label":"a"}]]}])",
                          R"([{"chat_id":1,"html":"x","edit_message_id":"5"}])"}) {
    auto r = decode_replies(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "E-REPLY-JSON") << bad;
  }
}

}  // namespace
}  // namespace kt::bot
