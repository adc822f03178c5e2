#pragma once
// JSON-RPC 2.0 envelopes as Solana nodes speak them: request bodies and response parsing, pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace kt::solana {

using Json = nlohmann::json;

inline constexpr std::int64_t kRpcNodeUnhealthy = -32005;  ///< getHealth / any call on a lagging node
inline constexpr std::int64_t kRpcRateLimited = 429;       ///< some providers put the HTTP status in the body

/// The `error` member of a response.
struct RpcError {
  std::int64_t code = 0;
  std::string message;
  Json data;  ///< null when absent

  /// data.numSlotsBehind of a -32005 "Node is behind by N slots".
  std::optional<std::uint64_t> num_slots_behind() const;
};

/// One parsed response: either a result or an error, with the id it answers (null when absent).
struct RpcResponse {
  Json id;
  Json result;
  std::optional<RpcError> error;
  bool ok() const { return !error.has_value(); }
};

/// One call of a batch.
struct RpcCall {
  std::string method;
  Json params;  ///< an array, or null for no params
};

/// {"jsonrpc":"2.0","id":id,"method":method,"params":params}; params omitted when null.
std::string build_request(std::uint64_t id, std::string_view method, const Json& params);
/// A batch array; call i gets id first_id + i.
std::string build_batch(std::uint64_t first_id, const std::vector<RpcCall>& calls);

/// Parses a single response body. Accepts the bare `{"code":429,"message":...}` body of rate limits
/// as an error without envelope. Malformed JSON or a body that is neither result nor error:
/// "E-RPC-PARSE" (retryable: another node may answer properly).
Result<RpcResponse> parse_response(std::string_view body);
/// The same for an already parsed JSON value.
Result<RpcResponse> parse_response_json(const Json& body);
/// Parses a batch body (a JSON array of responses, in any order).
Result<std::vector<RpcResponse>> parse_batch_response(std::string_view body);

/// Matches batch responses to the ids first_id .. first_id+count-1 (numbers or numeric strings):
/// entry i is call i's result, or its error; a missing answer is "E-RPC-PARSE".
std::vector<Result<Json>> match_batch(const std::vector<RpcResponse>& responses, std::uint64_t first_id,
                                      std::size_t count);

/// The Error a JSON-RPC error becomes: -32005 → retryable "E-RPC-UNHEALTHY", 429 → retryable
/// "E-RPC-RATE-LIMIT", anything else → rejected "E-RPC-ERROR" (the request itself is wrong).
Error to_error(const RpcError& error);

/// A response's result, or its error converted by to_error.
Result<Json> result_of(RpcResponse response);

}  // namespace kt::solana
