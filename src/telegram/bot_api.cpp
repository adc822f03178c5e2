#include "telegram/bot_api.hpp"

#include <fmt/format.h>

#include "telegram/log.hpp"

namespace kt::telegram {

using nlohmann::json;

Result<json> parse_api_response(std::string_view method, long http_status, std::string_view body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("ok") || !parsed["ok"].is_boolean()) {
    std::string message =
        fmt::format("telegram {}: HTTP {} with a body that is not a Bot API answer", method, http_status);
    if (http_status >= 500 || http_status == 429) return retryable("E-TG-5XX", message, std::chrono::seconds(1));
    if (http_status == 401) return fatal("E-TG-401", "the bot token was rejected (401 Unauthorized)");
    return rejected("E-TG-BAD-RESPONSE", message);
  }
  if (parsed["ok"].get<bool>()) {
    auto it = parsed.find("result");
    return it == parsed.end() ? json(nullptr) : *it;
  }
  long code = http_status;
  if (auto it = parsed.find("error_code"); it != parsed.end() && it->is_number_integer()) code = it->get<long>();
  std::string description;
  if (auto it = parsed.find("description"); it != parsed.end() && it->is_string()) description = it->get<std::string>();
  std::string message = fmt::format("telegram {}: {} {}", method, code, description);
  if (code == 429) {
    std::int64_t retry_after = 1;
    if (auto p = parsed.find("parameters"); p != parsed.end() && p->is_object()) {
      if (auto r = p->find("retry_after"); r != p->end() && r->is_number_integer())
        retry_after = r->get<std::int64_t>();
    }
    return retryable("E-TG-429", message, std::chrono::seconds(std::max<std::int64_t>(retry_after, 0)));
  }
  if (code == 409) return retryable("E-TG-409", message);
  if (code == 401) return fatal("E-TG-401", "the bot token was rejected (401 Unauthorized)");
  if (code == 404)
    return fatal("E-TG-404", fmt::format("telegram {}: 404 Not Found (a bad token or an unknown method)", method));
  if (code >= 500) return retryable("E-TG-5XX", message);
  if (code == 403) return rejected("E-TG-403", message);
  return rejected("E-TG-400", message);
}

bool is_parse_entities_error(const Error& error) {
  return error.code == "E-TG-400" && error.message.find("can't parse entities") != std::string::npos;
}

bool is_not_modified_error(const Error& error) {
  return error.code == "E-TG-400" && error.message.find("message is not modified") != std::string::npos;
}

json keyboard_markup(const Keyboard& keyboard) {
  json rows = json::array();
  for (const auto& row : keyboard) {
    json r = json::array();
    for (const auto& button : row) r.push_back({{"text", button.label}, {"callback_data", button.callback_data}});
    rows.push_back(std::move(r));
  }
  return {{"inline_keyboard", std::move(rows)}};
}

BotApi::BotApi(http::Client& client, BotApiOptions options) : client_(client), options_(std::move(options)) {
  while (!options_.api_url.empty() && options_.api_url.back() == '/') options_.api_url.pop_back();
  add_secret(options_.token);
}

std::string BotApi::method_url(const std::string& method) const {
  return options_.api_url + "/bot" + options_.token + "/" + method;
}

std::string BotApi::redact(std::string text) const { return telegram::redact(std::move(text), options_.token); }

Result<json> BotApi::finish(const std::string& method, Result<http::Response> response) {
  if (!response.ok()) {
    Error e = std::move(response).error();
    e.message = redact(fmt::format("telegram {}: {}", method, e.message));
    return e;
  }
  auto result = parse_api_response(method, response->status, response->body);
  // A transport failure (above) is no answer: it neither extends nor ends a run of 401s.
  note_answer(!result.ok() && result.error().code == "E-TG-401");
  if (!result.ok()) {
    Error e = std::move(result).error();
    e.message = redact(std::move(e.message));
    return e;
  }
  return result;
}

void BotApi::note_answer(bool unauthorized) {
  if (!unauthorized && !in_unauthorized_run_.load(std::memory_order_relaxed)) return;
  bool rejected_now = false;
  {
    std::lock_guard lock(rejection_mutex_);
    if (!unauthorized) {
      first_unauthorized_.reset();
      in_unauthorized_run_.store(false);
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!first_unauthorized_) first_unauthorized_ = now;
    in_unauthorized_run_.store(true);
    if (now - *first_unauthorized_ >= options_.token_rejected_after) rejected_now = !token_rejected_.exchange(true);
  }
  if (rejected_now && on_token_rejected_) on_token_rejected_();
}

http::Request BotApi::json_request(const std::string& method, const json& params,
                                   std::chrono::milliseconds extra_timeout, const std::atomic<bool>* cancel) const {
  http::Request request;
  request.method = "POST";
  request.url = method_url(method);
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = params.dump(-1, ' ', false, json::error_handler_t::replace);
  request.timeout = options_.request_timeout + extra_timeout;
  request.cancel = cancel;
  return request;
}

Result<json> BotApi::call(const std::string& method, const json& params, std::chrono::milliseconds extra_timeout,
                          const std::atomic<bool>* cancel) {
  return finish(method, client_.perform(json_request(method, params, extra_timeout, cancel)));
}

Result<void> BotApi::outcome(const std::string& method, Result<http::Response> response) {
  // Decoding a sent message's whole echo into a JSON tree, only to drop it, was a measurable share
  // of the HTTP thread at thousands of replies/s. Anything else gets the full decoding.
  if (response.ok() && response->status == 200 && std::string_view(response->body).starts_with(R"({"ok":true)")) {
    note_answer(false);
    return ok_result();
  }
  auto result = finish(method, std::move(response));
  if (!result.ok()) return std::move(result).error();
  return ok_result();
}

void BotApi::start_send(const std::string& method, const json& params, Settled settled) {
  client_.start(json_request(method, params, std::chrono::milliseconds{0}, nullptr),
                [this, method, settled = std::move(settled)](Result<http::Response> response) {
                  settled(outcome(method, std::move(response)));
                });
}

Result<BotIdentity> BotApi::get_me() {
  KT_TRY(json me, call("getMe", json::object()));
  if (!me.is_object()) return rejected("E-TG-BAD-RESPONSE", "telegram getMe: the result is not a user");
  BotIdentity identity;
  identity.id = me.value("id", std::int64_t{0});
  if (auto it = me.find("username"); it != me.end() && it->is_string()) identity.username = it->get<std::string>();
  if (auto it = me.find("first_name"); it != me.end() && it->is_string()) identity.first_name = it->get<std::string>();
  return identity;
}

Result<ChatMember> parse_chat_member(const json& result) {
  const auto status = result.is_object() ? result.find("status") : result.end();
  if (!result.is_object() || status == result.end() || !status->is_string()) {
    return rejected("E-TG-BAD-RESPONSE", "telegram getChatMember: the result is not a chat member");
  }
  ChatMember member;
  member.status = status->get<std::string>();
  if (auto user = result.find("user"); user != result.end() && user->is_object()) {
    if (auto id = user->find("id"); id != user->end() && id->is_number_integer())
      member.user_id = id->get<std::int64_t>();
  }
  return member;
}

Result<ChatMember> BotApi::get_chat_member(std::int64_t chat_id, std::int64_t user_id) {
  KT_TRY(json result, call("getChatMember", {{"chat_id", chat_id}, {"user_id", user_id}}));
  return parse_chat_member(result);
}

Result<std::vector<json>> BotApi::get_updates(std::int64_t offset, int timeout_seconds, int limit,
                                              const std::atomic<bool>* cancel) {
  json params = {{"offset", offset},
                 {"timeout", timeout_seconds},
                 {"limit", limit},
                 {"allowed_updates", {"message", "callback_query"}}};
  KT_TRY(json result, call("getUpdates", params, std::chrono::seconds(timeout_seconds), cancel));
  if (!result.is_array()) return rejected("E-TG-BAD-RESPONSE", "telegram getUpdates: the result is not an array");
  return result.get<std::vector<json>>();
}

Result<UpdateBatch> BotApi::get_update_batch(std::int64_t offset, int timeout_seconds, int limit,
                                             const std::atomic<bool>* cancel) {
  json params = {{"offset", offset},
                 {"timeout", timeout_seconds},
                 {"limit", limit},
                 {"allowed_updates", {"message", "callback_query"}}};
  auto response = client_.perform(json_request("getUpdates", params, std::chrono::seconds(timeout_seconds), cancel));
  if (response.ok() && response->status == 200) {
    if (auto updates = split_updates_answer(response->body)) {
      note_answer(false);  // an answer, as finish() would note: it ends a run of 401s
      return UpdateBatch{std::move(response->body), *updates};
    }
  }
  // Anything but a plain successful answer: the full parse reports the error (or, for an unusual
  // but valid answer, gives the updates, which are written out again to be split).
  KT_TRY(json result, finish("getUpdates", std::move(response)));
  if (!result.is_array()) return rejected("E-TG-BAD-RESPONSE", "telegram getUpdates: the result is not an array");
  UpdateBatch batch;
  for (const auto& update : result) {
    RawUpdate raw;
    raw.offset = batch.body.size();
    batch.body += update.dump(-1, ' ', false, json::error_handler_t::replace);
    raw.size = batch.body.size() - raw.offset;
    if (auto id = update.is_object() ? update.find("update_id") : update.end();
        id != update.end() && id->is_number_integer()) {
      raw.update_id = id->get<std::int64_t>();
    }
    batch.updates.push_back(raw);
  }
  return batch;
}

json send_message_params(std::int64_t chat_id, const std::string& text, bool html, const Keyboard& keyboard,
                         const std::optional<std::string>& force_reply) {
  json params = {{"chat_id", chat_id}, {"text", text}, {"link_preview_options", {{"is_disabled", true}}}};
  if (html) params["parse_mode"] = "HTML";
  if (!keyboard.empty()) {
    params["reply_markup"] = keyboard_markup(keyboard);
  } else if (force_reply) {
    params["reply_markup"] = {{"force_reply", true}, {"input_field_placeholder", *force_reply}};
  }
  return params;
}

json edit_message_text_params(std::int64_t chat_id, std::int64_t message_id, const std::string& text, bool html,
                              const Keyboard& keyboard) {
  json params = {{"chat_id", chat_id},
                 {"message_id", message_id},
                 {"text", text},
                 {"link_preview_options", {{"is_disabled", true}}}};
  if (html) params["parse_mode"] = "HTML";
  if (!keyboard.empty()) params["reply_markup"] = keyboard_markup(keyboard);
  return params;
}

json answer_callback_query_params(const std::string& callback_query_id, const std::string& text) {
  json params = {{"callback_query_id", callback_query_id}};
  if (!text.empty()) params["text"] = text;
  return params;
}

http::Request BotApi::photo_request(std::int64_t chat_id, const std::string& png, const std::string& caption, bool html,
                                    const Keyboard& keyboard) const {
  http::Request request;
  request.method = "POST";
  request.url = method_url("sendPhoto");
  request.timeout = options_.request_timeout * 2;
  request.form.push_back({"chat_id", std::to_string(chat_id), "", ""});
  request.form.push_back({"photo", png, "chart.png", "image/png"});
  if (!caption.empty()) request.form.push_back({"caption", caption, "", ""});
  if (html && !caption.empty()) request.form.push_back({"parse_mode", "HTML", "", ""});
  if (!keyboard.empty()) request.form.push_back({"reply_markup", keyboard_markup(keyboard).dump(), "", ""});
  return request;
}

void BotApi::start_send_photo(std::int64_t chat_id, const std::string& png, const std::string& caption, bool html,
                              const Keyboard& keyboard, Settled settled) {
  client_.start(photo_request(chat_id, png, caption, html, keyboard),
                [this, settled = std::move(settled)](Result<http::Response> response) {
                  settled(outcome("sendPhoto", std::move(response)));
                });
}

Result<void> BotApi::set_my_commands(const std::vector<BotCommand>& commands) {
  json list = json::array();
  for (const auto& c : commands) list.push_back({{"command", c.command}, {"description", c.description}});
  KT_TRY(json ignored, call("setMyCommands", {{"commands", list}}));
  (void)ignored;
  return ok_result();
}

Result<void> BotApi::set_webhook(const std::string& url, const std::string& secret_token,
                                 const std::vector<std::string>& allowed_updates) {
  add_secret(secret_token);
  json params = {{"url", url}, {"allowed_updates", allowed_updates}};
  if (!secret_token.empty()) params["secret_token"] = secret_token;
  KT_TRY(json ignored, call("setWebhook", params));
  (void)ignored;
  return ok_result();
}

Result<void> BotApi::delete_webhook(bool drop_pending_updates) {
  KT_TRY(json ignored, call("deleteWebhook", {{"drop_pending_updates", drop_pending_updates}}));
  (void)ignored;
  return ok_result();
}

}  // namespace kt::telegram
