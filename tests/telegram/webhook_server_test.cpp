// The epoll webhook listener on its own, through raw sockets: who answers and when (the settler,
// the ack timeout, shutdown), keep-alive and pipelining, and every limit an internet-facing
// listener needs (malformed requests, sizes, slow senders, idle and excess connections).
#include "telegram/webhook_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace kt::telegram {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "wh-secret-0123456789";

std::string update_body(std::int64_t id) {
  return R"({"update_id":)" + std::to_string(id) +
         R"(,"message":{"message_id":1,"from":{"id":8,"is_bot":false},"chat":{"id":8,"type":"private"},"text":"/wallet"}})";
}

std::string post(const std::string& body, const std::string& secret = kSecret, const std::string& extra = "") {
  return "POST /tg HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "X-Telegram-Bot-Api-Secret-Token: " +
         secret + "\r\n" + extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string post_update(std::int64_t id, const std::string& extra = "") {
  return post(update_body(id), kSecret, extra);
}

/// The listener with a dispatch that parks every update and its Answer for the test to settle.
class WebhookServerTest : public ::testing::Test {
 protected:
  struct Dispatched {
    std::int64_t update_id;
    WebhookServer::Answer answer;
  };

  WebhookOptions options() {
    WebhookOptions o;
    o.listen_host = "127.0.0.1";
    o.listen_port = 0;
    o.path = "/tg";
    o.secret = kSecret;
    return o;
  }

  void start(WebhookOptions o) {
    server_ = std::make_unique<WebhookServer>(std::move(o), "KiTraderBot", [this](ParsedUpdate u, auto answer) {
      if (refuse_) {
        answer(false);
        return;
      }
      std::lock_guard lock(mutex_);
      dispatched_.push_back({u.update_id, std::move(answer)});
      arrived_.notify_all();
    });
    ASSERT_TRUE(server_->start().ok());
  }
  void start() { start(options()); }

  std::optional<Dispatched> next_dispatched(std::chrono::milliseconds within = 5s) {
    std::unique_lock lock(mutex_);
    if (!arrived_.wait_for(lock, within, [&] { return !dispatched_.empty(); })) return std::nullopt;
    Dispatched d = std::move(dispatched_.front());
    dispatched_.pop_front();
    return d;
  }
  std::size_t dispatched_count() {
    std::lock_guard lock(mutex_);
    return dispatched_.size();
  }

  int connect_client() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(server_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    fds_.push_back(fd);
    return fd;
  }

  void TearDown() override {
    if (server_) server_->stop();
    for (int fd : fds_) ::close(fd);
  }

  std::unique_ptr<WebhookServer> server_;
  bool refuse_ = false;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Dispatched> dispatched_;
  std::vector<int> fds_;
};

void send_all(int fd, const std::string& bytes) {
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

/// Reads until `within` passes or the peer closes; returns what arrived and whether it closed.
struct Received {
  std::string bytes;
  bool closed = false;
};
Received receive(int fd, std::chrono::milliseconds within, std::size_t enough = SIZE_MAX) {
  Received r;
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (r.bytes.size() < enough) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      r.closed = true;
      break;
    }
    r.bytes.append(buf, static_cast<std::size_t>(n));
  }
  return r;
}

/// Status codes of the answers in `bytes`, in order (answers here never have a body).
std::vector<int> statuses(const std::string& bytes) {
  std::vector<int> out;
  for (std::size_t at = bytes.find("HTTP/1.1 "); at != std::string::npos; at = bytes.find("HTTP/1.1 ", at + 1)) {
    out.push_back(std::atoi(bytes.c_str() + at + 9));
  }
  return out;
}

/// One answer's status line and headers.
std::string one_answer(int fd, std::chrono::milliseconds within = 5s) {
  Received r;
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (r.bytes.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    Received more = receive(fd, 100ms, 1);
    r.bytes += more.bytes;
    if (more.closed) break;
  }
  return r.bytes;
}

TEST_F(WebhookServerTest, the_settler_writes_200_when_it_settles_and_the_connection_carries_the_next_update) {
  start();
  const int fd = connect_client();
  for (int i = 0; i < 3; ++i) {
    send_all(fd, post_update(100 + i));
    auto d = next_dispatched();
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->update_id, 100 + i);
    EXPECT_TRUE(receive(fd, 100ms).bytes.empty()) << "answered before the update was settled";
    std::thread([answer = d->answer] { answer(true); }).join();  // a worker's thread
    const std::string answer = one_answer(fd);
    EXPECT_EQ(statuses(answer), std::vector<int>{200});
    EXPECT_EQ(answer.find("Connection: close"), std::string::npos);
  }
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
}

TEST_F(WebhookServerTest, an_update_abandoned_is_answered_503_and_only_the_first_settlement_counts) {
  start();
  const int fd = connect_client();
  send_all(fd, post_update(200));
  auto d = next_dispatched();
  ASSERT_TRUE(d.has_value());
  d->answer(false);
  d->answer(true);  // ignored: already answered
  const Received r = receive(fd, 300ms);
  EXPECT_EQ(statuses(r.bytes), std::vector<int>{503});
  EXPECT_FALSE(r.closed);
}

TEST_F(WebhookServerTest, an_update_refused_inside_dispatch_is_answered_503) {
  refuse_ = true;
  start();
  const int fd = connect_client();
  send_all(fd, post_update(201));
  EXPECT_EQ(statuses(one_answer(fd)), std::vector<int>{503});
  send_all(fd, post_update(202));
  EXPECT_EQ(statuses(one_answer(fd)), std::vector<int>{503});
}

TEST_F(WebhookServerTest, no_settlement_within_the_ack_timeout_is_503_and_the_late_one_is_ignored) {
  auto o = options();
  o.ack_timeout = 150ms;
  start(o);
  const int fd = connect_client();
  send_all(fd, post_update(300));
  auto d = next_dispatched();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(statuses(one_answer(fd, 2s)), std::vector<int>{503});
  send_all(fd, post_update(301));  // the connection goes on
  auto second = next_dispatched();
  ASSERT_TRUE(second.has_value());
  d->answer(true);  // the first update's late finish must not answer the second request
  EXPECT_TRUE(receive(fd, 100ms).bytes.empty());
  second->answer(true);
  EXPECT_EQ(statuses(one_answer(fd)), std::vector<int>{200});
  EXPECT_GE(server_->stats().timeouts, 1u);
}

TEST_F(WebhookServerTest, requests_that_are_not_updates_get_their_status_and_are_not_dispatched) {
  start();
  const int fd = connect_client();
  struct Row {
    std::string request;
    int status;
  };
  const std::vector<Row> rows = {
      {post(update_body(1), "wrong-secret"), 401},
      {"POST /tg HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", 401},  // no secret header at all
      {"POST /other HTTP/1.1\r\nX-Telegram-Bot-Api-Secret-Token: wh-secret-0123456789\r\nContent-Length: 0\r\n\r\n",
       404},
      {"GET /tg HTTP/1.1\r\nHost: x\r\n\r\n", 405},
      {post("not json"), 200},           // Telegram would redeliver a malformed update forever
      {post(R"({"message":{}})"), 200},  // no update id
  };
  for (const auto& row : rows) {
    send_all(fd, row.request);
    const std::string answer = one_answer(fd);
    EXPECT_EQ(statuses(answer), std::vector<int>{row.status}) << row.request;
    if (row.status == 405) {
      EXPECT_NE(answer.find("Allow: POST"), std::string::npos);
    }
  }
  EXPECT_EQ(dispatched_count(), 0u);
}

TEST_F(WebhookServerTest, a_malformed_request_gets_its_status_and_the_connection_is_closed) {
  start();
  struct Row {
    std::string request;
    int status;
  };
  const std::vector<Row> rows = {
      {"POST /tg HTTP/1.1\nContent-Length: 0\n\n", 400},
      {"POST /tg HTTP/2.0\r\nContent-Length: 0\r\n\r\n", 505},
      {"POST /tg HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501},
      {"POST /tg HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", 413},
      {"POST /tg HTTP/1.1\r\nHost: x\r\n\r\n", 411},
      {"POST /tg HTTP/1.1\r\nX: " + std::string(10'000, 'a') + "\r\n\r\n", 431},
  };
  for (const auto& row : rows) {
    const int fd = connect_client();
    send_all(fd, row.request);
    const Received r = receive(fd, 2s);
    EXPECT_EQ(statuses(r.bytes), std::vector<int>{row.status}) << row.request.substr(0, 60);
    EXPECT_NE(r.bytes.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(r.closed) << row.request.substr(0, 60);
  }
  EXPECT_EQ(dispatched_count(), 0u);
}

TEST_F(WebhookServerTest, a_flood_of_bad_requests_writes_one_warning_per_kind_not_one_per_request) {
  test::LogCapture logs;
  start();
  const int fd = connect_client();
  for (int i = 0; i < 30; ++i) {
    send_all(fd, post(update_body(i), "wrong-secret"));
    ASSERT_EQ(statuses(one_answer(fd)), std::vector<int>{401}) << i;
  }
  for (int i = 0; i < 10; ++i) {
    const int bad = connect_client();
    send_all(bad, "POST /tg HTTP/9.9\r\n\r\n");
    ASSERT_TRUE(receive(bad, 2s).closed);
  }
  EXPECT_EQ(logs.count("with a wrong secret refused"), 1u);
  EXPECT_EQ(logs.count("refused with 505"), 1u);
  EXPECT_EQ(logs.count("not logged"), 0u) << "nothing held back is reported before the interval ends";
}

TEST_F(WebhookServerTest, the_first_warning_after_the_interval_says_how_many_were_not_logged) {
  test::LogCapture logs;
  auto o = options();
  o.warn_interval = 200ms;
  start(o);
  const int fd = connect_client();
  for (int i = 0; i < 5; ++i) {
    send_all(fd, post(update_body(i), "wrong-secret"));
    ASSERT_EQ(statuses(one_answer(fd)), std::vector<int>{401});
  }
  std::this_thread::sleep_for(250ms);
  send_all(fd, post(update_body(9), "wrong-secret"));
  ASSERT_EQ(statuses(one_answer(fd)), std::vector<int>{401});
  EXPECT_EQ(logs.count("with a wrong secret refused"), 2u);
  EXPECT_EQ(logs.count("wrong secret refused (4 more like it not logged)"), 1u);
}

TEST_F(WebhookServerTest, an_oversized_body_is_refused_from_its_header_without_reading_it) {
  auto o = options();
  o.limits.max_body_bytes = 1024;
  start(o);
  const int fd = connect_client();
  send_all(fd, post(std::string(2000, 'x')).substr(0, 200));  // head announces 2,000 bytes; body never sent
  const Received r = receive(fd, 2s);
  EXPECT_EQ(statuses(r.bytes), std::vector<int>{413});
  EXPECT_TRUE(r.closed);
}

TEST_F(WebhookServerTest, a_request_that_does_not_arrive_whole_in_time_gets_408_and_is_closed) {
  auto o = options();
  o.request_timeout = 150ms;
  start(o);
  const int fd = connect_client();
  send_all(fd, post_update(400).substr(0, 30));  // a slow sender holding a connection
  const Received r = receive(fd, 3s);
  EXPECT_EQ(statuses(r.bytes), std::vector<int>{408});
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(dispatched_count(), 0u);
}

TEST_F(WebhookServerTest, an_idle_connection_is_closed_after_the_idle_timeout) {
  auto o = options();
  o.idle_timeout = 150ms;
  start(o);
  const int fd = connect_client();
  const Received r = receive(fd, 3s);
  EXPECT_TRUE(r.bytes.empty());
  EXPECT_TRUE(r.closed);
}

TEST_F(WebhookServerTest, connections_beyond_the_limit_are_closed_and_the_others_still_served) {
  auto o = options();
  o.max_connections = 2;
  start(o);
  const int a = connect_client();
  const int b = connect_client();
  ASSERT_TRUE(receive(a, 100ms).bytes.empty());  // both accepted before the third arrives
  const int c = connect_client();
  EXPECT_TRUE(receive(c, 2s).closed);
  send_all(b, post_update(500));
  auto d = next_dispatched();
  ASSERT_TRUE(d.has_value());
  d->answer(true);
  EXPECT_EQ(statuses(one_answer(b)), std::vector<int>{200});
  EXPECT_EQ(server_->stats().connections_refused, 1u);
  (void)a;
}

TEST_F(WebhookServerTest, pipelined_requests_are_answered_in_order) {
  start();
  const int fd = connect_client();
  send_all(fd, post_update(600) + post(update_body(601), "wrong-secret") + post_update(602));
  auto first = next_dispatched();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(dispatched_count(), 0u) << "the next request was served before the first was answered";
  first->answer(true);
  auto third = next_dispatched();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->update_id, 602);
  third->answer(false);
  const Received r = receive(fd, 300ms);
  EXPECT_EQ(statuses(r.bytes), (std::vector<int>{200, 401, 503}));
  EXPECT_FALSE(r.closed);
}

TEST_F(WebhookServerTest, a_client_expecting_100_continue_gets_it_before_sending_the_body) {
  start();
  const int fd = connect_client();
  const std::string request = post_update(650, "Expect: 100-continue\r\n");
  const std::size_t head_end = request.find("\r\n\r\n") + 4;
  send_all(fd, request.substr(0, head_end));
  EXPECT_EQ(statuses(receive(fd, 2s, 25).bytes), std::vector<int>{100});  // within curl's 1 s wait
  send_all(fd, request.substr(head_end));
  auto d = next_dispatched();
  ASSERT_TRUE(d.has_value());
  d->answer(true);
  EXPECT_EQ(statuses(one_answer(fd)), std::vector<int>{200});
}

TEST_F(WebhookServerTest, connection_close_and_a_half_closed_peer_are_answered_then_closed) {
  start();
  const int asks_close = connect_client();
  send_all(asks_close, post_update(700, "Connection: close\r\n"));
  const int half_closed = connect_client();
  send_all(half_closed, post_update(701));
  ::shutdown(half_closed, SHUT_WR);
  for (int i = 0; i < 2; ++i) {
    auto d = next_dispatched();
    ASSERT_TRUE(d.has_value());
    d->answer(true);
  }
  for (int fd : {asks_close, half_closed}) {
    const Received r = receive(fd, 2s);
    EXPECT_EQ(statuses(r.bytes), std::vector<int>{200});
    EXPECT_NE(r.bytes.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(r.closed);
  }
}

TEST_F(WebhookServerTest, a_peer_that_leaves_before_the_answer_costs_nothing_and_the_answer_is_dropped) {
  start();
  const int fd = connect_client();
  send_all(fd, post_update(800));
  auto d = next_dispatched();
  ASSERT_TRUE(d.has_value());
  linger reset{1, 0};  // close with RST, as a peer that gave up
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  ::close(fd);
  fds_.clear();
  for (int i = 0; i < 100 && server_->stats().open_connections != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->stats().open_connections, 0u);
  d->answer(true);  // writes nowhere
  const int next = connect_client();
  send_all(next, post_update(801));
  auto again = next_dispatched();
  ASSERT_TRUE(again.has_value());
  again->answer(true);
  EXPECT_EQ(statuses(one_answer(next)), std::vector<int>{200});
}

TEST_F(WebhookServerTest, stop_closes_awaiting_connections_and_answers_after_it_do_nothing) {
  start();
  const int fd = connect_client();
  send_all(fd, post_update(900));
  auto d = next_dispatched();
  ASSERT_TRUE(d.has_value());
  server_->stop();
  const Received r = receive(fd, 2s);
  EXPECT_TRUE(r.bytes.empty());
  EXPECT_TRUE(r.closed);
  server_.reset();
  d->answer(true);  // after the server is gone: must not touch it (ASan checks)
}

TEST_F(WebhookServerTest, forty_connections_with_answers_from_four_threads_all_get_200) {
  start();
  constexpr int kConnections = 40;
  constexpr int kRounds = 25;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) fds.push_back(connect_client());
  std::atomic<bool> done{false};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (!done) {
        if (auto d = next_dispatched(20ms)) d->answer(true);
      }
    });
  }
  int answered = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kConnections; ++i) send_all(fds[i], post_update(10'000 + round * kConnections + i));
    for (int i = 0; i < kConnections; ++i) {
      const auto got = statuses(one_answer(fds[i]));
      answered += got == std::vector<int>{200} ? 1 : 0;
    }
  }
  done = true;
  for (auto& w : workers) w.join();
  EXPECT_EQ(answered, kConnections * kRounds);
  EXPECT_EQ(server_->stats().requests, static_cast<std::uint64_t>(kConnections * kRounds));
}

TEST_F(WebhookServerTest, a_port_in_use_is_the_bind_error) {
  start();
  auto o = options();
  o.listen_port = server_->port();
  WebhookServer second(o, "KiTraderBot", [](ParsedUpdate, WebhookServer::Answer) {});
  auto started = second.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, "E-WEBHOOK-BIND");
  o.secret.clear();
  WebhookServer no_secret(o, "KiTraderBot", [](ParsedUpdate, WebhookServer::Answer) {});
  EXPECT_EQ(no_secret.start().error().code, "E-WEBHOOK-SECRET");
}

}  // namespace
}  // namespace kt::telegram
