#include "telegram/http_request.hpp"

#include <cstdint>

namespace kt::telegram {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kHeadEnd = "\r\n\r\n";

// An error to answer: the status and a fixed reason (never request bytes: the reason is logged).
struct Failure {
  int status = 0;
  std::string_view reason;
  explicit operator bool() const { return status != 0; }
};

// RFC 9110 tchar: the characters of a token (methods, field names).
bool is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// Calls f(element) for each comma-separated element of a field value, trimmed of OWS.
template <class F>
void for_each_element(std::string_view value, F&& f) {
  while (true) {
    const std::size_t comma = value.find(',');
    f(trim_ows(value.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

// The next CRLF-terminated line of `head` from `pos` (the head ends with CRLF, so there is one).
std::string_view next_line(std::string_view head, std::size_t& pos) {
  const std::size_t end = head.find(kCrlf, pos);
  const std::string_view line = head.substr(pos, end - pos);
  pos = end + kCrlf.size();
  return line;
}

struct RequestLine {
  std::string_view method;
  std::string_view target;
  int minor_version = 1;
};

Failure parse_request_line(std::string_view line, RequestLine& out) {
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return {400, "malformed request line"};
  const std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return {400, "malformed request line"};
  out.method = line.substr(0, sp1);
  out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(out.method)) return {400, "invalid method"};
  if (out.target.empty() || out.target.front() != '/') return {400, "request target not in origin form"};
  for (char c : out.target) {
    if (c < 0x21 || c > 0x7E) return {400, "invalid character in request target"};
  }
  if (version == "HTTP/1.1" || version == "HTTP/1.0") {
    out.minor_version = version.back() - '0';
    return {};
  }
  if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && is_digit(version[5]) && version[6] == '.' &&
      is_digit(version[7])) {
    return {505, "http version not supported"};
  }
  return {400, "malformed http version"};
}

// Splits a header line into its name and trimmed value after checking its syntax.
Failure split_header(std::string_view line, std::string_view& name, std::string_view& value) {
  if (is_ows(line.front())) return {400, "obsolete line folding"};
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {400, "header line without a colon"};
  name = line.substr(0, colon);
  if (name.empty()) return {400, "empty header name"};
  for (char c : name) {
    if (is_ows(c)) return {400, "whitespace in header name"};
    if (!is_tchar(static_cast<unsigned char>(c))) return {400, "invalid character in header name"};
  }
  value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return {400, "control character in header value"};
  }
  return {};
}

// One Content-Length field value (a number, or a comma list of equal numbers), merged into
// `length` (set by earlier Content-Length fields).
Failure merge_content_length(std::string_view value, std::optional<std::uint64_t>& length) {
  Failure failure;
  for_each_element(value, [&](std::string_view element) {
    if (failure) return;
    if (element.empty()) {
      failure = {400, "invalid content-length"};
      return;
    }
    for (char c : element) {
      if (!is_digit(c)) {
        failure = {400, "invalid content-length"};
        return;
      }
    }
    while (element.size() > 1 && element.front() == '0') element.remove_prefix(1);
    if (element.size() > 19) {  // 19 digits always fit in 64 bits
      failure = {413, "content-length too large"};
      return;
    }
    std::uint64_t n = 0;
    for (char c : element) n = n * 10 + static_cast<std::uint64_t>(c - '0');
    if (length && *length != n) {
      failure = {400, "conflicting content-length"};
      return;
    }
    length = n;
  });
  return failure;
}

// What the head says, once it is known to be valid.
struct Head {
  RequestLine line;
  std::size_t size = 0;  // through the final CRLFCRLF
  std::size_t header_count = 0;
  std::uint64_t body_size = 0;
  bool keep_alive = true;
  bool expects_continue = false;
};

Failure check_head(std::string_view head, const HttpRequestLimits& limits, Head& out) {
  // Every CR and LF in the head must be part of a CRLF; the lines are split on CRLF, so any other
  // CR or LF would be left inside a line.
  std::size_t pos = 0;
  const std::string_view request_line = next_line(head, pos);
  if (request_line.find_first_of(kCrlf) != std::string_view::npos) return {400, "bare cr or lf in head"};
  if (auto failure = parse_request_line(request_line, out.line)) return failure;

  std::optional<std::uint64_t> content_length;
  bool close = false;
  bool keep_alive = false;
  while (pos < head.size()) {
    const std::string_view line = next_line(head, pos);
    if (line.empty()) break;  // the blank line ending the head
    if (++out.header_count > limits.max_header_count) return {431, "too many header fields"};
    if (line.find_first_of(kCrlf) != std::string_view::npos) return {400, "bare cr or lf in head"};
    std::string_view name;
    std::string_view value;
    if (auto failure = split_header(line, name, value)) return failure;
    if (iequals(name, "transfer-encoding")) return {501, "transfer-encoding not supported"};
    if (iequals(name, "content-length")) {
      if (auto failure = merge_content_length(value, content_length)) return failure;
    } else if (iequals(name, "expect")) {
      out.expects_continue = iequals(value, "100-continue");
    } else if (iequals(name, "connection")) {
      for_each_element(value, [&](std::string_view option) {
        close = close || iequals(option, "close");
        keep_alive = keep_alive || iequals(option, "keep-alive");
      });
    }
  }

  if (content_length) {
    if (*content_length > limits.max_body_bytes) return {413, "content-length too large"};
    out.body_size = *content_length;
  } else if (out.line.method == "POST" || out.line.method == "PUT") {
    return {411, "content-length required"};
  }
  out.keep_alive = !close && (out.line.minor_version == 1 || keep_alive);
  return {};
}

HttpParse error(Failure failure) {
  HttpParse parse;
  parse.status = HttpParse::Status::kError;
  parse.error_status = failure.status;
  parse.error = failure.reason;
  return parse;
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (iequals(field, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view HttpRequest::path() const { return std::string_view(target).substr(0, target.find('?')); }

HttpParse parse_http_request(std::string_view buffer, const HttpRequestLimits& limits) {
  // One bounded scan for the end of the head; re-run from the start each time bytes arrive.
  const std::size_t end = buffer.substr(0, limits.max_head_bytes).find(kHeadEnd);
  if (end == std::string_view::npos) {
    if (buffer.size() >= limits.max_head_bytes) return error({431, "request head too large"});
    // A bare LF or CR can never become a valid head: say so now, not when the request times out
    // (a client speaking LF-only HTTP would otherwise wait for an answer that never comes).
    // Jumps from one LF, then one CR, to the next (memchr): this runs again each time bytes arrive.
    for (std::size_t i = buffer.find('\n'); i != std::string_view::npos; i = buffer.find('\n', i + 1)) {
      if (i == 0 || buffer[i - 1] != '\r') return error({400, "bare cr or lf in head"});
    }
    for (std::size_t i = buffer.find('\r'); i != std::string_view::npos; i = buffer.find('\r', i + 1)) {
      if (i + 1 < buffer.size() && buffer[i + 1] != '\n') return error({400, "bare cr or lf in head"});
    }
    return {};
  }
  Head head;
  head.size = end + kHeadEnd.size();
  if (auto failure = check_head(buffer.substr(0, head.size), limits, head)) return error(failure);
  if (buffer.size() - head.size < head.body_size) {  // the body is still arriving
    HttpParse waiting;
    waiting.awaits_continue = head.expects_continue && buffer.size() == head.size;
    return waiting;
  }

  // Valid and whole: only now copy out (a second pass over the head's lines, which are known good).
  HttpParse parse;
  parse.status = HttpParse::Status::kComplete;
  parse.consumed = head.size + static_cast<std::size_t>(head.body_size);
  HttpRequest& request = parse.request;
  request.method = head.line.method;
  request.target = head.line.target;
  request.minor_version = head.line.minor_version;
  request.keep_alive = head.keep_alive;
  const std::string_view text = buffer.substr(0, head.size);
  std::size_t pos = 0;
  next_line(text, pos);  // the request line
  request.headers.reserve(head.header_count);
  for (std::string_view line = next_line(text, pos); !line.empty(); line = next_line(text, pos)) {
    std::string_view name;
    std::string_view value;
    (void)split_header(line, name, value);
    request.headers.emplace_back(name, value);
  }
  request.body = buffer.substr(head.size, static_cast<std::size_t>(head.body_size));
  return parse;
}

}  // namespace kt::telegram
