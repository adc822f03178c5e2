#include "load_bot_api.hpp"

#include <sys/eventfd.h>
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

std::int64_t int_param(const json& params, const char* name) {
  if (!params.contains(name)) return 0;
  const json& v = params[name];
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) return std::stoll(v.get<std::string>());
  return 0;
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
  server_ = std::make_unique<LoopHttpServer>(
      [this](LoopHttpServer::ConnId connection, std::string_view path, const std::string& body, SteadyTime received) {
        return on_request(connection, path, body, received);
      },
      [this](SteadyTime now) { return answer_parked_polls(now); });
  port_ = server_->port();
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
  server_.reset();  // its loop calls into this object
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

std::optional<LoopHttpServer::Reply> LoadBotApi::on_request(LoopHttpServer::ConnId connection, std::string_view path,
                                                            const std::string& body, SteadyTime received) {
  // /bot<token>/<method>
  constexpr std::string_view kPrefix = "/bot";
  const std::size_t slash = path.find('/', kPrefix.size());
  if (path.substr(0, kPrefix.size()) != kPrefix || slash == std::string_view::npos) {
    return LoopHttpServer::Reply{404, R"({"ok":false,"error_code":404,"description":"Not Found"})"};
  }
  if (path.substr(kPrefix.size(), slash - kPrefix.size()) != token_) {
    return LoopHttpServer::Reply{401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"};
  }
  const std::string method(path.substr(slash + 1));
  json params = body.empty() ? json::object() : json::parse(body, nullptr, false);
  if (params.is_discarded()) params = json::object();  // multipart (sendPhoto): only counted
  std::unique_lock lock(mutex_);
  if (method == "getUpdates") {
    ++polls_;
    const std::int64_t offset = int_param(params, "offset");
    // Telegram forgets what is below the offset: confirmed.
    while (!released_.empty() && offset > 0 && released_.front().id < offset) released_.pop_front();
    ParkedPoll poll{connection, offset, params.contains("limit") ? int_param(params, "limit") : 100,
                    received + std::chrono::seconds(std::min<std::int64_t>(int_param(params, "timeout"), 1)), received};
    if (auto answer = updates_for(poll, received)) return LoopHttpServer::Reply{200, std::move(*answer)};
    parked_.push_back(poll);  // a long poll: answered by answer_parked_polls
    return std::nullopt;
  }
  LoopHttpServer::Reply reply{200, handle(method, params, received)};
  if (call_delay_.count() == 0) return reply;
  // The round trip is simulated after the receipt is stamped: calls overlap as they would.
  server_->answer(connection, std::move(reply), received + call_delay_);
  return std::nullopt;
}

std::string LoadBotApi::handle(const std::string& method, const json& params, SteadyTime now) {
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

std::optional<std::string> LoadBotApi::updates_for(const ParkedPoll& poll, SteadyTime now) {
  release_due(now);
  std::string out = R"({"ok":true,"result":[)";
  std::int64_t n = 0;
  for (auto& r : released_) {
    if (r.id < poll.offset || n >= poll.limit) continue;
    if (!r.served) {
      r.served = true;
      users_[r.user].fetched = now;
    }
    if (n++ > 0) out += ',';
    out += r.body;
  }
  if (trace_ && running_) {
    std::fprintf(stderr, "poll received t=%.1f answered t=%.1f offset=%lld n=%lld released=%zu\n",
                 std::chrono::duration<double, std::milli>(poll.received - start_).count(),
                 std::chrono::duration<double, std::milli>(now - start_).count(), (long long)poll.offset, (long long)n,
                 released_.size());
  }
  if (n == 0 && now < poll.deadline) return std::nullopt;
  return out + "]}";
}

SteadyTime LoadBotApi::answer_parked_polls(SteadyTime now) {
  auto wake = now + 50ms;
  // parked_ is the loop thread's alone: webhook mode (no polls) takes no lock on each wake-up.
  if (parked_.empty()) return wake;
  std::lock_guard lock(mutex_);
  for (auto it = parked_.begin(); it != parked_.end();) {
    if (auto answer = updates_for(*it, now)) {
      server_->answer(it->connection, LoopHttpServer::Reply{200, std::move(*answer)});
      it = parked_.erase(it);
    } else {
      wake = std::min(wake, it->deadline);
      ++it;
    }
  }
  if (parked_.empty()) return wake;
  // A poll waits for the next slot (or a user to become ready).
  const auto next = start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * next_slot_ / rate_));
  if (running_ && next <= end_) {
    wake = std::min(wake, next);
    if (!cooling_.empty()) wake = std::min(wake, cooling_.front().first);
  }
  return wake;
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
  server_->wake();  // parked polls wait for the phase's first slot
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
