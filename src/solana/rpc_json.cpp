#include "solana/rpc_json.hpp"

#include <charconv>

namespace kt::solana {
namespace {

Error parse_error(const std::string& detail) {
  return retryable("E-RPC-PARSE", "malformed JSON-RPC response: " + detail);
}

Result<RpcError> parse_error_object(const Json& e) {
  if (!e.is_object()) return parse_error("error is not an object");
  const auto code = e.find("code");
  if (code == e.end() || !code->is_number_integer()) return parse_error("error.code is not an integer");
  RpcError out;
  out.code = code->get<std::int64_t>();
  if (const auto m = e.find("message"); m != e.end() && m->is_string()) out.message = m->get<std::string>();
  if (const auto d = e.find("data"); d != e.end()) out.data = *d;
  return out;
}

std::optional<std::uint64_t> id_number(const Json& id) {
  if (id.is_number_unsigned()) return id.get<std::uint64_t>();
  if (id.is_number_integer() && id.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(id.get<std::int64_t>());
  if (id.is_string()) {
    const auto& s = id.get_ref<const std::string&>();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return v;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> RpcError::num_slots_behind() const {
  if (!data.is_object()) return std::nullopt;
  const auto n = data.find("numSlotsBehind");
  if (n == data.end() || !n->is_number_unsigned()) return std::nullopt;
  return n->get<std::uint64_t>();
}

std::string build_request(std::uint64_t id, std::string_view method, const Json& params) {
  Json body = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) body["params"] = params;
  return body.dump();
}

std::string build_batch(std::uint64_t first_id, const std::vector<RpcCall>& calls) {
  Json batch = Json::array();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    Json body = {{"jsonrpc", "2.0"}, {"id", first_id + i}, {"method", calls[i].method}};
    if (!calls[i].params.is_null()) body["params"] = calls[i].params;
    batch.push_back(std::move(body));
  }
  return batch.dump();
}

Result<RpcResponse> parse_response_json(const Json& body) {
  if (!body.is_object()) return parse_error("the body is not a JSON object");
  RpcResponse out;
  if (const auto id = body.find("id"); id != body.end()) out.id = *id;
  const auto result = body.find("result");
  const auto error = body.find("error");
  if (error != body.end() && !error->is_null()) {
    KT_TRY(out.error, parse_error_object(*error));
    return out;
  }
  if (result != body.end()) {
    out.result = *result;
    return out;
  }
  // A rate limiter's bare body: {"code": 429, "message": "..."} with no envelope.
  if (body.contains("code") && !body.contains("jsonrpc")) {
    KT_TRY(out.error, parse_error_object(body));
    return out;
  }
  return parse_error("neither result nor error");
}

Result<RpcResponse> parse_response(std::string_view body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return parse_error("not JSON");
  return parse_response_json(parsed);
}

Result<std::vector<RpcResponse>> parse_batch_response(std::string_view body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return parse_error("not JSON");
  if (!parsed.is_array()) {
    // A node that rejects the whole batch answers with a single error object.
    KT_TRY(auto single, parse_response_json(parsed));
    if (single.ok()) return parse_error("a batch answered with a single result");
    return std::vector<RpcResponse>{std::move(single)};
  }
  std::vector<RpcResponse> out;
  out.reserve(parsed.size());
  for (const auto& item : parsed) {
    KT_TRY(auto r, parse_response_json(item));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Result<Json>> match_batch(const std::vector<RpcResponse>& responses, std::uint64_t first_id,
                                      std::size_t count) {
  std::vector<Result<Json>> out(count, Result<Json>(parse_error("no answer for this call in the batch")));
  std::optional<RpcError> whole_batch_error;
  for (const auto& r : responses) {
    const auto id = id_number(r.id);
    if (!id) {
      if (r.error) whole_batch_error = r.error;  // id null: the server could not attribute it
      continue;
    }
    if (*id < first_id || *id - first_id >= count) continue;
    out[*id - first_id] = r.ok() ? Result<Json>(r.result) : Result<Json>(to_error(*r.error));
  }
  if (whole_batch_error) {
    for (auto& r : out) {
      if (!r.ok() && r.error().code == "E-RPC-PARSE") r = to_error(*whole_batch_error);
    }
  }
  return out;
}

Error to_error(const RpcError& error) {
  const std::string text = "JSON-RPC error " + std::to_string(error.code) + ": " + error.message;
  if (error.code == kRpcNodeUnhealthy) return retryable("E-RPC-UNHEALTHY", text);
  if (error.code == kRpcRateLimited) return retryable("E-RPC-RATE-LIMIT", text);
  return rejected("E-RPC-ERROR", text);
}

Result<Json> result_of(RpcResponse response) {
  if (response.error) return to_error(*response.error);
  return std::move(response.result);
}

}  // namespace kt::solana
