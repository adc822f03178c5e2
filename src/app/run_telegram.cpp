#include "app/run_telegram.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <span>
#include <sstream>

#include <fmt/format.h>

#include "app/application.hpp"
#include "app/contest_watch.hpp"
#include "app/market_loop.hpp"
#include "app/observability.hpp"
#include "bot/commands.hpp"
#include "bot/delivery_batcher.hpp"
#include "ops/logging.hpp"
#include "telegram/front_end.hpp"

namespace kt::app {
namespace {

/// Start-up re-sends at most this many undelivered replies (oldest first); the rest stay stored.
constexpr int kMaxRepliesResentAtStart = 10'000;

/// The token from telegram.token (env TELEGRAM_BOT_TOKEN) or telegram.token_file.
Result<std::string> bot_token(const ops::TelegramConfig& config) {
  if (!config.token.empty()) return config.token;
  if (config.token_file.empty()) {
    return fatal("E-CONFIG",
                 "no bot token: set TELEGRAM_BOT_TOKEN or telegram.token_file (or use `kitrader console --demo`)");
  }
  struct stat st {};
  if (::stat(config.token_file.c_str(), &st) != 0)
    return fatal("E-CONFIG", "telegram.token_file: cannot read " + config.token_file);
  KT_TRY_VOID(ops::check_secret_file_mode(st.st_mode, config.token_file));
  std::ifstream in(config.token_file);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return fatal("E-CONFIG", "telegram.token_file: " + config.token_file + " is empty");
  return token;
}

/// "Is this user an admin of that group?", asked of Telegram (getChatMember) for /contest.
class TelegramChatAdmins final : public bot::ChatAdmins {
 public:
  explicit TelegramChatAdmins(telegram::BotApi& api) : api_(api) {}
  Result<bool> is_chat_admin(std::int64_t chat_id, std::int64_t telegram_user_id) override {
    KT_TRY(const telegram::ChatMember member, api_.get_chat_member(chat_id, telegram_user_id));
    return member.is_admin();
  }

 private:
  telegram::BotApi& api_;
};

Result<std::pair<std::string, int>> split_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    return fatal("E-CONFIG", "telegram.webhook_listen: expected host:port, got " + listen);
  return std::make_pair(listen.substr(0, colon), std::stoi(listen.substr(colon + 1)));
}

}  // namespace

std::size_t outbound_calls_in_flight(const ops::TelegramConfig& telegram, std::size_t workers) {
  // Paced, the calls in flight must never be what holds the rate below the bucket's: a call can
  // take 500 ms from a distant server, and button answers (unpaced) share the slots with messages —
  // bucket rate × 0.5 s × 2. With the former 8 and 300 ms round trips the bot sent 24 messages/s
  // (bench/e2e_load/pacing_main.cpp). Capped at 64 for paid broadcast rates. Unpaced (a local Bot
  // API server, benchmarks) a call waits on the server's own call to Telegram, tens of ms: 64 keep
  // ~1,000 replies/s flowing at 50 ms. A call in flight costs a connection, not a thread.
  if (telegram.calls_in_flight > 0) return static_cast<std::size_t>(telegram.calls_in_flight);
  if (!telegram.pacing_enabled) return std::max<std::size_t>(64, 2 * workers);
  const auto paced = static_cast<std::size_t>(std::ceil(std::max(0, telegram.global_rate_per_sec) * 0.5 * 2));
  return std::clamp<std::size_t>(paced, 8, 64);
}

int run_telegram(const ops::Config& config, const Clock& clock) {
  // Signals are taken synchronously by this thread only; workers never see them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto logging = ops::Logging::setup(config.log, ops::secrets_of(config));
  if (!logging) {
    std::cerr << "kitrader: " << logging.error().message << "\n";
    return 2;
  }
  auto log = ops::component_logger("app");

  auto token = bot_token(config.telegram);
  if (!token) {
    std::cerr << "kitrader: " << token.error().message << "\n";
    return 2;
  }
  auto app = Application::build(config, clock);
  if (!app) {
    std::cerr << "kitrader: " << app.error().message << "\n";
    return 2;
  }

  telegram::FrontEndOptions options;
  options.api.api_url = config.telegram.api_url;
  options.api.token = *token;
  options.shards = static_cast<std::size_t>(std::max(1, config.telegram.workers));
  options.outbound.global_per_second = config.telegram.global_rate_per_sec;
  options.outbound.pacing_enabled = config.telegram.pacing_enabled;
  options.outbound.calls_in_flight = outbound_calls_in_flight(config.telegram, options.shards);
  if (config.telegram.mode == "webhook") {
    options.mode = telegram::ReceiveMode::kWebhook;
    auto listen = split_listen(config.telegram.webhook_listen);
    if (!listen) {
      std::cerr << "kitrader: " << listen.error().message << "\n";
      return 2;
    }
    options.webhook.listen_host = listen->first;
    options.webhook.listen_port = listen->second;
    options.webhook.secret = config.telegram.webhook_secret;
    options.webhook.public_url = config.telegram.webhook_url;
    // The listener serves the registered URL's path, so Telegram can reach it without a rewriting proxy.
    if (auto scheme = config.telegram.webhook_url.find("://"); scheme != std::string::npos) {
      auto path = config.telegram.webhook_url.find('/', scheme + 3);
      if (path != std::string::npos) {
        options.webhook.path =
            config.telegram.webhook_url.substr(path, config.telegram.webhook_url.find_first_of("?#", path) - path);
      }
    }
  }
  for (const auto& spec : bot::command_table()) {
    if (!spec.admin_only) options.commands.push_back({std::string(spec.name), std::string(spec.description)});
  }

  storage::Repository& repository = (*app)->repository();
  bot::Dispatcher& dispatcher = (*app)->dispatcher();
  telegram::TelegramFrontEnd front_end((*app)->http(), clock, options,
                                       [&](const bot::Incoming& in) { return dispatcher.handle(in); },
                                       [&]() -> std::optional<std::int64_t> {
                                         std::optional<std::int64_t> last;
                                         auto r = repository.read([&](storage::Transaction& tx) -> Result<void> {
                                           KT_TRY(last, tx.last_update_id());
                                           return {};
                                         });
                                         return r.ok() ? last : std::nullopt;
                                       });
  MarketLoop market(**app, clock, [&front_end](bot::Reply reply) { front_end.queue().push(reply); });
  TelegramChatAdmins chat_admins(front_end.api());
  dispatcher.set_chat_admins(&chat_admins);
  // Final rankings carry their outbox key as update_id: the queue reports their delivery like replies.
  // Wired before the workers start; stopped after they finished.
  ContestWatch contests(dispatcher, [&front_end](bot::Reply reply) { front_end.queue().push(reply); });
  dispatcher.set_contest_stopped_listener([&contests] { contests.wake(); });
  auto observability = Observability::start(**app, clock, &front_end.queue(), &market);
  if (!observability) {
    std::cerr << "kitrader: " << observability.error().message << "\n";
    return 2;
  }
  // Issue 7: a reply stored with its update is marked sent once Telegram accepted it; replies a
  // crash kept from being sent are queued again before the first new update is taken.
  // Delivered replies are marked in batches (one write transaction per few ms), after the mark
  // committed forgotten in memory: a redelivery meanwhile still finds the reply in flight.
  bot::DeliveryBatcher delivered(
      [&dispatcher](std::span<const std::int64_t> update_ids) { dispatcher.replies_delivered(update_ids); });
  front_end.queue().set_on_delivered([&delivered](std::int64_t update_id) { delivered.add(update_id); });
  delivered.start();
  if (auto undelivered = dispatcher.undelivered_replies(kMaxRepliesResentAtStart); !undelivered.empty()) {
    log->info("re-sending {} replies a previous run committed but did not deliver", undelivered.size());
    for (const auto& reply : undelivered) front_end.queue().push(reply);
  }
  // A token revoked while running: every call answers 401, so the bot could never answer anyone
  // again. It stops the way SIGTERM does and exits 2, which the systemd unit does not restart
  // (RestartPreventExitStatus): a crash loop against a dead token helps nobody.
  front_end.api().set_on_token_rejected([] { ::kill(::getpid(), SIGTERM); });
  if (auto started = front_end.start(); !started) {
    log->error("start failed: {}", started.error().message);
    std::cerr << "kitrader: " << started.error().message << "\n";
    (*observability)->stop();
    return started.error().kind == ErrorKind::kFatal ? 2 : 1;
  }
  if (front_end.webhook_stats()) {
    // Wired after start(): the listener exists from then on, and the scrape thread only reads it.
    (*observability)->metrics().set_webhook([&front_end] {
      const auto stats = front_end.webhook_stats().value_or(telegram::WebhookServer::Stats{});
      return ops::WebhookSample{stats.open_connections, stats.connections_accepted, stats.connections_refused,
                                stats.requests, stats.timeouts};
    });
  }
  market.start();
  contests.start();
  log->info("running as @{} ({}, {}); SIGTERM or Ctrl-C stops", front_end.bot_username(),
            options.mode == telegram::ReceiveMode::kWebhook ? "webhook" : "long polling", repository.backend_name());
  int received = 0;
  while (true) {
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    if (auto r = (*logging)->reopen(); !r) std::cerr << "kitrader: " << r.error().message << "\n";
    log->info("SIGHUP: log files reopened");
  }
  const bool token_rejected = front_end.api().token_rejected();
  if (token_rejected) {
    const std::string why = fmt::format(
        "Telegram rejects the bot token (401 Unauthorized at every call for {} s): it was probably revoked in "
        "@BotFather. Put the new token where telegram.token_file / TELEGRAM_BOT_TOKEN points and start again; "
        "stored replies not yet delivered are sent then",
        std::chrono::duration_cast<std::chrono::seconds>(options.api.token_rejected_after).count());
    log->error("stopping: {}", why);
    std::cerr << "kitrader: " << why << "\n";
  } else {
    log->info("{}: finishing in-flight commands", received == SIGINT ? "SIGINT" : "SIGTERM");
  }
  market.stop();
  front_end.stop(std::chrono::seconds(8));
  delivered.stop();
  contests.stop();
  (*observability)->stop();
  (*logging)->flush();
  return token_rejected ? 2 : 0;
}

}  // namespace kt::app
