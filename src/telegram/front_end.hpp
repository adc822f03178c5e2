#pragma once
// The Telegram front end: Bot API client + poller or webhook + worker shards + outbound queue.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/http_client.hpp"
#include "telegram/bot_api.hpp"
#include "telegram/dispatcher.hpp"
#include "telegram/handler.hpp"
#include "telegram/outbound_queue.hpp"
#include "telegram/poller.hpp"
#include "telegram/update_acks.hpp"
#include "telegram/webhook_server.hpp"

namespace kt::telegram {

enum class ReceiveMode { kPolling, kWebhook };

struct FrontEndOptions {
  BotApiOptions api;
  ReceiveMode mode = ReceiveMode::kPolling;
  PollerOptions poller;
  WebhookOptions webhook;
  OutboundOptions outbound;
  std::size_t shards = 4;
  std::vector<BotCommand> commands;  ///< the command menu (setMyCommands); empty: not set
  /// How long start() keeps retrying getMe after transient failures (connection reset, 5xx,
  /// 429) before giving up; a rejected token fails at once. Under 10 s, so a SIGTERM that arrives
  /// meanwhile is still honoured within systemd's stop timeout.
  std::chrono::milliseconds start_retry_budget{8'000};
};

class TelegramFrontEnd {
 public:
  /// `last_processed_update_id` (the highest update id stored as applied) is only logged at start:
  /// polling does not resume after it, because with several shards a lower update may still have
  /// been unapplied at a crash. Telegram keeps every unconfirmed update and the handler skips the
  /// applied ones by id (see poller.hpp and docs/telegram.md).
  TelegramFrontEnd(http::Client& client, const Clock& clock, FrontEndOptions options, UpdateHandler handler,
                   std::function<std::optional<std::int64_t>()> last_processed_update_id,
                   OutboundQueue::WaitUntil queue_wait = nullptr);
  ~TelegramFrontEnd();
  TelegramFrontEnd(const TelegramFrontEnd&) = delete;
  TelegramFrontEnd& operator=(const TelegramFrontEnd&) = delete;

  /// getMe, setMyCommands (tolerated if it fails), then polling or setWebhook + listener.
  /// Errors: fatal "E-TG-401" "the bot token was rejected (401 Unauthorized)", the getMe error,
  /// or the webhook's bind/setWebhook error.
  Result<void> start();
  /// Stops taking updates, finishes those in flight and flushes the queue, within `drain_budget`.
  void stop(std::chrono::milliseconds drain_budget);

  const std::string& bot_username() const { return identity_.username; }
  /// The webhook's bound port (webhook mode), else 0.
  int webhook_port() const { return webhook_ ? webhook_->port() : 0; }
  /// The listener's counters (webhook mode, once started), else nullopt. Call after start().
  std::optional<WebhookServer::Stats> webhook_stats() const {
    return webhook_ ? std::optional(webhook_->stats()) : std::nullopt;
  }
  BotApi& api() { return api_; }
  const OutboundQueue& queue() const { return queue_; }
  /// For replies that do not answer an update (order fills, contest results).
  OutboundQueue& queue() { return queue_; }
  const UpdateDispatcher* dispatcher() const { return dispatcher_.get(); }

 private:
  /// getMe, retried after transient failures within options_.start_retry_budget.
  Result<BotIdentity> sign_in();

  const Clock& clock_;
  FrontEndOptions options_;
  UpdateHandler handler_;
  std::function<std::optional<std::int64_t>()> last_processed_;
  BotApi api_;
  OutboundQueue queue_;
  BotIdentity identity_;
  std::unique_ptr<Poller> poller_;  // before dispatcher_: workers report to it until they are joined
  std::unique_ptr<UpdateDispatcher> dispatcher_;
  UpdateAcks acks_;  // before webhook_: its answers are registered here
  std::unique_ptr<WebhookServer> webhook_;
  bool started_ = false;
};

}  // namespace kt::telegram
