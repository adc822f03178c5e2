#pragma once
// An in-memory http::Client for RpcPool tests: per-URL scripted answers, every request recorded.
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/http_client.hpp"

namespace kt::solana::testing {

using Json = nlohmann::json;

/// The JSON-RPC request a handler sees: the HTTP request and its parsed body.
struct SeenRequest {
  http::Request http;
  Json body;
  std::string method() const { return body.is_object() ? body.value("method", "") : "batch"; }
};

using Handler = std::function<Result<http::Response>(const SeenRequest&)>;

inline http::Response http_response(long status, std::string body,
                                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

/// {"jsonrpc":"2.0","result":result,"id":<the request's id>}.
inline Handler answer(Json result) {
  return [result](const SeenRequest& req) -> Result<http::Response> {
    return http_response(200, Json{{"jsonrpc", "2.0"}, {"result", result}, {"id", req.body["id"]}}.dump());
  };
}
inline Handler rpc_error(int code, std::string message, Json data = nullptr) {
  return [=](const SeenRequest& req) -> Result<http::Response> {
    Json e = {{"code", code}, {"message", message}};
    if (!data.is_null()) e["data"] = data;
    return http_response(200, Json{{"jsonrpc", "2.0"}, {"error", e}, {"id", req.body["id"]}}.dump());
  };
}
inline Handler raw(long status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return [=](const SeenRequest&) -> Result<http::Response> { return http_response(status, body, headers); };
}
/// A recorded response body with its id replaced by the request's (recorded bodies say "id": 1).
inline Handler fixture_body(const std::string& body) {
  return [body](const SeenRequest& req) -> Result<http::Response> {
    Json reply = Json::parse(body);
    reply["id"] = req.body["id"];
    return http_response(200, reply.dump());
  };
}
inline Handler network_error() {
  return [](const SeenRequest&) -> Result<http::Response> { return retryable("E-NETWORK", "timeout after 5000 ms"); };
}

class FakeRpcClient final : public http::Client {
 public:
  /// Handles every request to `url` (after the scripted ones are used up).
  void on(const std::string& url, Handler handler) { handlers_[url] = std::move(handler); }
  /// Handles only the next request to `url`.
  void once(const std::string& url, Handler handler) { scripted_[url].push_back(std::move(handler)); }

  Result<http::Response> perform(const http::Request& request) override {
    SeenRequest seen{request, Json::parse(request.body, nullptr, false)};
    seen_.push_back(seen);
    if (auto it = scripted_.find(request.url); it != scripted_.end() && !it->second.empty()) {
      Handler h = std::move(it->second.front());
      it->second.pop_front();
      return h(seen);
    }
    if (auto it = handlers_.find(request.url); it != handlers_.end()) return it->second(seen);
    return retryable("E-NETWORK", "connection refused");
  }

  const std::vector<SeenRequest>& seen() const { return seen_; }
  int count(const std::string& url, const std::string& method = "") const {
    int n = 0;
    for (const auto& s : seen_) n += (s.http.url == url && (method.empty() || s.method() == method)) ? 1 : 0;
    return n;
  }

 private:
  std::map<std::string, Handler> handlers_;
  std::map<std::string, std::deque<Handler>> scripted_;
  std::vector<SeenRequest> seen_;
};

}  // namespace kt::solana::testing
