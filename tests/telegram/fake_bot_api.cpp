#include "telegram/fake_bot_api.hpp"

#include <httplib.h>

namespace kt::testing {

using nlohmann::json;

Fault Fault::too_many_requests(int retry_after_s) {
  return {429, "Too Many Requests: retry after " + std::to_string(retry_after_s), retry_after_s, {}};
}
Fault Fault::conflict_webhook_active() {
  return {
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      {},
      {}};
}
Fault Fault::conflict_other_poller() {
  return {
      409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", {}, {}};
}
Fault Fault::unauthorized() { return {401, "Unauthorized", {}, {}}; }
Fault Fault::cant_parse_entities() {
  return {400, "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 197", {}, {}};
}
Fault Fault::not_modified() {
  return {400,
          "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
          "as a current content and reply markup of the message",
          {},
          {}};
}
Fault Fault::server_error() { return {502, "Bad Gateway", {}, {}}; }
Fault Fault::slow(std::chrono::milliseconds delay) { return {0, "", {}, delay}; }

FakeBotApi::FakeBotApi(std::string token, std::string bot_username)
    : token_(std::move(token)), bot_username_(std::move(bot_username)), server_(std::make_unique<httplib::Server>()) {
  // Idle keep-alive connections close after ~10 ms, so stopping the server never waits for a
  // client (a test's main thread) that still holds one open.
  server_->set_keep_alive_timeout(0);
  server_->Post(R"(/bot([^/]*)/([A-Za-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    json params = json::object();
    std::map<std::string, FilePart> files;
    if (req.is_multipart_form_data()) {
      for (const auto& [name, part] : req.files) {
        if (part.filename.empty()) {
          json decoded = json::parse(part.content, nullptr, false);
          params[name] = decoded.is_discarded() || decoded.is_number() ? json(part.content) : decoded;
        } else {
          files[name] = {part.content, part.filename, part.content_type};
        }
      }
    } else if (!req.body.empty() && req.get_header_value("Content-Type").find("json") != std::string::npos) {
      params = json::parse(req.body, nullptr, false);
      if (params.is_discarded()) params = json::object();
    }
    for (const auto& [name, value] : req.params) params[name] = value;
    int status = 200;
    std::string body;
    handle(req.matches[1], req.matches[2], params, std::move(files), status, body);
    res.status = status;
    // Not exactly "application/json": Debian's cpp-httplib brotli-compresses that type at top quality,
    // which costs the tests far more CPU than the bot under test.
    res.set_content(body, "application/json; charset=utf-8");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 2000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeBotApi::~FakeBotApi() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    changed_.notify_all();
  }
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeBotApi::api_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::int64_t FakeBotApi::push_update(json update) {
  std::lock_guard lock(mutex_);
  std::int64_t id;
  if (update.contains("update_id")) {
    id = update["update_id"].get<std::int64_t>();
    next_update_id_ = std::max(next_update_id_, id + 1);
  } else {
    id = next_update_id_++;
    update["update_id"] = id;
  }
  pending_.push_back({id, update});
  all_updates_.push_back({id, update});
  changed_.notify_all();
  return id;
}

namespace {
json user_json(std::int64_t user_id, const std::string& username) {
  json u = {{"id", user_id}, {"is_bot", false}, {"first_name", "User" + std::to_string(user_id)}};
  if (!username.empty()) u["username"] = username;
  return u;
}
json chat_json(std::int64_t chat_id) {
  if (chat_id < 0) return {{"id", chat_id}, {"type", "supergroup"}, {"title", "Paper traders"}};
  return {{"id", chat_id}, {"type", "private"}, {"first_name", "User"}};
}
}  // namespace

std::int64_t FakeBotApi::push_text(std::int64_t user_id, std::int64_t chat_id, const std::string& text,
                                   const std::string& username) {
  json message = {{"message_id", 0},
                  {"from", user_json(user_id, username)},
                  {"chat", chat_json(chat_id)},
                  {"date", 1'700'000'000},
                  {"text", text}};
  {
    std::lock_guard lock(mutex_);
    message["message_id"] = next_message_id_++;
  }
  return push_update({{"message", message}});
}

std::int64_t FakeBotApi::push_callback(std::int64_t user_id, std::int64_t chat_id, std::int64_t message_id,
                                       const std::string& data, const std::string& callback_id) {
  std::string id = callback_id.empty() ? "cb-" + std::to_string(user_id) + "-" + std::to_string(message_id) + "-" + data
                                       : callback_id;
  json query = {{"id", id},
                {"from", user_json(user_id, "trader")},
                {"message",
                 {{"message_id", message_id}, {"chat", chat_json(chat_id)}, {"date", 1'700'000'000}, {"text", "card"}}},
                {"chat_instance", "-5353115993126188103"},
                {"data", data}};
  return push_update({{"callback_query", query}});
}

std::optional<json> FakeBotApi::update_json(std::int64_t update_id) const {
  std::lock_guard lock(mutex_);
  for (const auto& u : all_updates_) {
    if (u.id == update_id) return u.json;
  }
  return std::nullopt;
}

void FakeBotApi::inject(const std::string& method, Fault fault, int times) {
  std::lock_guard lock(mutex_);
  faults_[method].emplace_back(std::move(fault), times);
}

void FakeBotApi::clear_faults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

void FakeBotApi::set_long_poll_cap(std::chrono::milliseconds cap) {
  std::lock_guard lock(mutex_);
  long_poll_cap_ = cap;
}

std::optional<Fault> FakeBotApi::take_fault(const std::string& method) {
  auto it = faults_.find(method);
  if (it == faults_.end() || it->second.empty()) return std::nullopt;
  auto& [fault, times] = it->second.front();
  Fault f = fault;
  if (times > 0 && --times == 0) it->second.pop_front();
  return f;
}

std::vector<RecordedCall> FakeBotApi::calls(const std::string& method) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedCall> out;
  for (const auto& c : calls_) {
    if (method.empty() || c.method == method) out.push_back(c);
  }
  return out;
}

std::size_t FakeBotApi::count(const std::string& method) const { return calls(method).size(); }

bool FakeBotApi::wait_for(const std::string& method, std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    std::size_t k = 0;
    for (const auto& c : calls_) k += c.method == method ? 1 : 0;
    return k >= n;
  });
}

std::optional<json> FakeBotApi::webhook() const {
  std::lock_guard lock(mutex_);
  return webhook_;
}

void FakeBotApi::handle(const std::string& token, const std::string& method, const json& params,
                        std::map<std::string, FilePart> files, int& status, std::string& body) {
  std::unique_lock lock(mutex_);
  calls_.push_back({method, params, std::move(files), std::chrono::steady_clock::now()});
  changed_.notify_all();
  auto error = [&](int code, const std::string& description, std::optional<int> retry_after) {
    json e = {{"ok", false}, {"error_code", code}, {"description", description}};
    if (retry_after) e["parameters"] = {{"retry_after", *retry_after}};
    status = code;
    body = e.dump();
  };
  if (token != token_) return error(401, "Unauthorized", std::nullopt);
  if (auto fault = take_fault(method)) {
    if (fault->delay.count() > 0) {
      changed_.wait_for(lock, fault->delay, [this] { return closing_; });
    }
    if (fault->error_code != 0) return error(fault->error_code, fault->description, fault->retry_after);
  }
  json result = answer(method, params, lock);
  if (result.is_discarded()) return error(404, "Not Found", std::nullopt);
  status = 200;
  body = json({{"ok", true}, {"result", result}}).dump();
}

json FakeBotApi::answer(const std::string& method, const json& params, std::unique_lock<std::mutex>& lock) {
  auto int_param = [&](const char* name) -> std::int64_t {
    if (!params.contains(name)) return 0;
    const json& v = params[name];
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_string()) return std::stoll(v.get<std::string>());
    return 0;
  };
  if (method == "getMe") {
    return {{"id", bot_id()}, {"is_bot", true}, {"first_name", "KiTrader"}, {"username", bot_username_}};
  }
  if (method == "getUpdates") {
    std::int64_t offset = int_param("offset");
    std::int64_t limit = params.contains("limit") ? int_param("limit") : 100;
    auto timeout = std::chrono::seconds(int_param("timeout"));
    // Telegram forgets updates below the offset: they are confirmed.
    while (!pending_.empty() && offset > 0 && pending_.front().id < offset) pending_.pop_front();
    auto have = [&] {
      for (const auto& u : pending_) {
        if (u.id >= offset) return true;
      }
      return false;
    };
    if (!have() && timeout.count() > 0) {
      changed_.wait_for(lock, std::min<std::chrono::milliseconds>(timeout, long_poll_cap_),
                        [&] { return closing_ || have(); });
    }
    json out = json::array();
    for (const auto& u : pending_) {
      if (u.id >= offset && static_cast<std::int64_t>(out.size()) < limit) out.push_back(u.json);
    }
    return out;
  }
  if (method == "sendMessage" || method == "sendPhoto") {
    json message = {
        {"message_id", next_message_id_++}, {"date", 1'700'000'000}, {"chat", {{"id", int_param("chat_id")}}}};
    if (params.contains("text")) message["text"] = params["text"];
    return message;
  }
  if (method == "editMessageText") {
    return {{"message_id", int_param("message_id")},
            {"chat", {{"id", int_param("chat_id")}}},
            {"text", params.value("text", "")}};
  }
  if (method == "getChatMember") {
    // The shape Telegram sends: ChatMemberOwner / ChatMemberAdministrator / ChatMemberMember.
    const std::int64_t chat = int_param("chat_id");
    const std::int64_t user = int_param("user_id");
    auto it = member_status_.find({chat, user});
    const std::string status = it == member_status_.end() ? "member" : it->second;
    json member = {{"status", status},
                   {"user", {{"id", user}, {"is_bot", false}, {"first_name", "Member"}, {"username", "member"}}}};
    if (status == "creator") member["is_anonymous"] = false;
    if (status == "administrator") {
      member["can_be_edited"] = false;
      member["is_anonymous"] = false;
      member["can_manage_chat"] = true;
      member["can_delete_messages"] = true;
    }
    return member;
  }
  if (method == "setWebhook") {
    webhook_ = params;
    return true;
  }
  if (method == "deleteWebhook") {
    webhook_.reset();
    return true;
  }
  if (method == "editMessageReplyMarkup" || method == "answerCallbackQuery" || method == "setMyCommands") return true;
  return json(json::value_t::discarded);
}

void FakeBotApi::set_chat_member_status(std::int64_t chat_id, std::int64_t user_id, const std::string& status) {
  std::lock_guard lock(mutex_);
  member_status_[{chat_id, user_id}] = status;
}

int FakeBotApi::post_webhook(const std::string& host, int port, const std::string& path, const json& update,
                             const std::optional<std::string>& secret) {
  httplib::Client client(host, port);
  client.set_connection_timeout(2);
  httplib::Headers headers;
  if (secret) headers.emplace("X-Telegram-Bot-Api-Secret-Token", *secret);
  auto res = client.Post(path.c_str(), headers, update.dump(), "application/json");
  return res ? res->status : 0;
}

}  // namespace kt::testing
