#include "telegram/front_end.hpp"

#include <thread>

#include "telegram/log.hpp"

namespace kt::telegram {

TelegramFrontEnd::TelegramFrontEnd(http::Client& client, const Clock& clock, FrontEndOptions options,
                                   UpdateHandler handler,
                                   std::function<std::optional<std::int64_t>()> last_processed_update_id,
                                   OutboundQueue::WaitUntil queue_wait)
    : clock_(clock),
      options_(std::move(options)),
      handler_(std::move(handler)),
      last_processed_(std::move(last_processed_update_id)),
      api_(client, options_.api),
      queue_(api_, clock, options_.outbound, std::move(queue_wait)) {}

TelegramFrontEnd::~TelegramFrontEnd() {
  if (started_) stop(std::chrono::milliseconds(0));
}

Result<BotIdentity> TelegramFrontEnd::sign_in() {
  // A restart often meets a transient failure — a connection the server is closing, a 5xx or a
  // 429 — and exiting on it would turn a blip into a crash loop; so getMe is retried with back-off.
  const auto deadline = std::chrono::steady_clock::now() + options_.start_retry_budget;
  std::chrono::milliseconds delay{250};
  for (;;) {
    auto me = api_.get_me();
    if (me.ok() || !me.error().retryable()) return me;
    auto wait = std::max(delay, std::chrono::duration_cast<std::chrono::milliseconds>(me.error().retry_after));
    if (std::chrono::steady_clock::now() + wait > deadline) return me;
    log(LogLevel::kWarn, "getMe failed ({}); retrying in {} ms", me.error().message, wait.count());
    std::this_thread::sleep_for(wait);
    delay = std::min(delay * 2, std::chrono::milliseconds(4'000));
  }
}

Result<void> TelegramFrontEnd::start() {
  auto me = sign_in();
  if (!me.ok()) {
    if (me.error().code == "E-TG-404") return fatal("E-TG-401", "the bot token was rejected (404 Not Found)");
    return me.error();
  }
  identity_ = *me;
  log(LogLevel::kInfo, "signed in as @{} (id {})", identity_.username, identity_.id);

  if (!options_.commands.empty()) {
    if (auto r = api_.set_my_commands(options_.commands); !r.ok()) {
      log(LogLevel::kWarn, "setMyCommands failed, continuing without a command menu: {}", r.error().message);
    }
  }

  auto dispatch = [this](ParsedUpdate update) { return dispatcher_->dispatch(std::move(update)); };
  if (options_.mode == ReceiveMode::kPolling) {
    poller_ = std::make_unique<Poller>(api_, clock_, options_.poller, identity_.username, dispatch);
  }
  ReplySink sink;
  sink.send = [this](const bot::Reply& reply) { queue_.push(reply); };
  // Queued, not called: a worker never waits on HTTP (the senders answer before sending messages).
  sink.answer_callback = [this](const std::string& id, const std::string& text) { queue_.answer_callback(id, text); };
  // Webhook updates are acknowledged by the HTTP answer, sent once the update finished
  // (update_acks.hpp); polled ones by the next offset, which the poller only moves past updates
  // reported here.
  if (poller_) {
    sink.finished = [poller = poller_.get()](std::int64_t id) { poller->finished(id); };
  } else {
    sink.finished = [this](std::int64_t id) { acks_.complete(id); };
  }
  dispatcher_ = std::make_unique<UpdateDispatcher>(options_.shards, handler_, std::move(sink));
  queue_.start();
  dispatcher_->start();

  if (options_.mode == ReceiveMode::kWebhook) {
    // 200 once the worker finished the update, written by that worker; 503 (Telegram retries) when
    // it was not taken (shutting down), or was abandoned at shutdown; the listener answers 503 itself
    // after ack_timeout (a retry finds the update claimed).
    auto dispatch_and_answer = [this](ParsedUpdate update, WebhookServer::Answer answer) {
      const std::int64_t id = update.update_id;
      const std::uint64_t ticket = acks_.expect(id, answer);
      if (!dispatcher_->dispatch(std::move(update))) {
        acks_.forget(id, ticket);
        answer(false);
      }
    };
    webhook_ = std::make_unique<WebhookServer>(options_.webhook, identity_.username, dispatch_and_answer);
    if (auto r = webhook_->start(); !r.ok()) return r;
    if (auto r = api_.set_webhook(options_.webhook.public_url, options_.webhook.secret); !r.ok()) {
      webhook_->stop();
      return r;
    }
  } else {
    std::optional<std::int64_t> last = last_processed_ ? last_processed_() : std::nullopt;
    if (last) {
      log(LogLevel::kInfo,
          "resuming; last applied update {}. Telegram resends what it holds unconfirmed; updates already applied "
          "are skipped by id",
          *last);
    }
    poller_->start();
  }
  started_ = true;
  return ok_result();
}

void TelegramFrontEnd::stop(std::chrono::milliseconds drain_budget) {
  auto started = std::chrono::steady_clock::now();
  if (poller_) poller_->stop();
  auto remaining = [&] {
    auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return std::max(std::chrono::milliseconds(0), drain_budget - spent);
  };
  // The webhook listener stays up while the workers drain, so the updates they finish are still
  // answered 200; new ones get 503 (the dispatcher no longer takes them). What is abandoned is
  // answered 503 too, and Telegram delivers it to the next run.
  if (dispatcher_) dispatcher_->stop(remaining());
  acks_.cancel_all();
  if (webhook_) webhook_->stop();
  if (poller_) poller_->confirm_finished();
  queue_.flush(remaining());
  queue_.stop();
  started_ = false;
}

}  // namespace kt::telegram
