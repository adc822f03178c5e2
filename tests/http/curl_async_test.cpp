// The libcurl client's start(): one background thread driving libcurl's multi interface, against a
// cpp-httplib server on loopback. What start() shares with perform() (statuses, headers, bodies, the
// errors and what they hide) is tested for both in curl_client_test.cpp. Each test declares the server before the
// client, so the client (and the connections its multi handle keeps alive) goes first and the server stops promptly.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "http/http_client.hpp"
#include "loopback_server.hpp"

namespace kt::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(CurlAsync, done_runs_on_the_named_background_thread) {
  LoopbackServer server;
  auto client = make_curl_client();
  std::promise<std::string> name;
  client->start(get(server.url("/hello")), [&](Result<Response>) {
    char buf[16] = {0};
    pthread_getname_np(pthread_self(), buf, sizeof buf);
    name.set_value(buf);
  });
  auto future = name.get_future();
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(future.get(), "kt-http-async");
}

TEST(CurlAsync, post_raw_body_and_multipart_upload_arrive_intact) {
  LoopbackServer server;
  auto client = make_curl_client();
  Request post;
  post.method = "POST";
  post.url = server.url("/echo");
  post.headers.emplace_back("Content-Type", "application/json");
  post.body = R"({"a":1})";
  Request upload;
  upload.method = "POST";
  upload.url = server.url("/upload");
  std::string png("\x89PNG\r\n\x1a\n\0\x01", 10);
  upload.form.push_back({"chat_id", "77", "", ""});
  upload.form.push_back({"photo", png, "chart.png", "image/png"});

  // Both in flight at once; the client keeps its own copies of the bodies.
  std::promise<Result<Response>> posted, uploaded;
  client->start(post, [&](Result<Response> res) { posted.set_value(std::move(res)); });
  client->start(upload, [&](Result<Response> res) { uploaded.set_value(std::move(res)); });
  post.body.assign(post.body.size(), 'x');
  upload.form.clear();
  auto posted_future = posted.get_future();
  auto uploaded_future = uploaded.get_future();
  ASSERT_EQ(posted_future.wait_for(kWait), std::future_status::ready);
  ASSERT_EQ(uploaded_future.wait_for(kWait), std::future_status::ready);
  auto post_res = posted_future.get();
  auto upload_res = uploaded_future.get();
  ASSERT_TRUE(post_res.ok()) << post_res.error().message;
  ASSERT_TRUE(upload_res.ok()) << upload_res.error().message;
  EXPECT_EQ(post_res->body, R"(application/json|{"a":1})");
  EXPECT_EQ(upload_res->body, "chat_id=77;;\nphoto=" + png + ";chart.png;image/png\n");
}

TEST(CurlAsync, many_requests_are_in_flight_at_once) {
  LoopbackServer server;
  auto client = make_curl_client();
  constexpr int kCount = 20;  // each answered after 200 ms: 4 s if they ran one after another
  std::atomic<int> calls{0}, ok{0};
  std::promise<void> all_done;
  auto started = steady_clock::now();
  // In bursts the server's listen backlog (5) takes: a dropped SYN costs a 1 s retransmit. Each
  // burst waits only until its requests reach a handler, so they all overlap unless start() blocks.
  constexpr int kBurst = 4;
  for (int i = 0; i < kCount; i += kBurst) {
    for (int j = 0; j < kBurst; ++j) {
      client->start(get(server.url("/nap")), [&](Result<Response> res) {
        if (res.ok() && res->status == 200 && res->body == "rested") ++ok;
        if (++calls == kCount) all_done.set_value();
      });
    }
    for (auto until = steady_clock::now() + kWait; server.requests() < i + kBurst && steady_clock::now() < until;) {
      std::this_thread::sleep_for(milliseconds(1));
    }
  }
  ASSERT_EQ(all_done.get_future().wait_for(kWait), std::future_status::ready);
  auto took = steady_clock::now() - started;
  client.reset();  // joins the thread: no late or repeated calls after this
  EXPECT_EQ(calls.load(), kCount);
  EXPECT_EQ(ok.load(), kCount);
  EXPECT_LT(took, milliseconds(2000));
  EXPECT_GT(server.connections(), 1u);
}

TEST(CurlAsync, cancel_flag_aborts_a_long_request) {
  LoopbackServer server;
  auto client = make_curl_client();
  std::atomic<bool> cancel{false};
  Request req = get(server.url("/hang/poll"));
  req.timeout = milliseconds(8000);
  req.cancel = &cancel;
  std::promise<Result<Response>> done;
  client->start(req, [&](Result<Response> res) { done.set_value(std::move(res)); });
  auto future = done.get_future();
  // Still running a while later: only the flag can end it before the 8 s timeout.
  EXPECT_EQ(future.wait_for(milliseconds(300)), std::future_status::timeout);
  auto cancelled_at = steady_clock::now();
  cancel = true;
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  auto took = steady_clock::now() - cancelled_at;
  auto res = future.get();
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "E-CANCELLED");
  EXPECT_TRUE(res.error().retryable());
  EXPECT_LT(took, milliseconds(1500));  // the loop looks at least once a second
}

TEST(CurlAsync, destroying_the_client_cancels_what_is_in_flight_promptly) {
  LoopbackServer server;
  auto client = make_curl_client();
  std::atomic<int> calls{0};
  std::mutex mutex;
  Result<Response> outcome = fatal("E-TEST", "done not called");
  client->start(get(server.url("/hang/a")), [&](Result<Response> res) {
    std::lock_guard lock(mutex);
    outcome = std::move(res);
    ++calls;
  });
  // Let the request reach the server, so it is in flight rather than queued.
  for (auto until = steady_clock::now() + kWait; server.requests() == 0 && steady_clock::now() < until;) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(server.requests(), 1);
  auto started = steady_clock::now();
  client.reset();
  auto took = steady_clock::now() - started;
  EXPECT_LT(took, milliseconds(500));
  std::lock_guard lock(mutex);
  EXPECT_EQ(calls.load(), 1);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "E-CANCELLED");
  EXPECT_TRUE(outcome.error().retryable());
}

TEST(CurlAsync, destroying_the_client_cancels_requests_started_from_done) {
  LoopbackServer server;
  auto client = make_curl_client();
  std::atomic<int> first{0}, second{0};
  Result<Response> second_outcome = fatal("E-TEST", "done not called");
  Client* raw = client.get();
  client->start(get(server.url("/hang/b")), [&](Result<Response>) {
    ++first;
    // Called while the client is being destroyed: must be queued and cancelled, not deadlock.
    raw->start(get(server.url("/hello")), [&](Result<Response> res) {
      second_outcome = std::move(res);
      ++second;
    });
  });
  for (auto until = steady_clock::now() + kWait; server.requests() == 0 && steady_clock::now() < until;) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  client.reset();
  EXPECT_EQ(first.load(), 1);
  EXPECT_EQ(second.load(), 1);
  ASSERT_FALSE(second_outcome.ok());
  EXPECT_EQ(second_outcome.error().code, "E-CANCELLED");
}

TEST(CurlAsync, done_may_start_the_next_request) {
  LoopbackServer server;
  auto client = make_curl_client();
  std::promise<int> finished;
  int completed = 0;
  std::function<void(Result<Response>)> step = [&](Result<Response> res) {
    if (res.ok() && res->status == 200) ++completed;
    if (completed < 3 && res.ok()) {
      client->start(get(server.url("/hello")), step);
    } else {
      finished.set_value(completed);
    }
  };
  client->start(get(server.url("/hello")), step);
  auto future = finished.get_future();
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(future.get(), 3);
  EXPECT_EQ(server.requests(), 3);
}

TEST(CurlAsync, keeps_the_connection_alive_across_sequential_requests) {
  LoopbackServer server;
  auto client = make_curl_client();
  int ok = 0;
  for (int i = 0; i < 4; ++i) {
    auto res = start_and_wait(*client, get(server.url("/hello")));
    if (res.ok() && res->status == 200) ++ok;
  }
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(server.connections(), 1u);
}

}  // namespace
}  // namespace kt::http
