#pragma once
// A lean Bot API for the load driver, on 127.0.0.1 with keep-alive: getUpdates answers from an
// open-loop schedule (update k becomes available at start + k/rate, given to a user who has no
// command outstanding), and every outbound call (sendMessage, editMessageText, answerCallbackQuery,
// sendPhoto, ...) is timestamped on receipt. A command's latency is from its scheduled
// availability to the first outbound call for its user. One epoll thread serves every connection
// (loop_http_server.hpp); a getUpdates with nothing to give is parked there until updates are
// released or its timeout (at most 1 s) passes.
// Webhook mode (start_webhook): instead of waiting for getUpdates, each update is POSTed as it
// becomes available to the bot's listener over `connections` keep-alive connections, one at a time
// per connection and each waiting for the answer, like Telegram (its default max_connections is 40);
// one thread drives them all (webhook_pusher.cpp).
#include <nlohmann/json.hpp>

#include "loop_http_server.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace kt::bench {

using SteadyTime = std::chrono::steady_clock::time_point;

/// The command mix, in percent of updates (the rest are /price).
struct Mix {
  int info = 10;
  int wallet = 15;
  int positions = 10;
  int open = 15;
  int close = 8;
  int button = 17;  ///< position card (p:), refresh (r:) or 50% close (c:) on a known position
};

/// What one phase measured.
struct PhaseResult {
  double offered_per_s = 0;
  double replied_per_s = 0;
  std::size_t released = 0;
  std::size_t replied = 0;
  std::size_t unanswered = 0;    ///< released, no reply within the drain time
  std::size_t no_idle_user = 0;  ///< slots skipped because every user had a command outstanding
  std::size_t error_replies = 0;
  std::size_t outbound_calls = 0;
  std::vector<double> latencies_ms;
  std::vector<double> fetch_delays_ms;  ///< available → first served by getUpdates
  std::map<std::string, std::size_t> by_kind;
  std::map<std::string, std::vector<double>> latencies_by_kind;
  /// Arrival of every call Telegram rate-limits (sendMessage, editMessageText, sendPhoto) and its chat.
  std::vector<std::pair<SteadyTime, std::int64_t>> paced_calls;
};

class LoadBotApi {
 public:
  /// Users are Telegram ids first_user .. first_user + users - 1 (private chats).
  LoadBotApi(std::string token, std::int64_t first_user, std::size_t users, Mix mix, std::uint64_t seed);
  ~LoadBotApi();
  LoadBotApi(const LoadBotApi&) = delete;
  LoadBotApi& operator=(const LoadBotApi&) = delete;

  std::string api_url() const;
  /// Runs one open-loop phase of `seconds` at `rate` updates/s, then waits up to `drain` for replies.
  PhaseResult run_phase(double rate, std::chrono::milliseconds duration, std::chrono::milliseconds drain);
  /// Number of getUpdates calls so far.
  std::size_t polls() const;
  /// The bot has called getUpdates or setWebhook: it is taking updates.
  bool bot_started() const;
  /// Delivers updates to http://127.0.0.1:port/path with the secret header from now on.
  void start_webhook(int port, std::string path, std::string secret, std::size_t connections);
  /// Every call other than getUpdates is answered only after `delay`, like Telegram's round trip
  /// from a server (50–300 ms) rather than loopback's microseconds. Set before the bot starts.
  void set_call_delay(std::chrono::milliseconds delay) { call_delay_ = delay; }

 private:
  struct UserState {
    std::int64_t id = 0;
    std::vector<std::int64_t> positions;  ///< open ones as learnt from replies
    std::int64_t last_message_id = 0;
    bool outstanding = false;
    SteadyTime available{};
    SteadyTime fetched{};
    std::string kind;
  };
  struct Released {
    std::int64_t id;
    std::string body;  ///< the update's JSON
    std::size_t user;
    bool served = false;
  };

  /// A long poll not answered yet: answered when updates are released or at its deadline.
  struct ParkedPoll {
    LoopHttpServer::ConnId connection;
    std::int64_t offset;
    std::int64_t limit;
    SteadyTime deadline;
    SteadyTime received;
  };

  /// On the server's loop thread.
  std::optional<LoopHttpServer::Reply> on_request(LoopHttpServer::ConnId connection, std::string_view path,
                                                  const std::string& body, SteadyTime received);
  std::string handle(const std::string& method, const nlohmann::json& params, SteadyTime now);
  /// Webhook mode: drives the connections to the bot's listener (webhook_pusher.cpp).
  void push_loop(int port, const std::string& path, const std::string& secret, std::size_t connections);
  /// getUpdates' answer for `poll`, or nullopt while it has nothing and its deadline has not come.
  std::optional<std::string> updates_for(const ParkedPoll& poll, SteadyTime now);
  /// The server's tick: answers the parked polls that can be; returns when to look again.
  SteadyTime answer_parked_polls(SteadyTime now);
  void release_due(SteadyTime now);
  nlohmann::json make_update(std::size_t user_index, std::string& kind);
  void outbound(std::size_t user_index, const std::string& text, SteadyTime at);

  std::string token_;
  std::int64_t first_user_;
  Mix mix_;
  std::mt19937_64 rng_;
  std::unique_ptr<LoopHttpServer> server_;
  int port_ = 0;
  const bool trace_ = std::getenv("KT_LOAD_TRACE") != nullptr;
  std::chrono::milliseconds call_delay_{0};

  mutable std::mutex mutex_;
  std::condition_variable released_cv_;
  int push_wake_fd_ = -1;  ///< webhook: an eventfd written when updates were released
  std::vector<UserState> users_;
  std::deque<std::size_t> ready_;                           ///< users without a command outstanding
  std::deque<std::pair<SteadyTime, std::size_t>> cooling_;  ///< ready again after a short pause
  std::deque<Released> released_;
  std::vector<ParkedPoll> parked_;  ///< only the server's loop thread touches it
  std::map<std::string, std::size_t> callback_user_;
  std::int64_t next_update_id_ = 1;
  std::int64_t next_message_id_ = 1;
  std::size_t polls_ = 0;
  bool webhook_set_ = false;
  bool webhook_ = false;        ///< updates are pushed, not polled
  bool shutting_down_ = false;  ///< the pushers exit
  std::vector<std::thread> pushers_;
  // the phase
  bool running_ = false;
  SteadyTime start_{};
  SteadyTime end_{};
  double rate_ = 0;
  std::uint64_t next_slot_ = 0;
  PhaseResult result_;
};

}  // namespace kt::bench
