// The webhook listener's HTTP/1.1 request parser: what it accepts, the status of each refusal, and
// that it reads a request off the front of a growing buffer exactly (incremental, pipelined).
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "telegram/http_request.hpp"

namespace kt::telegram {
namespace {

using Status = HttpParse::Status;

constexpr std::string_view kTelegramBody = R"({"update_id":10000,"message":{"message_id":1,"text":"/start"}})";

// A POST as Telegram sends it to the webhook, with `extra` header lines (each ending in CRLF).
std::string telegram_post(std::string_view body = kTelegramBody, std::string_view extra = "") {
  std::string r = "POST /telegram/webhook HTTP/1.1\r\nHost: bot.example.com:8443\r\nContent-Type: application/json\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "X-Telegram-Bot-Api-Secret-Token: s3cr3t-T0ken_value\r\n";
  r += extra;
  r += "\r\n";
  r += body;
  return r;
}

// A request head with `count` distinct header lines.
std::string get_with_headers(std::size_t count) {
  std::string r = "GET / HTTP/1.1\r\n";
  for (std::size_t i = 0; i < count; ++i) r += "X-H" + std::to_string(i) + ": v\r\n";
  return r + "\r\n";
}

struct ValidRow {
  std::string name;
  std::string raw;
  std::string method;
  std::string target;
  int minor_version;
  bool keep_alive;
  std::string body;
  std::string header_name;  // checked when not empty
  std::string header_value;
};

std::string row_name(const ::testing::TestParamInfo<ValidRow>& info) { return info.param.name; }
void PrintTo(const ValidRow& row, std::ostream* os) { *os << row.name; }

class ValidRequest : public ::testing::TestWithParam<ValidRow> {};

TEST_P(ValidRequest, parses_whole_buffer_with_expected_fields) {
  const ValidRow& row = GetParam();
  const HttpParse p = parse_http_request(row.raw);
  ASSERT_EQ(p.status, Status::kComplete) << p.error_status << " " << p.error;
  EXPECT_EQ(p.consumed, row.raw.size());
  EXPECT_EQ(p.request.method, row.method);
  EXPECT_EQ(p.request.target, row.target);
  EXPECT_EQ(p.request.minor_version, row.minor_version);
  EXPECT_EQ(p.request.keep_alive, row.keep_alive);
  EXPECT_EQ(p.request.body, row.body);
  EXPECT_EQ(p.error_status, 0);
  EXPECT_EQ(p.error, "");
  if (!row.header_name.empty()) {
    const auto value = p.request.header(row.header_name);
    ASSERT_TRUE(value.has_value()) << row.header_name;
    EXPECT_EQ(*value, row.header_value);
  }
}

const std::string kObsText = "caf\xc3\xa9 \xff";

INSTANTIATE_TEST_SUITE_P(
    HttpRequest, ValidRequest,
    ::testing::Values(
        ValidRow{"telegram_webhook_post", telegram_post(), "POST", "/telegram/webhook", 1, true,
                 std::string(kTelegramBody), "x-telegram-bot-api-secret-token", "s3cr3t-T0ken_value"},
        ValidRow{"get_without_body", "GET /health?probe=1 HTTP/1.1\r\nHost: a\r\n\r\n", "GET", "/health?probe=1", 1,
                 true, "", "HOST", "a"},
        ValidRow{"get_without_headers", "GET / HTTP/1.1\r\n\r\n", "GET", "/", 1, true, "", "", ""},
        ValidRow{"http10_closes_by_default", "GET / HTTP/1.0\r\n\r\n", "GET", "/", 0, false, "", "", ""},
        ValidRow{"http10_keep_alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "GET", "/", 0, true, "",
                 "connection", "keep-alive"},
        ValidRow{"http10_keep_alive_token_list", "GET / HTTP/1.0\r\nConnection: Keep-Alive, Upgrade\r\n\r\n", "GET",
                 "/", 0, true, "", "", ""},
        ValidRow{"http10_close_wins_over_keep_alive", "GET / HTTP/1.0\r\nConnection: keep-alive,close\r\n\r\n", "GET",
                 "/", 0, false, "", "", ""},
        ValidRow{"http11_connection_close", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", "GET", "/", 1, false, "", "",
                 ""},
        ValidRow{"http11_close_in_second_connection_field",
                 "GET / HTTP/1.1\r\nConnection: Upgrade\r\nConnection: \tCLOSE \r\n\r\n", "GET", "/", 1, false, "", "",
                 ""},
        ValidRow{"http11_upgrade_only_stays_open", "GET / HTTP/1.1\r\nConnection: upgrade, closed\r\n\r\n", "GET", "/",
                 1, true, "", "", ""},
        ValidRow{"value_trimmed_of_spaces_and_tabs", "GET / HTTP/1.1\r\nX-A: \t inner  spaces\tkept \t \r\n\r\n", "GET",
                 "/", 1, true, "", "x-a", "inner  spaces\tkept"},
        ValidRow{"empty_value", "GET / HTTP/1.1\r\nX-Empty:\r\n\r\n", "GET", "/", 1, true, "", "x-empty", ""},
        ValidRow{"value_without_space_after_colon", "GET / HTTP/1.1\r\nX-A:b\r\n\r\n", "GET", "/", 1, true, "", "x-a",
                 "b"},
        ValidRow{"repeated_identical_content_length",
                 "POST /w HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc", "POST", "/w", 1, true, "abc",
                 "", ""},
        ValidRow{"content_length_list_of_equal_values", "PUT /w HTTP/1.1\r\nContent-Length: 3 , 3,003\r\n\r\nabc",
                 "PUT", "/w", 1, true, "abc", "", ""},
        ValidRow{"zero_content_length_post", "POST /w HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "POST", "/w", 1, true, "",
                 "", ""},
        ValidRow{"get_with_body", "GET / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", "GET", "/", 1, true, "hi", "", ""},
        ValidRow{"obs_text_in_value", "GET / HTTP/1.1\r\nX-Name: " + kObsText + "\r\n\r\n", "GET", "/", 1, true, "",
                 "x-name", kObsText},
        ValidRow{"extension_method_and_odd_target", "M-SEARCH!~ /a/%20b;c?d=e&f=/g#h HTTP/1.1\r\n\r\n", "M-SEARCH!~",
                 "/a/%20b;c?d=e&f=/g#h", 1, true, "", "", ""},
        ValidRow{"body_containing_a_head_end",
                 "POST /w HTTP/1.1\r\nContent-Length: 24\r\n\r\nab\r\n\r\nGET / HTTP/1.1\r\n\r\n", "POST", "/w", 1,
                 true, "ab\r\n\r\nGET / HTTP/1.1\r\n\r\n", "", ""}),
    row_name);

struct ErrorRow {
  std::string name;
  std::string raw;
  int status;
  std::string reason;
  HttpRequestLimits limits{};
};

std::string error_row_name(const ::testing::TestParamInfo<ErrorRow>& info) { return info.param.name; }
void PrintTo(const ErrorRow& row, std::ostream* os) { *os << row.name; }

class RefusedRequest : public ::testing::TestWithParam<ErrorRow> {};

TEST_P(RefusedRequest, answers_its_status_with_a_reason_free_of_request_bytes) {
  const ErrorRow& row = GetParam();
  const HttpParse p = parse_http_request(row.raw, row.limits);
  ASSERT_EQ(p.status, Status::kError);
  EXPECT_EQ(p.error_status, row.status);
  EXPECT_EQ(p.error, row.reason);
  EXPECT_EQ(p.consumed, 0u);
  for (char c : p.error) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == ' ' || c == '-') << p.error;
}

const std::string kHugeValue(9000, 'a');

INSTANTIATE_TEST_SUITE_P(
    HttpRequest, RefusedRequest,
    ::testing::Values(
        ErrorRow{"bare_lf_ending_request_line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400, "bare cr or lf in head"},
        ErrorRow{"bare_lf_ending_header_line", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400, "bare cr or lf in head"},
        ErrorRow{"bare_cr_in_header_line", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400, "bare cr or lf in head"},
        ErrorRow{"bare_cr_before_crlf", "GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", 400, "bare cr or lf in head"},
        ErrorRow{"empty_request_line", "\r\nGET / HTTP/1.1\r\n\r\n", 400, "malformed request line"},
        ErrorRow{"obsolete_folding_with_space", "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", 400, "obsolete line folding"},
        ErrorRow{"obsolete_folding_with_tab", "GET / HTTP/1.1\r\nX-A: a\r\n\tb\r\n\r\n", 400, "obsolete line folding"},
        ErrorRow{"space_before_colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "whitespace in header name"},
        ErrorRow{"empty_header_name", "GET / HTTP/1.1\r\n: a\r\n\r\n", 400, "empty header name"},
        ErrorRow{"header_without_colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", 400, "header line without a colon"},
        ErrorRow{"separator_in_header_name", "GET / HTTP/1.1\r\nX(A): a\r\n\r\n", 400,
                 "invalid character in header name"},
        ErrorRow{"http2_version", "GET / HTTP/2.0\r\n\r\n", 505, "http version not supported"},
        ErrorRow{"http12_version", "GET / HTTP/1.2\r\n\r\n", 505, "http version not supported"},
        ErrorRow{"misspelt_protocol", "GET / HTTX/1.1\r\n\r\n", 400, "malformed http version"},
        ErrorRow{"lowercase_protocol", "GET / http/1.1\r\n\r\n", 400, "malformed http version"},
        ErrorRow{"three_digit_version", "GET / HTTP/1.10\r\n\r\n", 400, "malformed http version"},
        ErrorRow{"trailing_space_after_version", "GET / HTTP/1.1 \r\n\r\n", 400, "malformed http version"},
        ErrorRow{"missing_version", "GET /\r\n\r\n", 400, "malformed request line"},
        ErrorRow{"absolute_form_target", "GET http://a/ HTTP/1.1\r\n\r\n", 400, "request target not in origin form"},
        ErrorRow{"asterisk_target", "OPTIONS * HTTP/1.1\r\n\r\n", 400, "request target not in origin form"},
        ErrorRow{"two_spaces_after_method", "GET  / HTTP/1.1\r\n\r\n", 400, "request target not in origin form"},
        ErrorRow{"leading_space", " GET / HTTP/1.1\r\n\r\n", 400, "invalid method"},
        ErrorRow{"separator_in_method", "G(T / HTTP/1.1\r\n\r\n", 400, "invalid method"},
        ErrorRow{"space_inside_target", "GET /a b HTTP/1.1\r\n\r\n", 400, "malformed http version"},
        ErrorRow{"non_ascii_target", "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", 400, "invalid character in request target"},
        ErrorRow{"del_in_target", "GET /a\x7f HTTP/1.1\r\n\r\n", 400, "invalid character in request target"},
        ErrorRow{"control_char_in_value", "GET / HTTP/1.1\r\nX-A: a\x01z\r\n\r\n", 400,
                 "control character in header value"},
        ErrorRow{"nul_in_value", std::string("GET / HTTP/1.1\r\nX-A: a\0z\r\n\r\n", 28), 400,
                 "control character in header value"},
        ErrorRow{"del_in_value", "GET / HTTP/1.1\r\nX-A: a\x7fz\r\n\r\n", 400, "control character in header value"},
        ErrorRow{"transfer_encoding_chunked", "POST /w HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501,
                 "transfer-encoding not supported"},
        ErrorRow{"transfer_encoding_with_content_length",
                 "POST /w HTTP/1.1\r\nContent-Length: 3\r\ntransfer-encoding: identity\r\n\r\nabc", 501,
                 "transfer-encoding not supported"},
        ErrorRow{"conflicting_content_length_fields",
                 "POST /w HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400,
                 "conflicting content-length"},
        ErrorRow{"conflicting_content_length_list", "POST /w HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\nabcd", 400,
                 "conflicting content-length"},
        ErrorRow{"content_length_with_plus", "POST /w HTTP/1.1\r\nContent-Length: +5\r\n\r\nabcde", 400,
                 "invalid content-length"},
        ErrorRow{"negative_content_length", "POST /w HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400,
                 "invalid content-length"},
        ErrorRow{"content_length_with_inner_space", "POST /w HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400,
                 "invalid content-length"},
        ErrorRow{"hex_content_length", "POST /w HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400,
                 "invalid content-length"},
        ErrorRow{"empty_content_length", "POST /w HTTP/1.1\r\nContent-Length:\r\n\r\n", 400, "invalid content-length"},
        ErrorRow{"content_length_list_with_empty_element", "POST /w HTTP/1.1\r\nContent-Length: 1,\r\n\r\na", 400,
                 "invalid content-length"},
        ErrorRow{"content_length_over_max_body", "POST /w HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n", 413,
                 "content-length too large"},
        ErrorRow{"content_length_beyond_64_bits", "POST /w HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                 413, "content-length too large"},
        ErrorRow{"content_length_wrapping_64_bits", "POST /w HTTP/1.1\r\nContent-Length: 18446744073709551617\r\n\r\n",
                 413, "content-length too large"},
        ErrorRow{"post_without_length", "POST /w HTTP/1.1\r\nHost: a\r\n\r\n", 411, "content-length required"},
        ErrorRow{"put_without_length", "PUT /w HTTP/1.1\r\n\r\n", 411, "content-length required"},
        ErrorRow{"too_many_headers", get_with_headers(65), 431, "too many header fields"},
        ErrorRow{"head_too_long_before_its_end", "GET / HTTP/1.1\r\nX-A: " + kHugeValue, 431, "request head too large"},
        ErrorRow{"head_too_long_with_its_end", "GET / HTTP/1.1\r\nX-A: " + kHugeValue + "\r\n\r\n", 431,
                 "request head too large"},
        ErrorRow{"custom_header_count", get_with_headers(3), 431, "too many header fields", {8192, 1 << 20, 2}},
        ErrorRow{"custom_body_limit",
                 "POST /w HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde",
                 413,
                 "content-length too large",
                 {8192, 4, 64}},
        ErrorRow{"custom_head_limit", "GET /0123456789 HTTP/1.1\r\n\r\n", 431, "request head too large", {27, 0, 0}}),
    error_row_name);

TEST(HttpRequest, default_limits_admit_exactly_64_headers) {
  const HttpParse p = parse_http_request(get_with_headers(64));
  ASSERT_EQ(p.status, Status::kComplete);
  EXPECT_EQ(p.request.headers.size(), 64u);
}

TEST(HttpRequest, custom_limits_admit_requests_exactly_at_them) {
  const std::string head = "GET /0123456789 HTTP/1.1\r\n\r\n";  // 28 bytes
  ASSERT_EQ(head.size(), 28u);
  EXPECT_EQ(parse_http_request(head, {28, 0, 0}).status, Status::kComplete);
  EXPECT_EQ(parse_http_request(get_with_headers(2), {8192, 0, 2}).status, Status::kComplete);
  const HttpParse p = parse_http_request("POST /w HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd", {8192, 4, 64});
  ASSERT_EQ(p.status, Status::kComplete);
  EXPECT_EQ(p.request.body, "abcd");
}

TEST(HttpRequest, unterminated_head_waits_below_the_limit_and_is_431_at_it) {
  const HttpRequestLimits limits{32, 1024, 8};
  EXPECT_EQ(parse_http_request(std::string(31, 'G'), limits).status, Status::kIncomplete);
  const HttpParse at = parse_http_request(std::string(32, 'G'), limits);
  EXPECT_EQ(at.status, Status::kError);
  EXPECT_EQ(at.error_status, 431);
  // The end of the head straddling the limit does not count.
  const std::string straddling = "GET /012345678901234 HTTP/1.1\r\n\r\n";
  ASSERT_EQ(straddling.size(), 33u);
  EXPECT_EQ(parse_http_request(straddling, limits).error_status, 431);
}

TEST(HttpRequest, a_bare_lf_or_cr_is_refused_before_the_head_ends) {
  // LF-only clients never send CRLFCRLF: waiting would leave them hanging until the request timeout.
  for (const std::string partial : {"POST /tg HTTP/1.1\nContent-Length: 0\n\n", "\n", "POST /tg HTTP/1.1\rX",
                                    "POST /tg HTTP/1.1\r\nHost: a\nX: b"}) {
    const HttpParse p = parse_http_request(partial);
    EXPECT_EQ(p.status, Status::kError) << partial;
    EXPECT_EQ(p.error_status, 400) << partial;
  }
  // A CR at the very end may still be followed by its LF.
  EXPECT_EQ(parse_http_request("POST /tg HTTP/1.1\r").status, Status::kIncomplete);
  EXPECT_EQ(parse_http_request("POST /tg HTTP/1.1\r\nHost: a\r\n\r").status, Status::kIncomplete);
}

TEST(HttpRequest, a_head_expecting_100_continue_is_reported_until_its_body_starts) {
  const std::string head = "POST /tg HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
  EXPECT_TRUE(parse_http_request(head).awaits_continue);
  EXPECT_FALSE(parse_http_request(head.substr(0, head.size() - 1)).awaits_continue);  // head not whole
  const HttpParse started = parse_http_request(head + "{}");
  EXPECT_EQ(started.status, Status::kIncomplete);
  EXPECT_FALSE(started.awaits_continue);
  EXPECT_FALSE(parse_http_request("POST /tg HTTP/1.1\r\nContent-Length: 4\r\n\r\n").awaits_continue);
  EXPECT_EQ(parse_http_request(head + "{\"\"}").status, Status::kComplete);
}

TEST(HttpRequest, oversized_body_is_refused_before_it_arrives) {
  const HttpParse p = parse_http_request("POST /w HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n{\"upd");
  EXPECT_EQ(p.status, Status::kError);
  EXPECT_EQ(p.error_status, 413);
}

TEST(HttpRequest, every_strict_prefix_is_incomplete_and_the_whole_is_complete) {
  const std::vector<std::string> requests = {
      telegram_post(), "GET / HTTP/1.0\r\n\r\n",
      "POST /w HTTP/1.1\r\nContent-Length: 24\r\n\r\nab\r\n\r\nGET / HTTP/1.1\r\n\r\n"};
  for (const auto& raw : requests) {
    for (std::size_t n = 0; n < raw.size(); ++n) {
      const HttpParse p = parse_http_request(std::string_view(raw).substr(0, n));
      ASSERT_EQ(p.status, Status::kIncomplete) << "prefix of " << n << " bytes of " << raw;
      EXPECT_EQ(p.consumed, 0u);
      EXPECT_EQ(p.error_status, 0);
    }
    const HttpParse whole = parse_http_request(raw);
    ASSERT_EQ(whole.status, Status::kComplete);
    EXPECT_EQ(whole.consumed, raw.size());
  }
}

TEST(HttpRequest, pipelined_requests_are_read_one_at_a_time) {
  const std::string first = telegram_post(R"({"update_id":1})");
  const std::string second = "GET /next?x=1 HTTP/1.1\r\nConnection: close\r\n\r\n";
  const std::string buffer = first + second + "POST /third HTTP/1.1\r\nContent-Le";

  const HttpParse a = parse_http_request(buffer);
  ASSERT_EQ(a.status, Status::kComplete);
  EXPECT_EQ(a.consumed, first.size());
  EXPECT_EQ(a.request.body, R"({"update_id":1})");
  EXPECT_TRUE(a.request.keep_alive);

  const std::string_view rest = std::string_view(buffer).substr(a.consumed);
  const HttpParse b = parse_http_request(rest);
  ASSERT_EQ(b.status, Status::kComplete);
  EXPECT_EQ(b.consumed, second.size());
  EXPECT_EQ(b.request.path(), "/next");
  EXPECT_FALSE(b.request.keep_alive);

  EXPECT_EQ(parse_http_request(rest.substr(b.consumed)).status, Status::kIncomplete);
}

TEST(HttpRequest, headers_keep_order_and_names_as_sent) {
  const HttpParse p = parse_http_request(telegram_post());
  ASSERT_EQ(p.status, Status::kComplete);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Host", "bot.example.com:8443"},
      {"Content-Type", "application/json"},
      {"Content-Length", std::to_string(kTelegramBody.size())},
      {"X-Telegram-Bot-Api-Secret-Token", "s3cr3t-T0ken_value"}};
  EXPECT_EQ(p.request.headers, expected);
}

TEST(HttpRequest, header_lookup_is_case_insensitive_and_returns_the_first) {
  const HttpParse p = parse_http_request("GET / HTTP/1.1\r\nX-Dup: one\r\nx-dup: two\r\n\r\n");
  ASSERT_EQ(p.status, Status::kComplete);
  EXPECT_EQ(p.request.header("X-DUP"), "one");
  EXPECT_EQ(p.request.header("x-dup"), "one");
  EXPECT_FALSE(p.request.header("x-du").has_value());
  EXPECT_FALSE(p.request.header("content-length").has_value());
}

TEST(HttpRequest, path_is_the_target_before_the_query) {
  HttpRequest r;
  r.target = "/telegram/webhook?x=1?y";
  EXPECT_EQ(r.path(), "/telegram/webhook");
  r.target = "/plain";
  EXPECT_EQ(r.path(), "/plain");
  r.target = "/?";
  EXPECT_EQ(r.path(), "/");
}

}  // namespace
}  // namespace kt::telegram
