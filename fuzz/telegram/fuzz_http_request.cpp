// Any bytes: the webhook's HTTP request parser must never crash or hang, and what it answers must be
// self-consistent: a complete request is exactly head + Content-Length bytes, every strict prefix of
// it is incomplete, it parses the same on its own, errors carry one of the documented statuses and a
// reason free of request bytes, and an unterminated head at the limit is 431, never "incomplete".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "telegram/http_request.hpp"

namespace {

using kt::telegram::HttpParse;
using kt::telegram::HttpRequest;
using kt::telegram::HttpRequestLimits;
using kt::telegram::parse_http_request;
using Status = HttpParse::Status;

constexpr std::string_view kHeadEnd = "\r\n\r\n";

void require(bool condition) {
  if (!condition) __builtin_trap();
}

// The Content-Length the head announces, read independently of the parser: the first element of the
// first Content-Length field (the parser has already checked that they all agree).
std::uint64_t announced_length(const HttpRequest& request) {
  const auto value = request.header("content-length");
  if (!value) return 0;
  std::uint64_t n = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') break;
    if (n > (UINT64_MAX - 9) / 10) return UINT64_MAX;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

bool same_request(const HttpRequest& a, const HttpRequest& b) {
  return a.method == b.method && a.target == b.target && a.minor_version == b.minor_version && a.headers == b.headers &&
         a.body == b.body && a.keep_alive == b.keep_alive;
}

void check_complete(std::string_view bytes, const HttpRequestLimits& limits, const HttpParse& p) {
  const HttpRequest& r = p.request;
  require(p.error_status == 0 && p.error.empty());
  require(p.consumed <= bytes.size() && p.consumed > r.body.size());
  const std::size_t head = p.consumed - r.body.size();
  require(head <= limits.max_head_bytes && r.body.size() <= limits.max_body_bytes);
  require(bytes.substr(0, head).find(kHeadEnd) == head - kHeadEnd.size());
  require(bytes.substr(head, r.body.size()) == r.body);
  require(r.body.size() == announced_length(r));
  if (!r.header("content-length")) require(r.method != "POST" && r.method != "PUT");
  require(!r.header("transfer-encoding"));
  require(!r.method.empty() && !r.target.empty() && r.target.front() == '/');
  require(r.minor_version == 0 || r.minor_version == 1);
  if (!r.header("connection")) require(r.keep_alive == (r.minor_version == 1));

  // The request on its own parses the same; any strict prefix of it is waiting for more.
  const HttpParse alone = parse_http_request(bytes.substr(0, p.consumed), limits);
  require(alone.status == Status::kComplete && alone.consumed == p.consumed && same_request(alone.request, r));
  for (std::size_t n : {p.consumed - 1, p.consumed / 2, head - 1, head}) {
    if (n >= p.consumed) continue;
    const HttpParse prefix = parse_http_request(bytes.substr(0, n), limits);
    require(prefix.status == Status::kIncomplete);
  }
}

// Checks the request at the front of `bytes`; returns the bytes it took (0 unless complete).
std::size_t check_one(std::string_view bytes, const HttpRequestLimits& limits) {
  const HttpParse p = parse_http_request(bytes, limits);
  switch (p.status) {
    case Status::kIncomplete:
      require(p.consumed == 0 && p.error_status == 0 && p.error.empty());
      // Waiting is only allowed while the head could still end within the limit.
      require(bytes.size() < limits.max_head_bytes ||
              bytes.substr(0, limits.max_head_bytes).find(kHeadEnd) != std::string_view::npos);
      // "100 Continue" is owed only for a whole head with nothing of its body yet.
      require(!p.awaits_continue || (bytes.size() >= 4 && bytes.substr(bytes.size() - 4) == kHeadEnd));
      return 0;
    case Status::kError: {
      require(!p.awaits_continue);
      const int s = p.error_status;
      require(s == 400 || s == 411 || s == 413 || s == 431 || s == 501 || s == 505);
      require(p.consumed == 0 && !p.error.empty() && p.error.size() <= 64);
      for (char c : p.error) require((c >= 'a' && c <= 'z') || c == ' ' || c == '-');
      return 0;
    }
    case Status::kComplete: check_complete(bytes, limits, p); return p.consumed;
  }
  __builtin_trap();
}

// Reads pipelined requests off the front as the listener would.
void check_connection(std::string_view bytes, const HttpRequestLimits& limits) {
  for (int i = 0; i < 8; ++i) {
    const std::size_t consumed = check_one(bytes, limits);
    if (consumed == 0) return;
    bytes.remove_prefix(consumed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_connection(bytes, HttpRequestLimits{});
  // Tight limits so that short inputs reach the 431 and 413 paths and the boundaries around them.
  check_connection(bytes, HttpRequestLimits{64, 16, 3});
  return 0;
}
