#pragma once
// One HTTP/1.1 request read off the front of a connection's buffer, for the webhook listener. It
// faces the internet, so it is strict and bounded: CRLF line endings only, no obsolete line folding,
// no Transfer-Encoding (Telegram sends Content-Length; refusing the rest closes the door on request
// smuggling), head and body sizes capped. Anything else is an error carrying the status to answer.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kt::telegram {

struct HttpRequestLimits {
  std::size_t max_head_bytes = 8 * 1024;  ///< request line + headers + the blank line; beyond: 431
  std::size_t max_body_bytes = 1 << 20;   ///< Content-Length beyond this: 413
  std::size_t max_header_count = 64;      ///< beyond: 431
};

struct HttpRequest {
  std::string method;     ///< as sent (case-sensitive token), e.g. "POST"
  std::string target;     ///< request-target as sent, e.g. "/telegram/webhook?x=1"
  int minor_version = 1;  ///< HTTP/1.<minor_version>: 0 or 1
  /// Header fields in order; names as sent, values with surrounding spaces/tabs trimmed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Whether the connection may carry another request: HTTP/1.1 unless "Connection: close",
  /// HTTP/1.0 only with "Connection: keep-alive" (the Connection value is a comma-separated list
  /// of case-insensitive tokens).
  bool keep_alive = true;

  /// The first header with this name, compared case-insensitively; nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
  /// The target's path: everything before the first '?'.
  std::string_view path() const;
};

struct HttpParse {
  enum class Status { kIncomplete, kComplete, kError };
  Status status = Status::kIncomplete;
  /// kComplete: bytes of `buffer` the request took (head + body); the rest is the next request.
  std::size_t consumed = 0;
  HttpRequest request;  ///< kComplete only
  /// kError: the status to answer before closing (400, 411, 413, 431, 501 or 505) and a short
  /// reason for the log, e.g. "header line without a colon".
  int error_status = 0;
  std::string error;
  /// kIncomplete: a valid head with `Expect: 100-continue` has arrived and nothing of its body yet;
  /// the client (curl, for bodies over 1 KiB) waits for "100 Continue" before sending the body.
  bool awaits_continue = false;
};

/// Parses one request from the front of `buffer`. kIncomplete: more bytes are needed; call again with
/// the grown buffer. The head is checked once its blank line has arrived (until then it is only
/// bounded: without a CRLFCRLF in its first max_head_bytes bytes it is 431); a valid head with too
/// large a Content-Length is 413 at once, without waiting for the body. Without Content-Length the
/// body is empty, except that POST and PUT are 411. Never reads beyond `buffer`; allocates only the
/// strings of the result.
HttpParse parse_http_request(std::string_view buffer, const HttpRequestLimits& limits = {});

}  // namespace kt::telegram
