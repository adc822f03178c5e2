#include <random>

#include "coordination/local_coordination.hpp"
#include "coordination/pg_coordination.hpp"

namespace kt::coordination {
namespace {

/// A random id per process, so a subscriber skips its own process's ticks.
std::string random_origin() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> any;
  const std::uint64_t a = any(device), b = any(device);
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return text;
}

bool is_channel_name(const std::string& s) {
  if (s.empty() || s.size() > 63 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<Coordination> open_coordination(const std::string& database_url, CoordinationOptions options) {
  Coordination out;
  if (database_url == "sqlite::memory:") {
    out.lease = std::make_unique<FileTrackerLease>("");
    out.bus = std::make_unique<NullPriceBus>();
    return out;
  }
  if (database_url.rfind("sqlite://", 0) == 0) {
    const std::string path = database_url.substr(9);
    if (path.empty()) return fatal("E-CONFIG", "database.url: sqlite:// needs a file path");
    out.lease = std::make_unique<FileTrackerLease>(path + ".tracker-lock");
    out.bus = std::make_unique<NullPriceBus>();
    return out;
  }
  if (database_url.rfind("postgresql://", 0) == 0 || database_url.rfind("postgres://", 0) == 0) {
    if (!is_channel_name(options.channel))
      return fatal("E-CONFIG", "price tick channel must be a lower-case SQL identifier: " + options.channel);
    storage::postgres::PgConnectOptions connect;
    connect.conninfo = database_url;
    out.lease = std::make_unique<PgTrackerLease>(connect, options.lease_key);
    out.bus = std::make_unique<PgPriceBus>(connect, options.channel, random_origin(), options.log);
    return out;
  }
  return fatal("E-CONFIG", "database.url: expected sqlite://PATH, sqlite::memory: or postgresql://…");
}

}  // namespace kt::coordination
