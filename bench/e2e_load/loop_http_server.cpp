#include "loop_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <stdexcept>

#include "telegram/http_request.hpp"

namespace kt::bench {

namespace {

constexpr std::uint64_t kListenTag = 0;
constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};

std::string_view reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    default: return status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

}  // namespace

LoopHttpServer::LoopHttpServer(Handler handler, Tick tick) : handler_(std::move(handler)), tick_(std::move(tick)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 4096) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("load fake: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event listen_event{EPOLLIN, {.u64 = kListenTag}};
  epoll_event wake_event{EPOLLIN, {.u64 = kWakeTag}};
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake_event);
  thread_ = std::thread([this] { run(); });
}

LoopHttpServer::~LoopHttpServer() {
  stopping_ = true;
  wake();
  thread_.join();
  for (auto& [id, connection] : connections_) ::close(connection.fd);
  for (int fd : {listen_fd_, epoll_fd_, wake_fd_}) ::close(fd);
}

void LoopHttpServer::wake() {
  std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void LoopHttpServer::run() {
  std::array<epoll_event, 64> events{};
  Clock::time_point next_tick = Clock::now();
  while (!stopping_) {
    Clock::time_point due = next_tick;
    if (!delayed_.empty()) due = std::min(due, delayed_.top().at);
    // Microseconds, not epoll_wait's milliseconds: at 5,000 updates/s the slots are 200 µs apart,
    // and a parked poll answered up to a millisecond late would count against the bot.
    const auto wait =
        std::clamp<std::chrono::nanoseconds>(due - Clock::now(), std::chrono::nanoseconds(0), std::chrono::seconds(1));
    const auto seconds = std::chrono::floor<std::chrono::seconds>(wait);
    const timespec timeout{static_cast<time_t>(seconds.count()), static_cast<long>((wait - seconds).count())};
    int n = ::epoll_pwait2(epoll_fd_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
    if (n < 0 && errno == ENOSYS) {  // kernel before 5.11
      n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                       static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count()));
    }
    const Clock::time_point now = Clock::now();
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == kListenTag) {
        accept_all();
      } else if (tag == kWakeTag) {
        std::uint64_t count = 0;
        (void)!::read(wake_fd_, &count, sizeof count);
      } else if (auto it = connections_.find(tag); it != connections_.end()) {
        if (events[i].events & EPOLLOUT) {
          if (!flush(tag, it->second)) continue;
        }
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_from(tag, it->second, now);
      }
    }
    while (!delayed_.empty() && delayed_.top().at <= now) {
      Delayed next = delayed_.top();
      delayed_.pop();
      if (auto it = connections_.find(next.connection); it != connections_.end()) {
        send_reply(next.connection, it->second, next.reply);
      }
    }
    next_tick = tick_(now);
  }
}

void LoopHttpServer::accept_all() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) std::perror("load fake: accept");
      return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // else delayed ACK holds answers ~40 ms
    const ConnId id = next_id_++;
    connections_[id].fd = fd;
    epoll_event event{EPOLLIN, {.u64 = id}};
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  }
}

void LoopHttpServer::read_from(ConnId id, Connection& connection, Clock::time_point now) {
  std::array<char, 64 * 1024> chunk;
  for (;;) {
    const ssize_t got = ::recv(connection.fd, chunk.data(), chunk.size(), 0);
    if (got > 0) {
      connection.in.append(chunk.data(), static_cast<std::size_t>(got));
      if (static_cast<std::size_t>(got) < chunk.size()) break;
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    close_connection(id);  // the peer left (or an error): nothing in hand can be answered
    return;
  }
  serve_next(id, connection, now);
}

void LoopHttpServer::serve_next(ConnId id, Connection& connection, Clock::time_point now) {
  if (connection.in_hand || connection.in.empty()) return;
  static const telegram::HttpRequestLimits limits{.max_head_bytes = 64 * 1024, .max_body_bytes = 64 << 20};
  telegram::HttpParse parsed = telegram::parse_http_request(connection.in, limits);
  if (parsed.status == telegram::HttpParse::Status::kIncomplete) {
    if (parsed.awaits_continue) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      connection.out.append(kContinue);
      flush(id, connection);
    }
    return;
  }
  if (parsed.status == telegram::HttpParse::Status::kError) {
    std::fprintf(stderr, "load fake: bad request (%d): %s\n", parsed.error_status, parsed.error.c_str());
    connection.in.clear();
    connection.close_after = true;
    send_reply(id, connection, Reply{parsed.error_status, R"({"ok":false})"});
    return;
  }
  connection.in.erase(0, parsed.consumed);
  connection.in_hand = true;
  connection.close_after = !parsed.request.keep_alive;
  if (auto reply = handler_(id, parsed.request.path(), parsed.request.body, now)) send_reply(id, connection, *reply);
}

void LoopHttpServer::answer(ConnId id, Reply reply, Clock::time_point at) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (at > Clock::now()) {
    delayed_.push(Delayed{at, id, delayed_order_++, std::move(reply)});
    return;
  }
  send_reply(id, it->second, reply);
}

void LoopHttpServer::send_reply(ConnId id, Connection& connection, const Reply& reply) {
  connection.out += "HTTP/1.1 ";
  connection.out += std::to_string(reply.status);
  connection.out += ' ';
  connection.out += reason(reply.status);
  connection.out += "\r\nContent-Type: application/json\r\nContent-Length: ";
  connection.out += std::to_string(reply.body.size());
  connection.out += connection.close_after ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n";
  connection.out += reply.body;
  connection.in_hand = false;
  if (!flush(id, connection)) return;
  serve_next(id, connection, Clock::now());  // a request sent before this answer was read
}

bool LoopHttpServer::flush(ConnId id, Connection& connection) {
  while (!connection.out.empty()) {
    const ssize_t sent = ::send(connection.fd, connection.out.data(), connection.out.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      connection.out.erase(0, static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!connection.watching_out) {
        epoll_event event{EPOLLIN | EPOLLOUT, {.u64 = id}};
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event);
        connection.watching_out = true;
      }
      return true;
    }
    close_connection(id);
    return false;
  }
  if (connection.close_after && !connection.in_hand) {
    close_connection(id);
    return false;
  }
  if (connection.watching_out) {
    epoll_event event{EPOLLIN, {.u64 = id}};
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event);
    connection.watching_out = false;
  }
  return true;
}

void LoopHttpServer::close_connection(ConnId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.fd, nullptr);
  ::close(it->second.fd);
  connections_.erase(it);
}

}  // namespace kt::bench
