// The libcurl client against a cpp-httplib server on loopback: what perform() and start() share
// (CurlBothWays), and perform()'s own connection handling. start()'s own: curl_async_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "http/http_client.hpp"
#include "loopback_server.hpp"

namespace kt::http {
namespace {

/// Runs `fn` on a fresh thread: its libcurl handle (and connection) closes when the thread ends, so
/// the server's keep-alive wait does not delay its shutdown.
template <class Fn>
void on_thread(Fn fn) {
  std::thread t(fn);
  t.join();
}

/// What perform() and start() must do alike: each test runs once through each.
enum class Way { kPerform, kStart };

class CurlBothWays : public ::testing::TestWithParam<Way> {
 protected:
  /// perform() on a fresh thread (see on_thread), or start() and a bounded wait.
  Result<Response> fetch(const Request& req) {
    if (GetParam() == Way::kStart) return start_and_wait(*client, req);
    Result<Response> res = Error{};
    on_thread([&] { res = client->perform(req); });
    return res;
  }
  LoopbackServer server;  // before the client: the client's kept-alive connections close first
  std::unique_ptr<Client> client = make_curl_client();
};

INSTANTIATE_TEST_SUITE_P(PerformAndStart, CurlBothWays, ::testing::Values(Way::kPerform, Way::kStart),
                         [](const ::testing::TestParamInfo<Way>& way) {
                           return way.param == Way::kPerform ? std::string("perform") : std::string("start");
                         });

TEST_P(CurlBothWays, get_returns_status_body_and_lower_cased_headers) {
  Request req = get(server.url("/hello"));
  req.headers.emplace_back("X-Who", "kit");
  auto res = fetch(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hello kit");
  EXPECT_EQ(res->header("x-answer"), "42");
  EXPECT_EQ(res->header("content-type"), "text/plain");
  EXPECT_EQ(res->header("X-Answer"), "");  // lookups take the lower-case name
}

TEST_P(CurlBothWays, post_sends_raw_body_with_its_content_type) {
  Request req;
  req.method = "POST";
  req.url = server.url("/echo");
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = R"({"a":1})";
  auto res = fetch(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->body, R"(application/json|{"a":1})");
}

TEST_P(CurlBothWays, multipart_post_carries_fields_and_binary_file) {
  Request req;
  req.method = "POST";
  req.url = server.url("/upload");
  std::string png("\x89PNG\r\n\x1a\n\0\x01", 10);
  req.form.push_back({"chat_id", "77", "", ""});
  req.form.push_back({"photo", png, "chart.png", "image/png"});
  auto res = fetch(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->body, "chat_id=77;;\nphoto=" + png + ";chart.png;image/png\n");
}

TEST_P(CurlBothWays, http_error_status_is_a_response_not_an_error) {
  auto res = fetch(get(server.url("/missing")));
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 404);
}

TEST_P(CurlBothWays, timeout_is_a_retryable_network_error_without_the_path) {
  Request req = get(server.url("/slow?token=SECRET123"));
  req.timeout = std::chrono::milliseconds(150);
  auto started = std::chrono::steady_clock::now();
  auto res = fetch(req);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "E-NETWORK");
  EXPECT_TRUE(res.error().retryable());
  EXPECT_GE(took, std::chrono::milliseconds(140));
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  EXPECT_EQ(res.error().message.find("SECRET123"), std::string::npos) << res.error().message;
  EXPECT_EQ(res.error().message.find("/slow"), std::string::npos) << res.error().message;
  EXPECT_NE(res.error().message.find("127.0.0.1"), std::string::npos) << res.error().message;
}

TEST_P(CurlBothWays, connection_refused_is_retryable_and_hides_the_token_path) {
  std::string url;
  {
    LoopbackServer closed;
    url = closed.url("/bot123456:ABC-secret/getMe");
  }  // the port is closed now
  auto res = fetch(get(url));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "E-NETWORK");
  EXPECT_TRUE(res.error().retryable());
  EXPECT_EQ(res.error().message.find("ABC-secret"), std::string::npos) << res.error().message;
  EXPECT_EQ(res.error().message.find("getMe"), std::string::npos) << res.error().message;
}

TEST(CurlClient, cancel_flag_aborts_a_pending_transfer) {
  LoopbackServer server;
  std::atomic<bool> cancel{false};
  Request req = get(server.url("/slow"));
  req.cancel = &cancel;
  Result<Response> res = Error{};
  auto started = std::chrono::steady_clock::now();
  std::thread t([&] { res = make_curl_client()->perform(req); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  cancel = true;
  t.join();
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "E-CANCELLED");
  EXPECT_LT(took, std::chrono::milliseconds(380));
}

TEST(CurlClient, keeps_the_connection_alive_across_requests_on_one_thread) {
  LoopbackServer server;
  auto client = make_curl_client();
  int ok = 0;
  on_thread([&] {
    for (int i = 0; i < 4; ++i) {
      auto res = client->perform(get(server.url("/hello")));
      if (res.ok() && res->status == 200) ++ok;
    }
  });
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(server.connections(), 1u);
}

TEST(CurlClient, threads_use_their_own_connections_concurrently) {
  LoopbackServer server;
  auto client = make_curl_client();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto res = client->perform(get(server.url("/hello")));
        if (res.ok() && res->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 9);
  EXPECT_EQ(server.connections(), 3u);
}

}  // namespace
}  // namespace kt::http
