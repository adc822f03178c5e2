#pragma once
// A scriptable fake Telegram Bot API on 127.0.0.1 (a free port) for tests: queues updates for
// getUpdates, records every call, injects faults per method, and drives a bot's webhook.
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace kt::testing {

/// One uploaded file of a multipart call.
struct FilePart {
  std::string content;
  std::string filename;
  std::string content_type;
};

/// One request the bot made.
struct RecordedCall {
  std::string method;
  nlohmann::json params;                  ///< JSON body, or form/multipart fields (JSON-decoded if possible)
  std::map<std::string, FilePart> files;  ///< multipart file parts by field name
  std::chrono::steady_clock::time_point at;
};

/// An injected answer for a method: an error envelope (error_code != 0) and/or a delay.
struct Fault {
  int error_code = 0;  ///< 0: answer normally (after `delay`)
  std::string description;
  std::optional<int> retry_after;
  std::chrono::milliseconds delay{0};

  static Fault too_many_requests(int retry_after_s);
  static Fault conflict_webhook_active();
  static Fault conflict_other_poller();
  static Fault unauthorized();
  static Fault cant_parse_entities();
  static Fault not_modified();
  static Fault server_error();
  static Fault slow(std::chrono::milliseconds delay);
};

class FakeBotApi {
 public:
  explicit FakeBotApi(std::string token = "123456789:AAF-fake-token_for-tests",
                      std::string bot_username = "KiTraderBot");
  ~FakeBotApi();
  FakeBotApi(const FakeBotApi&) = delete;
  FakeBotApi& operator=(const FakeBotApi&) = delete;

  /// "http://127.0.0.1:<port>": the bot's api_url.
  std::string api_url() const;
  const std::string& token() const { return token_; }
  const std::string& bot_username() const { return bot_username_; }
  std::int64_t bot_id() const { return 900'000'001; }

  // --- scripting users ---
  /// Queues an update for getUpdates; assigns the next update_id if it has none. Returns the id.
  std::int64_t push_update(nlohmann::json update);
  /// A text message from a user; chat_id < 0 makes it a supergroup message.
  std::int64_t push_text(std::int64_t user_id, std::int64_t chat_id, const std::string& text,
                         const std::string& username = "trader");
  /// A button press on message `message_id`.
  std::int64_t push_callback(std::int64_t user_id, std::int64_t chat_id, std::int64_t message_id,
                             const std::string& data, const std::string& callback_id = "");
  /// The same JSON an update with this id had (for redelivery tests); nullopt if unknown.
  std::optional<nlohmann::json> update_json(std::int64_t update_id) const;

  /// getChatMember answers `status` for this user in this chat ("member" when not set).
  void set_chat_member_status(std::int64_t chat_id, std::int64_t user_id, const std::string& status);

  // --- faults ---
  /// The next `times` calls of `method` get `fault` (times < 0: every call until cleared).
  void inject(const std::string& method, Fault fault, int times = 1);
  void clear_faults();
  /// Longest wait of a getUpdates that finds nothing (default 200 ms, whatever timeout is asked).
  void set_long_poll_cap(std::chrono::milliseconds cap);

  // --- inspection ---
  std::vector<RecordedCall> calls(const std::string& method = "") const;
  std::size_t count(const std::string& method) const;
  /// Waits (real time) until at least `n` calls of `method` were recorded.
  bool wait_for(const std::string& method, std::size_t n, std::chrono::milliseconds timeout) const;
  /// The parameters of the last setWebhook (nullopt if none or deleted).
  std::optional<nlohmann::json> webhook() const;

  // --- webhook mode ---
  /// POSTs `update` to the bot's webhook at http://host:port/path with the secret header
  /// (omitted when `secret` is nullopt). Returns the HTTP status (0 on transport failure).
  static int post_webhook(const std::string& host, int port, const std::string& path, const nlohmann::json& update,
                          const std::optional<std::string>& secret);

 private:
  struct Stored {
    std::int64_t id;
    nlohmann::json json;
  };
  void handle(const std::string& token, const std::string& method, const nlohmann::json& params,
              std::map<std::string, FilePart> files, int& status, std::string& body);
  nlohmann::json answer(const std::string& method, const nlohmann::json& params, std::unique_lock<std::mutex>& lock);
  std::optional<Fault> take_fault(const std::string& method);

  std::string token_;
  std::string bot_username_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<Stored> pending_;
  std::vector<Stored> all_updates_;
  std::int64_t next_update_id_ = 100'000;
  std::int64_t next_message_id_ = 500;
  std::map<std::string, std::deque<std::pair<Fault, int>>> faults_;
  std::vector<RecordedCall> calls_;
  std::optional<nlohmann::json> webhook_;
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> member_status_;
  std::chrono::milliseconds long_poll_cap_{200};
  bool closing_ = false;
};

}  // namespace kt::testing
