#pragma once
// Users who trade in a closed loop against the bot under test: each sends one command, waits for
// its reply, then sends the next, so every reply belongs to exactly one update. After an "Opened
// #N" the user closes N; otherwise it opens again. Many users at once make a steady stream.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "e2e/e2e_fixture.hpp"

namespace kt::faults {

/// One command a user sent and the reply it got (empty while none came).
struct Exchange {
  std::int64_t user = 0;
  std::int64_t update_id = 0;
  std::string command;
  std::string reply;
  std::chrono::system_clock::time_point sent_at;
  std::chrono::system_clock::time_point replied_at;
};

class ClosedLoopUsers {
 public:
  ClosedLoopUsers(kt::testing::FakeBotApi& fake, std::vector<std::int64_t> users, std::string open_command)
      : fake_(fake), users_(std::move(users)), open_command_(std::move(open_command)) {
    for (auto user : users_) state_[user];
  }

  /// Runs the loop until `done()` (checked after each round) or the deadline; true when done.
  /// `sending` false: only collects the replies still outstanding.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout, bool sending = true) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      step(sending);
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    step(sending);
    return done();
  }
  /// Collects the outstanding replies without sending more; true when none is outstanding.
  bool drain(std::chrono::milliseconds timeout) {
    return run_until([&] { return outstanding() == 0; }, timeout, false);
  }

  std::size_t outstanding() const {
    std::size_t n = 0;
    for (const auto& [user, s] : state_) n += s.waiting ? 1 : 0;
    return n;
  }
  /// Every exchange so far, in the order the commands were sent.
  const std::vector<Exchange>& exchanges() const { return exchanges_; }
  /// Exchanges whose reply contains `needle` and that were answered at or after `since`.
  std::size_t replies_with(const std::string& needle, std::chrono::system_clock::time_point since = {}) const {
    std::size_t n = 0;
    for (const auto& e : exchanges_) n += (!e.reply.empty() && e.replied_at >= since && contains(e.reply, needle));
    return n;
  }
  std::size_t replies_with_per_user_min(const std::string& needle, std::chrono::system_clock::time_point since) const {
    std::map<std::int64_t, std::size_t> per_user;
    for (auto user : users_) per_user[user] = 0;
    for (const auto& e : exchanges_) {
      if (!e.reply.empty() && e.replied_at >= since && contains(e.reply, needle)) ++per_user[e.user];
    }
    std::size_t least = SIZE_MAX;
    for (const auto& [user, n] : per_user) least = std::min(least, n);
    return least;
  }

 private:
  static bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
  }
  struct UserState {
    bool waiting = false;
    std::size_t replies_seen = 0;
    std::size_t exchange = 0;  // index into exchanges_ of the outstanding command
    std::string next_close;    // position id to close next, if the last reply opened one
  };

  void step(bool sending) {
    std::map<std::int64_t, std::vector<std::string>> texts;
    for (const auto& c : fake_.calls("sendMessage")) {
      texts[c.params.value("chat_id", std::int64_t{0})].push_back(c.params.value("text", ""));
    }
    for (auto user : users_) {
      UserState& s = state_[user];
      const auto& mine = texts[user];
      if (s.waiting && mine.size() > s.replies_seen) {
        Exchange& e = exchanges_[s.exchange];
        e.reply = mine[s.replies_seen];
        e.replied_at = std::chrono::system_clock::now();
        s.waiting = false;
        s.next_close.clear();
        const std::string opened = "Opened <b>#";
        if (const auto at = e.reply.find(opened); at != std::string::npos) {
          const auto from = at + opened.size();
          s.next_close = e.reply.substr(from, e.reply.find('<', from) - from);
        }
      }
      s.replies_seen = mine.size();
      if (!sending || s.waiting) continue;
      Exchange e;
      e.user = user;
      e.command = s.next_close.empty() ? open_command_ : "/close " + s.next_close;
      e.sent_at = std::chrono::system_clock::now();
      e.update_id = fake_.push_text(user, user, e.command);
      s.waiting = true;
      s.exchange = exchanges_.size();
      exchanges_.push_back(std::move(e));
    }
  }

  kt::testing::FakeBotApi& fake_;
  std::vector<std::int64_t> users_;
  std::string open_command_;
  std::map<std::int64_t, UserState> state_;
  std::vector<Exchange> exchanges_;
};

}  // namespace kt::faults
