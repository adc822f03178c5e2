#pragma once
// Telegram Bot API client over the HTTP port. Error texts are built from the method name only:
// the token (part of every URL) never reaches a message, a log line or an exception.
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/conversation.hpp"
#include "core/result.hpp"
#include "http/http_client.hpp"
#include "telegram/update_batch.hpp"

namespace kt::telegram {

/// Where and as whom the client talks.
struct BotApiOptions {
  std::string api_url = "https://api.telegram.org";  ///< any http/https base URL (tests: loopback)
  std::string token;
  std::chrono::milliseconds request_timeout{15'000};  ///< getUpdates adds its long-poll time
  /// A token revoked while running (BotFather /revoke) makes every call answer 401. Once 401s have
  /// come back-to-back, with no other answer between them, for this long, on_token_rejected runs
  /// (once). The span guards against a single spurious 401 during a Telegram incident.
  std::chrono::milliseconds token_rejected_after{5'000};
};

/// The bot's own account (getMe).
struct BotIdentity {
  std::int64_t id = 0;
  std::string username;  ///< without '@'
  std::string first_name;
};

/// A user's membership of a chat (getChatMember).
struct ChatMember {
  std::int64_t user_id = 0;
  std::string status;  ///< "creator", "administrator", "member", "restricted", "left" or "kicked"
  /// Creators and administrators run the group (and its contests).
  bool is_admin() const { return status == "creator" || status == "administrator"; }
};

/// Decodes getChatMember's result (a ChatMember object); E-TG-BAD-RESPONSE if it has no status.
Result<ChatMember> parse_chat_member(const nlohmann::json& result);

/// One entry of the command menu (setMyCommands).
struct BotCommand {
  std::string command;  ///< without '/'
  std::string description;
};

using Keyboard = std::vector<std::vector<bot::Button>>;

/// Decodes a Bot API answer: the `result` of {ok:true}, or an Error. Codes: "E-TG-429" (retryable,
/// retry_after from parameters.retry_after), "E-TG-409" (retryable: webhook active or another
/// poller), "E-TG-401"/"E-TG-404" (fatal: token rejected), "E-TG-5XX" (retryable), "E-TG-400",
/// "E-TG-403" (rejected; the message carries Telegram's description), "E-TG-BAD-RESPONSE".
Result<nlohmann::json> parse_api_response(std::string_view method, long http_status, std::string_view body);

/// Telegram refused the HTML (400 "can't parse entities").
bool is_parse_entities_error(const Error& error);
/// An edit that changed nothing (400 "message is not modified"): success for our purposes.
bool is_not_modified_error(const Error& error);

/// Parameters of sendMessage (link previews off). `force_reply` (only without a keyboard): the
/// client opens a reply to the message, with that placeholder in the input field.
nlohmann::json send_message_params(std::int64_t chat_id, const std::string& text, bool html, const Keyboard& keyboard,
                                   const std::optional<std::string>& force_reply);
/// Parameters of editMessageText (link previews off).
nlohmann::json edit_message_text_params(std::int64_t chat_id, std::int64_t message_id, const std::string& text,
                                        bool html, const Keyboard& keyboard);
/// Parameters of answerCallbackQuery (empty `text`: no toast).
nlohmann::json answer_callback_query_params(const std::string& callback_query_id, const std::string& text);

class BotApi {
 public:
  /// How a started call ends, for callers that need only the outcome (the outbound queue): ok, or
  /// the Error call() would return.
  using Settled = std::function<void(Result<void>)>;

  /// Registers the token as a secret for log redaction.
  BotApi(http::Client& client, BotApiOptions options);

  /// Calls `method` with JSON `params`; the `result` field or an Error.
  Result<nlohmann::json> call(const std::string& method, const nlohmann::json& params,
                              std::chrono::milliseconds extra_timeout = std::chrono::milliseconds{0},
                              const std::atomic<bool>* cancel = nullptr);

  /// `method` without waiting: `settled` runs once, on the HTTP client's thread (see
  /// http::Client::start), so one thread can keep many calls in flight. The result is not decoded:
  /// an HTTP 200 answer that starts as Telegram's successful ones do ({"ok":true) is success.
  void start_send(const std::string& method, const nlohmann::json& params, Settled settled);
  /// sendPhoto (a multipart upload of PNG bytes, the caption and its keyboard), as start_send.
  void start_send_photo(std::int64_t chat_id, const std::string& png, const std::string& caption, bool html,
                        const Keyboard& keyboard, Settled settled);

  /// Errors: fatal "E-TG-401" with message "the bot token was rejected (401 Unauthorized)".
  Result<BotIdentity> get_me();
  /// Long poll: updates with id ≥ offset, as raw JSON objects.
  /// `cancel` (optional) aborts the wait, for a quick shutdown.
  Result<std::vector<nlohmann::json>> get_updates(std::int64_t offset, int timeout_seconds = 50, int limit = 100,
                                                  const std::atomic<bool>* cancel = nullptr);
  /// The same long poll, the answer split into raw updates (see update_batch.hpp) instead of parsed:
  /// the poller parses only the updates it has not taken yet. Errors as for get_updates.
  Result<UpdateBatch> get_update_batch(std::int64_t offset, int timeout_seconds, int limit,
                                       const std::atomic<bool>* cancel = nullptr);
  /// The status of `user_id` in `chat_id`. Errors as for call() (e.g. E-TG-400 for an unknown chat).
  Result<ChatMember> get_chat_member(std::int64_t chat_id, std::int64_t user_id);
  Result<void> set_my_commands(const std::vector<BotCommand>& commands);
  Result<void> set_webhook(const std::string& url, const std::string& secret_token,
                           const std::vector<std::string>& allowed_updates = {"message", "callback_query"});
  Result<void> delete_webhook(bool drop_pending_updates = false);

  /// `text` with the token replaced (defence in depth for anything echoed back by a server).
  std::string redact(std::string text) const;

  /// Called once, on the thread whose call completed the evidence, when Telegram has rejected the
  /// token at every call for BotApiOptions::token_rejected_after. Set before the first call.
  void set_on_token_rejected(std::function<void()> on_token_rejected) {
    on_token_rejected_ = std::move(on_token_rejected);
  }
  /// The token has been rejected as described above.
  bool token_rejected() const { return token_rejected_.load(); }

 private:
  /// Tracks back-to-back 401 answers; any other answer (an error included) clears the run.
  void note_answer(bool unauthorized);
  Result<nlohmann::json> finish(const std::string& method, Result<http::Response> response);
  /// finish() for start_send: a plain successful answer is not parsed.
  Result<void> outcome(const std::string& method, Result<http::Response> response);
  /// A POST of `params` as JSON to `method`.
  http::Request json_request(const std::string& method, const nlohmann::json& params,
                             std::chrono::milliseconds extra_timeout, const std::atomic<bool>* cancel) const;
  /// The multipart sendPhoto upload.
  http::Request photo_request(std::int64_t chat_id, const std::string& png, const std::string& caption, bool html,
                              const Keyboard& keyboard) const;
  std::string method_url(const std::string& method) const;

  http::Client& client_;
  BotApiOptions options_;
  std::function<void()> on_token_rejected_;
  std::mutex rejection_mutex_;
  std::optional<std::chrono::steady_clock::time_point> first_unauthorized_;  ///< of the current run of 401s
  std::atomic<bool> in_unauthorized_run_{false};                             ///< lets the usual answer skip the mutex
  std::atomic<bool> token_rejected_{false};
};

/// inline_keyboard reply markup for `keyboard`.
nlohmann::json keyboard_markup(const Keyboard& keyboard);

}  // namespace kt::telegram
