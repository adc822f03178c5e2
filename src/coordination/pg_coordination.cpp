#include "coordination/pg_coordination.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include "coordination/price_ticks.hpp"
#include "core/thread_name.hpp"

namespace kt::coordination {
namespace {

using storage::postgres::PgConnection;

/// How long the subscriber waits on its socket before checking stop(); also its reconnect pace.
constexpr std::chrono::milliseconds kListenPoll{200};
constexpr std::chrono::milliseconds kReconnectPause{1000};

constexpr storage::postgres::Statement kNotify{"kt_notify_price_ticks", "SELECT pg_notify($1, $2)"};

}  // namespace

PgTrackerLease::PgTrackerLease(storage::postgres::PgConnectOptions options, std::int64_t key)
    : options_(std::move(options)), key_(key) {}

PgTrackerLease::~PgTrackerLease() { release(); }

Result<bool> PgTrackerLease::try_acquire() {
  if (held_) return still_held();
  if (!connection_ || !connection_->usable()) {
    connection_.reset();
    KT_TRY(connection_, PgConnection::connect(options_));
  }
  auto r = connection_->exec(fmt::format("SELECT pg_try_advisory_lock({})", key_));
  if (!r) {
    connection_.reset();
    return std::move(r).error();
  }
  held_ = r->rows() == 1 && r->boolean(0, 0);
  return held_;
}

bool PgTrackerLease::still_held() {
  if (!held_) return false;
  // A round trip, not only a look at the socket: a connection whose server went silent must be
  // found out within the statement timeout, not whenever TCP gives up.
  if (!connection_ || !connection_->still_alive() || !connection_->exec("SELECT 1").ok() || !connection_->usable()) {
    held_ = false;
    connection_.reset();  // the session (and with it the lock, if it survived) ends here
  }
  return held_;
}

void PgTrackerLease::release() {
  // Unlock explicitly: the server ends a closed session a moment after the client hangs up, and
  // a successor should not have to wait for that. Ending the session would release it anyway.
  if (held_ && connection_ && connection_->usable())
    (void)connection_->exec(fmt::format("SELECT pg_advisory_unlock({})", key_));
  held_ = false;
  connection_.reset();
}

std::string PgTrackerLease::describe() const { return fmt::format("PostgreSQL advisory lock {}", key_); }

int PgTrackerLease::backend_pid() const { return connection_ ? connection_->backend_pid() : 0; }

PgPriceBus::PgPriceBus(storage::postgres::PgConnectOptions options, std::string channel, std::string origin,
                       std::function<void(std::string)> log)
    : options_(std::move(options)), channel_(std::move(channel)), origin_(std::move(origin)), log_(std::move(log)) {}

PgPriceBus::~PgPriceBus() { stop(); }

void PgPriceBus::log(std::string line) const {
  if (log_) log_(std::move(line));
}

Result<void> PgPriceBus::publish(std::span<const Quote> ticks) {
  if (ticks.empty()) return {};
  const auto payloads = encode_ticks(ticks, origin_);
  std::lock_guard lock(publish_mutex_);
  if (!publisher_ || !publisher_->usable()) {
    publisher_.reset();
    KT_TRY(publisher_, PgConnection::connect(options_));
  }
  for (const auto& payload : payloads) {
    storage::postgres::PgParams params;
    params.add(channel_).add(payload);
    auto r = publisher_->execute(kNotify, params);
    if (!r) {
      if (!publisher_->usable()) publisher_.reset();
      return std::move(r).error();
    }
  }
  return {};
}

void PgPriceBus::subscribe(OnTicks on_ticks) {
  stop();
  stopping_ = false;
  listener_ = std::thread([this, on_ticks = std::move(on_ticks)] {
    name_this_thread("kt-pg-listen");
    listen_loop(on_ticks);
  });
}

void PgPriceBus::stop() {
  {
    std::lock_guard lock(wait_mutex_);
    stopping_ = true;
  }
  wait_cv_.notify_all();
  if (listener_.joinable()) listener_.join();
  listening_ = false;
}

void PgPriceBus::deliver(std::string_view payload, const OnTicks& on_ticks) {
  auto batch = decode_ticks(payload);
  if (!batch) {
    ++malformed_;
    log("ignored a malformed price tick notification (" + std::to_string(payload.size()) +
        " bytes): " + batch.error().message);
    return;
  }
  if (batch->origin == origin_ || batch->quotes.empty()) return;  // our own ticks
  on_ticks(std::move(batch->quotes));
}

void PgPriceBus::listen_loop(OnTicks on_ticks) {
  std::unique_ptr<PgConnection> connection;
  bool reported_down = false;
  while (!stopping_) {
    if (!connection || !connection->usable()) {
      listening_ = false;
      connection.reset();
      auto connected = PgConnection::connect(options_);
      if (connected) {
        auto listened = (*connected)->exec("LISTEN " + channel_);
        if (listened) connection = std::move(*connected);
      }
      if (!connection) {
        if (!reported_down) log("price tick subscriber cannot LISTEN yet; retrying every second");
        reported_down = true;
        std::unique_lock lock(wait_mutex_);
        wait_cv_.wait_for(lock, kReconnectPause, [this] { return stopping_.load(); });
        continue;
      }
      if (reported_down) log("price tick subscriber is listening again");
      reported_down = false;
      listening_ = true;
    }
    pg_conn* conn = connection->native();
    pollfd pfd{PQsocket(conn), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(kListenPoll.count()));
    if (ready < 0 && errno != EINTR) {
      connection->discard();
      continue;
    }
    if (ready > 0 && PQconsumeInput(conn) == 0) {
      log("price tick subscriber lost its connection; reconnecting");
      connection->discard();
      continue;
    }
    while (PGnotify* note = PQnotifies(conn)) {
      const std::string payload = note->extra != nullptr ? note->extra : "";
      PQfreemem(note);
      deliver(payload, on_ticks);
    }
    if (PQstatus(conn) != CONNECTION_OK) connection->discard();
  }
  listening_ = false;
}

}  // namespace kt::coordination
