#include "telegram/webhook_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/thread_name.hpp"
#include "telegram/log.hpp"

namespace kt::telegram {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kListenTag = ~std::uint64_t{0};
constexpr std::uint64_t kWakeTag = ~std::uint64_t{0} - 1;
// The loop wakes at least this often to answer timeouts; ack and request timeouts are seconds.
constexpr int kSweepMs = 50;

/// The tail of a throttled warning: how many like it were not logged since the last one.
std::string held_back(std::uint64_t held) {
  return held == 0 ? std::string() : " (" + std::to_string(held) + " more like it not logged)";
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

void append_response(std::string& out, int status, bool keep_alive) {
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\nContent-Length: 0\r\n";
  if (status == 405) out += "Allow: POST\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
}

std::string peer_address(const sockaddr_storage& peer) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (peer.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(peer).sin_addr, text, sizeof text);
  } else if (peer.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr, text, sizeof text);
  }
  return text;
}

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

// Owned by the loop while kReading (and while kWriting), by whoever settles it while kAwaiting:
// the loop stops watching the socket for input before dispatching, so the two never read or write
// it at once. `mutex` orders the hand-over; only the loop closes the socket (so a descriptor
// number is never reused under a late answer).
struct WebhookServer::Connection {
  enum class State { kReading, kAwaiting, kWriting, kClosed };

  std::mutex mutex;
  int fd = -1;
  std::string peer;
  State state = State::kReading;
  std::string in;             // bytes read and not yet served
  std::string out;            // answer bytes not yet written
  std::uint64_t request = 0;  // the awaited request's number: a late answer to an earlier one is ignored
  bool keep_alive = true;     // of the awaited request
  bool close_after_write = false;
  bool peer_closed = false;  // the peer sent FIN: serve what arrived, then close
  TimePoint deadline{};      // kAwaiting: ack; kReading: request or idle; kWriting: write
};

WebhookServer::WebhookServer(WebhookOptions options, std::string bot_username, Dispatch dispatch)
    : options_(std::move(options)), bot_username_(std::move(bot_username)), dispatch_(std::move(dispatch)) {
  add_secret(options_.secret);
}

WebhookServer::~WebhookServer() { stop(); }

Result<void> WebhookServer::start() {
  if (options_.secret.empty()) return fatal("E-WEBHOOK-SECRET", "webhook mode needs a secret token");
  const std::string where = options_.listen_host + ":" + std::to_string(options_.listen_port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(options_.listen_port);
  if (int rc = getaddrinfo(options_.listen_host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return fatal("E-WEBHOOK-BIND", "cannot listen on " + where + ": " + gai_strerror(rc));
  }
  std::string failure = "no address";
  for (addrinfo* a = found; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // Telegram opens its connections in a burst; a short accept queue would drop SYNs (1 s retry).
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1024) == 0) {
      listen_fd_ = fd;
    } else {
      failure = std::strerror(errno);
      close(fd);
    }
  }
  freeaddrinfo(found);
  if (listen_fd_ < 0) return fatal("E-WEBHOOK-BIND", "cannot listen on " + where + ": " + failure);
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                            : reinterpret_cast<sockaddr_in&>(bound).sin_port);

  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return fatal("E-WEBHOOK-BIND", std::string("epoll: ") + std::strerror(errno));
  epoll_event listen_event{EPOLLIN, {.u64 = kListenTag}};
  epoll_event wake_event{EPOLLIN, {.u64 = kWakeTag}};
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event);
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake_event);
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("kt-webhook");
    run();
  });
  log(LogLevel::kInfo, "webhook listening on {}:{}{}", options_.listen_host, port_, options_.path);
  return ok_result();
}

void WebhookServer::stop() {
  if (thread_.joinable()) {
    stopping_ = true;
    std::uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  for (int* fd : {&listen_fd_, &epoll_fd_, &wake_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

WebhookServer::Stats WebhookServer::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

void WebhookServer::watch(int fd, std::uint32_t events, int op) {
  epoll_event event{events, {.u64 = static_cast<std::uint64_t>(fd)}};
  epoll_ctl(epoll_fd_, op, fd, &event);
}

void WebhookServer::run() {
  std::array<epoll_event, 64> events{};
  TimePoint next_sweep = Clock::now();
  while (!stopping_) {
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), kSweepMs);
    const TimePoint now = Clock::now();
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == kListenTag) {
        accept_all(now);
      } else if (tag == kWakeTag) {
        std::uint64_t count = 0;
        (void)!read(wake_fd_, &count, sizeof count);
        take_handed_back(now);
      } else if (auto it = connections_.find(static_cast<int>(tag)); it != connections_.end()) {
        on_ready(it->second, events[i].events, now);
      }
    }
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + std::chrono::milliseconds(kSweepMs);
    }
  }
  for (auto& [fd, connection] : connections_) {
    std::lock_guard lock(connection->mutex);
    close_locked(*connection);
  }
  connections_.clear();
}

void WebhookServer::accept_all(TimePoint now) {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // The pending connection stays queued; stop watching until the sweep, or this would spin.
        log(LogLevel::kWarn, "webhook cannot accept: {}; retrying shortly", std::strerror(errno));
        watch(listen_fd_, 0, EPOLL_CTL_MOD);
        accept_paused_ = true;
      }
      return;
    }
    if (open_ >= options_.max_connections) {
      close(fd);
      {
        std::lock_guard lock(stats_mutex_);
        ++stats_.connections_refused;
      }
      if (std::uint64_t held = 0; may_warn(refused_warnings_, now, held)) {
        log(LogLevel::kWarn, "webhook: {} connections open, the limit; refused one from {}{}", open_,
            peer_address(peer), held_back(held));
      }
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto connection = std::make_shared<Connection>();
    connection->fd = fd;
    connection->peer = peer_address(peer);
    connection->deadline = now + options_.idle_timeout;
    connections_[fd] = connection;
    ++open_;
    watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    std::lock_guard lock(stats_mutex_);
    ++stats_.connections_accepted;
    stats_.open_connections = open_;
  }
}

void WebhookServer::on_ready(const ConnectionPtr& connection, std::uint32_t events, TimePoint now) {
  Connection::State state;
  {
    std::lock_guard lock(connection->mutex);
    state = connection->state;
    if (events & (EPOLLERR | EPOLLHUP)) {
      close_locked(*connection);
      return;
    }
  }
  if (state == Connection::State::kWriting && (events & EPOLLOUT)) {
    flush(connection, now);
  } else if (state == Connection::State::kReading && (events & EPOLLIN)) {
    read_from(*connection, now);
    serve_buffered(connection, now);
  }
}

void WebhookServer::read_from(Connection& connection, TimePoint now) {
  // At most one whole request plus a read's worth: the parser decides (413/431) before more is needed.
  const std::size_t cap = options_.limits.max_head_bytes + options_.limits.max_body_bytes;
  std::array<char, 64 * 1024> chunk;
  while (connection.in.size() < cap) {
    ssize_t got = recv(connection.fd, chunk.data(), chunk.size(), 0);
    if (got > 0) {
      if (connection.in.empty()) connection.deadline = now + options_.request_timeout;
      connection.in.append(chunk.data(), static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0) connection.peer_closed = true;
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) connection.peer_closed = true;
    return;
  }
}

void WebhookServer::serve_buffered(const ConnectionPtr& connection, TimePoint now) {
  Connection& c = *connection;
  while (!c.in.empty()) {
    HttpParse parsed = parse_http_request(c.in, options_.limits);
    if (parsed.status == HttpParse::Status::kIncomplete) {
      // Else curl would wait a second before sending the body (its expect timeout).
      if (parsed.awaits_continue && c.out.empty()) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        (void)!send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      break;
    }
    if (parsed.status == HttpParse::Status::kError) {
      if (std::uint64_t held = 0; may_warn(malformed_warnings_, now, held)) {
        log(LogLevel::kWarn, "webhook request from {} refused with {}: {}{}", c.peer, parsed.error_status, parsed.error,
            held_back(held));
      }
      c.in.clear();
      append_response(c.out, parsed.error_status, false);
      c.close_after_write = true;
      break;
    }
    c.in.erase(0, parsed.consumed);
    {
      std::lock_guard lock(stats_mutex_);
      ++stats_.requests;
    }
    if (respond(connection, parsed.request, now)) return;        // dispatched: the answer comes from its settler
    if (c.close_after_write || c.out.size() > 64 * 1024) break;  // or a client that pipelines but does not read
  }
  if (c.peer_closed) {
    c.in.clear();  // what is left can never become whole
    c.close_after_write = true;
  }
  // A request still arriving keeps the deadline its first byte set.
  if (c.in.empty()) c.deadline = now + options_.idle_timeout;
  if (!c.out.empty() || c.close_after_write) {
    std::lock_guard lock(c.mutex);
    c.state = Connection::State::kWriting;
    c.deadline = now + options_.request_timeout;
  }
  if (c.state == Connection::State::kWriting) flush(connection, now);
}

bool WebhookServer::respond(const ConnectionPtr& connection, const HttpRequest& request, TimePoint now) {
  Connection& c = *connection;
  int status = 200;
  if (request.path() != options_.path) {
    status = 404;
  } else if (request.method != "POST") {
    status = 405;
  } else if (!constant_time_equals(request.header("X-Telegram-Bot-Api-Secret-Token").value_or(""), options_.secret)) {
    if (std::uint64_t held = 0; may_warn(wrong_secret_warnings_, now, held)) {
      log(LogLevel::kWarn, "webhook request from {} with a wrong secret refused{}", c.peer, held_back(held));
    }
    status = 401;
  } else if (auto update = parse_update_text(request.body, bot_username_); !update.ok()) {
    // 200 anyway: Telegram would redeliver a malformed update forever.
    log(LogLevel::kWarn, "webhook update skipped: {}", update.error().message);
  } else {
    std::uint64_t number;
    {
      std::lock_guard lock(c.mutex);
      c.state = Connection::State::kAwaiting;
      number = ++c.request;
      c.keep_alive = request.keep_alive && !c.peer_closed;
      c.deadline = now + options_.ack_timeout;
      watch(c.fd, 0, EPOLL_CTL_MOD);  // the settler may write now; the loop reads again once it has
    }
    dispatch_(std::move(*update),
              [this, connection, number](bool finished) { settle(connection, number, finished ? 200 : 503); });
    return true;
  }
  if (!request.keep_alive) c.close_after_write = true;
  append_response(c.out, status, !c.close_after_write);
  if (c.close_after_write) c.in.clear();
  return false;
}

void WebhookServer::settle(const ConnectionPtr& connection, std::uint64_t request, int status) {
  Connection& c = *connection;
  std::lock_guard lock(c.mutex);
  if (c.state != Connection::State::kAwaiting || c.request != request) return;
  append_response(c.out, status, c.keep_alive);
  ssize_t sent = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (sent == static_cast<ssize_t>(c.out.size()) && c.keep_alive && c.in.empty()) {
    // The common case, finished on the settler's thread without waking the loop.
    c.out.clear();
    c.state = Connection::State::kReading;
    c.deadline = Clock::now() + options_.idle_timeout;
    watch(c.fd, EPOLLIN, EPOLL_CTL_MOD);
    return;
  }
  if (sent > 0) c.out.erase(0, static_cast<std::size_t>(sent));
  if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) c.out.clear();  // the peer is gone
  if (!c.keep_alive || (sent < 0 && c.out.empty())) c.close_after_write = true;
  c.state = Connection::State::kWriting;
  c.deadline = Clock::now() + options_.request_timeout;
  hand_back_locked(connection);
}

void WebhookServer::flush(const ConnectionPtr& connection, TimePoint now) {
  Connection& c = *connection;
  std::unique_lock lock(c.mutex);
  if (c.state != Connection::State::kWriting) return;
  while (!c.out.empty()) {
    ssize_t sent = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      c.out.erase(0, static_cast<std::size_t>(sent));
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      watch(c.fd, EPOLLOUT, EPOLL_CTL_MOD);
      return;
    } else {
      close_locked(c);
      return;
    }
  }
  if (c.close_after_write) {
    close_locked(c);
    return;
  }
  c.state = Connection::State::kReading;
  c.deadline = now + (c.in.empty() ? options_.idle_timeout : options_.request_timeout);
  watch(c.fd, EPOLLIN, EPOLL_CTL_MOD);
  lock.unlock();
  if (!c.in.empty()) serve_buffered(connection, now);  // pipelined requests read earlier
}

void WebhookServer::hand_back_locked(const ConnectionPtr& connection) {
  {
    std::lock_guard lock(handed_back_mutex_);
    handed_back_.push_back(connection);
  }
  std::uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
}

void WebhookServer::take_handed_back(TimePoint now) {
  std::vector<ConnectionPtr> taken;
  {
    std::lock_guard lock(handed_back_mutex_);
    taken.swap(handed_back_);
  }
  for (auto& connection : taken) flush(connection, now);
}

void WebhookServer::sweep(TimePoint now) {
  if (accept_paused_) {
    accept_paused_ = false;
    watch(listen_fd_, EPOLLIN, EPOLL_CTL_MOD);
  }
  std::vector<ConnectionPtr> overdue;
  for (auto it = connections_.begin(); it != connections_.end();) {
    bool closed = false;
    {
      Connection& c = *it->second;
      std::lock_guard lock(c.mutex);
      closed = c.state == Connection::State::kClosed;
      if (!closed && now >= c.deadline) overdue.push_back(it->second);
    }
    // Erased after its lock is released: the map may hold the last reference to the connection.
    it = closed ? connections_.erase(it) : std::next(it);
  }
  {
    std::lock_guard lock(stats_mutex_);
    stats_.open_connections = open_;
    stats_.timeouts += overdue.size();
  }
  for (auto& connection : overdue) {
    Connection& c = *connection;
    std::unique_lock lock(c.mutex);
    if (c.state == Connection::State::kAwaiting) {
      const std::uint64_t request = c.request;
      lock.unlock();
      settle(connection, request, 503);  // Telegram retries; a late finish is then ignored
    } else if (c.state == Connection::State::kReading && !c.in.empty()) {
      if (std::uint64_t held = 0; may_warn(slow_warnings_, now, held)) {
        log(LogLevel::kWarn, "webhook request from {} not whole within {} ms; closing{}", c.peer,
            options_.request_timeout.count(), held_back(held));
      }
      c.in.clear();
      append_response(c.out, 408, false);
      c.close_after_write = true;
      c.state = Connection::State::kWriting;
      lock.unlock();
      flush(connection, now);
    } else {
      close_locked(c);  // idle, or an answer the peer would not read
    }
  }
}

bool WebhookServer::may_warn(WarnThrottle& throttle, TimePoint now, std::uint64_t& held) const {
  if (now < throttle.next) {
    ++throttle.held;
    return false;
  }
  held = std::exchange(throttle.held, 0);
  throttle.next = now + options_.warn_interval;
  return true;
}

void WebhookServer::close_locked(Connection& connection) {
  if (connection.state == Connection::State::kClosed) return;
  connection.state = Connection::State::kClosed;
  --open_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection.fd, nullptr);
  close(connection.fd);
  connection.fd = -1;
  connection.in.clear();
  connection.out.clear();
}

}  // namespace kt::telegram
