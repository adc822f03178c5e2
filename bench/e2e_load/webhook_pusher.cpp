// Telegram's side of webhook mode in the load driver: one thread keeps `connections` keep-alive
// connections to the bot's listener and POSTs each released update on an idle one, one request at a
// time per connection and each waiting for its answer, like Telegram (max_connections 40 by default).
//
// Raw sockets and epoll, not an HTTP client library: the driver shares the 2-core machine with the
// bot, and with 40 threads each running cpp-httplib's client it spent about 60 µs of CPU per update
// pushing (thread wake-ups per update, the client's header handling), measured as the difference
// between its webhook and polling CPU. That was CPU the bot under test could not have.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "load_bot_api.hpp"

namespace kt::bench {

namespace {

constexpr std::uint32_t kWakeTag = ~std::uint32_t{0};

struct PushConnection {
  int fd = -1;
  bool busy = false;
  std::int64_t update_id = 0;
  std::string in;
  SteadyTime not_before{};  // after an answer other than 200 (the bot is stopping): back off 10 ms
};

/// -1 when refused (the bot's listener is not up yet, or restarting): the caller retries later.
int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (errno != ECONNREFUSED) std::perror("load fake: connecting to the webhook");
    if (fd >= 0) ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/// One answer off the front of `in`: its status, or 0 while incomplete.
int take_answer(std::string& in) {
  const std::size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos || in.size() < 12) return 0;
  std::size_t length = 0;
  for (std::size_t at = in.find("\r\n"); at < end; at = in.find("\r\n", at + 2)) {
    if (strncasecmp(in.c_str() + at + 2, "content-length:", 15) == 0) {
      length = std::strtoul(in.c_str() + at + 17, nullptr, 10);
    }
  }
  if (in.size() < end + 4 + length) return 0;
  const int status = std::atoi(in.c_str() + 9);
  in.erase(0, end + 4 + length);
  return status;
}

}  // namespace

void LoadBotApi::push_loop(int port, const std::string& path, const std::string& secret, std::size_t connections) {
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<PushConnection> pool(connections);
  auto watch = [&](std::size_t i) {
    epoll_event event{EPOLLIN, {.u32 = static_cast<std::uint32_t>(i)}};
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, pool[i].fd, &event);
  };
  epoll_event wake{EPOLLIN, {.u32 = kWakeTag}};
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, push_wake_fd_, &wake);
  const std::string head = "POST " + path +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           "X-Telegram-Bot-Api-Secret-Token: " +
                           secret + "\r\nContent-Length: ";
  std::array<epoll_event, 64> events{};
  std::vector<std::pair<int, std::string>> to_send;
  char buffer[4096];
  while (true) {
    const int n = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), 10);
    // Connections are opened lazily and re-opened after the bot closed one, outside the lock.
    const SteadyTime opening = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < pool.size(); ++i) {
      if (pool[i].fd >= 0 || opening < pool[i].not_before) continue;
      pool[i].fd = connect_loopback(port);
      if (pool[i].fd >= 0) {
        watch(i);
      } else {
        pool[i].not_before = opening + std::chrono::milliseconds(20);
      }
    }
    std::unique_lock lock(mutex_);
    if (shutting_down_) break;
    const SteadyTime now = std::chrono::steady_clock::now();
    for (int e = 0; e < n; ++e) {
      const std::uint32_t tag = events[e].data.u32;
      if (tag == kWakeTag) {
        std::uint64_t count = 0;
        (void)!::read(push_wake_fd_, &count, sizeof count);
        continue;
      }
      PushConnection& c = pool[tag];
      bool lost = false;
      for (;;) {
        const ssize_t got = ::recv(c.fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) {
          c.in.append(buffer, static_cast<std::size_t>(got));
          continue;
        }
        lost = got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
        break;
      }
      while (const int status = take_answer(c.in)) {
        // Answered 200: Telegram forgets it. Otherwise it is offered again (the bot was stopping).
        for (auto r = released_.begin(); r != released_.end(); ++r) {
          if (r->id != c.update_id) continue;
          if (status == 200) {
            released_.erase(r);
          } else {
            r->served = false;
            c.not_before = now + std::chrono::milliseconds(10);
          }
          break;
        }
        c.busy = false;
      }
      if (lost) {  // the bot closed it: what was in flight is offered again, on a new connection
        for (auto& r : released_) {
          if (c.busy && r.id == c.update_id) r.served = false;
        }
        ::close(c.fd);  // also leaves the epoll set
        c = PushConnection{};
        c.not_before = now + std::chrono::milliseconds(10);
      }
    }
    // Served updates stay at the front until answered, so the scan passes at most the in-flight ones.
    auto next = released_.begin();
    for (PushConnection& c : pool) {
      if (c.busy || c.fd < 0 || now < c.not_before) continue;
      while (next != released_.end() && next->served) ++next;
      if (next == released_.end()) break;
      next->served = true;
      users_[next->user].fetched = now;
      c.busy = true;
      c.update_id = next->id;
      to_send.emplace_back(c.fd, head + std::to_string(next->body.size()) + "\r\n\r\n" + next->body);
    }
    lock.unlock();
    // A request is a few hundred bytes into an idle connection's empty send buffer: one send.
    for (const auto& [fd, request] : to_send) {
      if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
        std::perror("load fake: pushing an update");
      }
    }
    to_send.clear();
  }
  for (auto& c : pool) {
    if (c.fd >= 0) ::close(c.fd);
  }
  ::close(epoll_fd);
}

}  // namespace kt::bench
