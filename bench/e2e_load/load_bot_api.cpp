#include "load_bot_api.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace kt::bench {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {
// A user gets a new command only this long after the first reply to the previous one, so a
// trailing second message of a reply is never taken for the answer to the next command.
constexpr auto kCooldown = 30ms;
constexpr const char* kJsonUncompressed = "application/json; charset=utf-8";

std::int64_t int_param(const json& params, const char* name) {
  if (!params.contains(name)) return 0;
  const json& v = params[name];
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) return std::stoll(v.get<std::string>());
  return 0;
}

/// Debian's cpp-httplib listens with a backlog of 5 (compiled in, so its macro cannot be changed):
/// a burst of new connections from the bot overflowed it, and each dropped SYN was retried by the
/// kernel after 1 s, a 1 s reply in the benchmark that no real Bot API server would cause. Calling
/// listen() again on a listening socket only changes its backlog; httplib does not expose the
/// socket, so it is found by its port.
void widen_accept_queue(int port) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = 0;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    sockaddr_in address{};
    socklen_t length = sizeof address;
    int accepting = 0;
    socklen_t flag_length = sizeof accepting;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || address.sin_family != AF_INET ||
        ntohs(address.sin_port) != port || ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &flag_length) != 0 ||
        accepting == 0) {
      continue;
    }
    if (::listen(fd, 4096) != 0) std::perror("load fake: widening the accept queue");
    return;
  }
  std::fprintf(stderr, "load fake: listening socket of port %d not found; accept queue left at 5\n", port);
}
}  // namespace

LoadBotApi::LoadBotApi(std::string token, std::int64_t first_user, std::size_t users, Mix mix, std::uint64_t seed)
    : token_(std::move(token)), first_user_(first_user), mix_(mix), rng_(seed) {
  users_.resize(users);
  for (std::size_t i = 0; i < users; ++i) {
    users_[i].id = first_user + static_cast<std::int64_t>(i);
    ready_.push_back(i);
  }
  std::shuffle(ready_.begin(), ready_.end(), rng_);
  server_ = std::make_unique<httplib::Server>();
  // A keep-alive connection holds a pool thread: room for the poller and every call the bot keeps in
  // flight (64 unpaced by default; telegram.calls_in_flight may set more, up to 1,024).
  server_->new_task_queue = [] { return new httplib::ThreadPool(256); };
  server_->set_keep_alive_max_count(1'000'000);
  server_->set_tcp_nodelay(true);  // else Nagle + delayed ACK hold every answer ~40 ms
  server_->set_keep_alive_timeout(5);
  server_->Post(R"(/bot([^/]+)/(\w+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.matches[1] != token_) {
      res.status = 401;
      res.set_content(R"({"ok":false,"error_code":401,"description":"Unauthorized"})", "application/json");
      return;
    }
    // Not "application/json" exactly: for that type Debian's cpp-httplib (built with brotli) compresses
    // every answer the bot's curl accepts encoded, at brotli's top quality: ~40 ms of this process's
    // CPU per 100-update getUpdates, which throttled the poller and measured the fake, not the bot.
    res.set_content(handle(req.matches[2], req.body), kJsonUncompressed);
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // A stop() that comes before the accept loop runs is lost and the join then hangs: wait for it.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  widen_accept_queue(port_);
}

LoadBotApi::~LoadBotApi() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    shutting_down_ = true;
  }
  released_cv_.notify_all();
  if (push_wake_fd_ >= 0) {
    std::uint64_t one = 1;
    (void)!::write(push_wake_fd_, &one, sizeof one);
  }
  for (auto& t : pushers_) t.join();
  if (push_wake_fd_ >= 0) ::close(push_wake_fd_);
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string LoadBotApi::api_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::size_t LoadBotApi::polls() const {
  std::lock_guard lock(mutex_);
  return polls_;
}

bool LoadBotApi::bot_started() const {
  std::lock_guard lock(mutex_);
  return polls_ > 0 || webhook_set_;
}

void LoadBotApi::start_webhook(int port, std::string path, std::string secret, std::size_t connections) {
  {
    std::lock_guard lock(mutex_);
    webhook_ = true;
    push_wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  }
  // One thread keeps time and releases due updates, waking the pusher (release_due).
  pushers_.emplace_back([this] {
    std::unique_lock lock(mutex_);
    while (!shutting_down_) {
      const auto now = std::chrono::steady_clock::now();
      release_due(now);
      auto wake = now + 50ms;
      if (running_) {
        const auto next = start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * next_slot_ / rate_));
        if (next <= end_) wake = std::min(wake, next);
        if (!cooling_.empty()) wake = std::min(wake, cooling_.front().first);
      }
      released_cv_.wait_until(lock, std::max(wake, now + 50us));
    }
  });
  pushers_.emplace_back([this, port, path, secret, connections] { push_loop(port, path, secret, connections); });
}

std::string LoadBotApi::handle(const std::string& method, const std::string& body) {
  const auto now = std::chrono::steady_clock::now();
  json params = body.empty() ? json::object() : json::parse(body, nullptr, false);
  // The round trip is simulated before the answer, outside the lock: calls overlap as they would.
  if (method != "getUpdates" && call_delay_.count() > 0) std::this_thread::sleep_for(call_delay_);
  std::unique_lock lock(mutex_);
  if (method == "getUpdates") return get_updates(params, lock, now);
  if (method == "setWebhook") webhook_set_ = true;
  if (method == "getMe") {
    return R"({"ok":true,"result":{"id":900000001,"is_bot":true,"first_name":"KiTrader","username":"KiLoadBot"}})";
  }
  if (method == "answerCallbackQuery") {
    const std::string id = params.value("callback_query_id", "");
    auto it = callback_user_.find(id);
    if (it != callback_user_.end()) {
      outbound(it->second, "", now);
      callback_user_.erase(it);
    }
    return R"({"ok":true,"result":true})";
  }
  const std::int64_t chat = int_param(params, "chat_id");
  if (chat >= first_user_ && chat < first_user_ + static_cast<std::int64_t>(users_.size())) {
    outbound(static_cast<std::size_t>(chat - first_user_), params.value("text", params.value("caption", "")), now);
  }
  if (method == "sendMessage" || method == "sendPhoto" || method == "editMessageText") {
    if (running_) result_.paced_calls.emplace_back(now, chat);
    const std::int64_t id = method == "editMessageText" ? int_param(params, "message_id") : next_message_id_++;
    if (chat >= first_user_ && chat < first_user_ + static_cast<std::int64_t>(users_.size())) {
      users_[static_cast<std::size_t>(chat - first_user_)].last_message_id = id;
    }
    json message = {
        {"message_id", id}, {"date", 1'700'000'000}, {"chat", {{"id", chat}, {"type", "private"}}}, {"text", "ok"}};
    return json({{"ok", true}, {"result", message}}).dump();
  }
  return R"({"ok":true,"result":true})";
}

void LoadBotApi::outbound(std::size_t u, const std::string& text, SteadyTime at) {
  UserState& user = users_[u];
  ++result_.outbound_calls;
  // Learn position ids from "Opened <b>#N</b>".
  if (auto p = text.find("Opened <b>#"); p != std::string::npos) {
    user.positions.push_back(std::atoll(text.c_str() + p + 11));
  }
  if (!user.outstanding) return;
  user.outstanding = false;
  if (text.find("⚠️") != std::string::npos) ++result_.error_replies;
  if (user.available >= start_) {  // released in this phase
    ++result_.replied;
    const double ms = std::chrono::duration<double, std::milli>(at - user.available).count();
    result_.latencies_ms.push_back(ms);
    result_.latencies_by_kind[user.kind].push_back(ms);
    result_.fetch_delays_ms.push_back(std::chrono::duration<double, std::milli>(user.fetched - user.available).count());
  }
  cooling_.emplace_back(at + kCooldown, u);
}

json LoadBotApi::make_update(std::size_t u, std::string& kind) {
  UserState& user = users_[u];
  const std::int64_t update_id = next_update_id_++;
  const int roll = static_cast<int>(rng_() % 100);
  int edge = 0;
  auto next = [&](int share) { return roll < (edge += share); };
  std::string text;
  std::string data;
  if (next(mix_.info)) {
    kind = "info", text = "/info WIF";
  } else if (next(mix_.wallet)) {
    kind = "wallet", text = "/wallet";
  } else if (next(mix_.positions)) {
    kind = "positions", text = "/positions";
  } else if (next(mix_.open) || (user.positions.empty() && roll < edge + mix_.close + mix_.button)) {
    kind = "open", text = rng_() % 2 ? "/open BONK 0.1" : "/open JUP 0.2";
  } else if (next(mix_.close)) {
    kind = "close", text = "/close " + std::to_string(user.positions.back());
    user.positions.pop_back();
  } else if (next(mix_.button)) {
    kind = "button";
    const std::int64_t pos = user.positions[rng_() % user.positions.size()];
    switch (rng_() % 3) {
      case 0: data = "p:" + std::to_string(pos); break;
      case 1: data = "r:" + std::to_string(pos); break;
      default: data = "c:" + std::to_string(pos) + ":50"; break;
    }
  } else {
    kind = "price", text = rng_() % 2 ? "/price BONK" : "/price JUP";
  }
  json from = {
      {"id", user.id}, {"is_bot", false}, {"first_name", "Load"}, {"username", "load" + std::to_string(user.id)}};
  json chat = {{"id", user.id}, {"type", "private"}, {"first_name", "Load"}};
  if (!data.empty()) {
    const std::string cb = "cb" + std::to_string(update_id);
    callback_user_[cb] = u;
    json message = {{"message_id", std::max<std::int64_t>(1, user.last_message_id)},
                    {"chat", chat},
                    {"date", 1'700'000'000},
                    {"text", "card"}};
    return {
        {"update_id", update_id},
        {"callback_query", {{"id", cb}, {"from", from}, {"message", message}, {"chat_instance", "1"}, {"data", data}}}};
  }
  json message = {
      {"message_id", next_message_id_++}, {"from", from}, {"chat", chat}, {"date", 1'700'000'000}, {"text", text}};
  return {{"update_id", update_id}, {"message", message}};
}

void LoadBotApi::release_due(SteadyTime now) {
  if (!running_) return;
  while (!cooling_.empty() && cooling_.front().first <= now) {
    ready_.push_back(cooling_.front().second);
    cooling_.pop_front();
  }
  const auto limit = std::min(now, end_);
  bool released_any = false;
  while (true) {
    const auto slot = start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * next_slot_ / rate_));
    if (slot > limit) break;
    ++next_slot_;
    if (ready_.empty()) {
      ++result_.no_idle_user;
      continue;
    }
    const std::size_t u = ready_.front();
    ready_.pop_front();
    std::string kind;
    json update = make_update(u, kind);
    users_[u].outstanding = true;
    users_[u].available = slot;
    users_[u].kind = kind;
    ++result_.by_kind[kind];
    ++result_.released;
    released_.push_back({update["update_id"].get<std::int64_t>(), update.dump(), u});
    released_any = true;
  }
  if (webhook_ && released_any) {  // one wake-up of the pusher per batch released
    std::uint64_t one = 1;
    (void)!::write(push_wake_fd_, &one, sizeof one);
  }
}

std::string LoadBotApi::get_updates(const json& params, std::unique_lock<std::mutex>& lock, SteadyTime received) {
  ++polls_;
  const std::int64_t offset = int_param(params, "offset");
  const std::int64_t limit = params.contains("limit") ? int_param(params, "limit") : 100;
  const auto timeout = std::chrono::seconds(std::min<std::int64_t>(int_param(params, "timeout"), 1));
  // Telegram forgets what is below the offset: confirmed.
  while (!released_.empty() && offset > 0 && released_.front().id < offset) released_.pop_front();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    release_due(std::chrono::steady_clock::now());
    std::string out = R"({"ok":true,"result":[)";
    std::int64_t n = 0;
    const auto served_at = std::chrono::steady_clock::now();
    for (auto& r : released_) {
      if (r.id < offset || n >= limit) continue;
      if (!r.served) {
        r.served = true;
        users_[r.user].fetched = served_at;
      }
      if (n++ > 0) out += ',';
      out += r.body;
    }
    const auto now = std::chrono::steady_clock::now();
    if (std::getenv("KT_LOAD_TRACE") && running_) {
      std::fprintf(stderr, "poll received t=%.1f answered t=%.1f offset=%lld n=%lld released=%zu\n",
                   std::chrono::duration<double, std::milli>(received - start_).count(),
                   std::chrono::duration<double, std::milli>(now - start_).count(), (long long)offset, (long long)n,
                   released_.size());
    }
    if (n > 0 || now >= deadline) return out + "]}";
    // Nothing yet: wait for the next slot (or a user to become ready), like a long poll.
    auto wake = deadline;
    const auto next = start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * next_slot_ / rate_));
    if (running_ && next <= end_) {
      wake = std::min(wake, next);
      if (!cooling_.empty()) wake = std::min(wake, cooling_.front().first);
    }
    released_cv_.wait_until(lock, std::max(wake, now + 100us));
  }
}

PhaseResult LoadBotApi::run_phase(double rate, std::chrono::milliseconds duration, std::chrono::milliseconds drain) {
  {
    std::lock_guard lock(mutex_);
    result_ = PhaseResult{};
    result_.offered_per_s = rate;
    rate_ = rate;
    next_slot_ = 0;
    start_ = std::chrono::steady_clock::now();
    end_ = start_ + duration;
    running_ = true;
  }
  released_cv_.notify_all();
  std::this_thread::sleep_for(duration);
  const auto drain_until = std::chrono::steady_clock::now() + drain;
  while (std::chrono::steady_clock::now() < drain_until) {
    {
      std::lock_guard lock(mutex_);
      release_due(end_);
      if (result_.replied >= result_.released) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  std::lock_guard lock(mutex_);
  running_ = false;
  result_.unanswered = result_.released - result_.replied;
  // Throughput over the phase plus however long the last replies took.
  const double seconds = std::chrono::duration<double>(duration).count();
  result_.replied_per_s = static_cast<double>(result_.replied) / seconds;
  // Users left outstanding stay so (their late reply is not counted); give them back.
  for (std::size_t u = 0; u < users_.size(); ++u) {
    if (users_[u].outstanding) {
      users_[u].outstanding = false;
      ready_.push_back(u);
    }
  }
  return result_;
}

}  // namespace kt::bench
