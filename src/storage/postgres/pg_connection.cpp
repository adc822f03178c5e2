#include "storage/postgres/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace kt::storage::postgres {

namespace {

using SteadyClock = std::chrono::steady_clock;

// The client-side deadline exceeds the server's statement_timeout so the server's own cancel
// (a clean, retryable 57014) normally wins; ours only fires when the network itself is gone.
constexpr std::chrono::milliseconds kClientGrace{2000};

Error unavailable() { return retryable(kStorageCode, kUnavailableMessage, std::chrono::milliseconds{500}); }

std::string trimmed(const char* message) {
  std::string out = message != nullptr ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

bool is_connection_sqlstate(std::string_view sqlstate) {
  return sqlstate.substr(0, 2) == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

// --- PgResult --------------------------------------------------------------------------------

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

PgResult::~PgResult() {
  if (result_ != nullptr) PQclear(result_);
}

int PgResult::rows() const { return result_ != nullptr ? PQntuples(result_) : 0; }

int PgResult::affected() const {
  if (result_ == nullptr) return 0;
  const char* text = PQcmdTuples(result_);
  int n = 0;
  std::from_chars(text, text + std::strlen(text), n);
  return n;
}

std::string_view PgResult::command_status() const { return result_ != nullptr ? PQcmdStatus(result_) : ""; }

bool PgResult::is_null(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }

std::string_view PgResult::text(int row, int col) const {
  return {PQgetvalue(result_, row, col), static_cast<std::size_t>(PQgetlength(result_, row, col))};
}

std::int64_t PgResult::int64(int row, int col) const {
  std::string_view t = text(row, col);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

bool PgResult::boolean(int row, int col) const { return text(row, col) == "t"; }

double PgResult::float64(int row, int col) const {
  std::string_view t = text(row, col);
  double v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

// --- PgParams --------------------------------------------------------------------------------

PgParams& PgParams::add(std::int64_t v) {
  values_.push_back(std::to_string(v));
  nulls_.push_back(false);
  return *this;
}

PgParams& PgParams::add(bool v) {
  values_.emplace_back(v ? "t" : "f");
  nulls_.push_back(false);
  return *this;
}

PgParams& PgParams::add(std::string_view v) {
  if (v.find('\0') != std::string_view::npos) has_nul_ = true;
  values_.emplace_back(v);
  nulls_.push_back(false);
  return *this;
}

PgParams& PgParams::add_null() {
  values_.emplace_back();
  nulls_.push_back(true);
  return *this;
}

std::vector<const char*> PgParams::pointers() const {
  std::vector<const char*> out(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) out[i] = nulls_[i] ? nullptr : values_[i].c_str();
  return out;
}

// --- PgConnection ----------------------------------------------------------------------------

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const PgConnectOptions& options) {
  const std::string timeout = std::to_string(options.connect_timeout.count());
  const std::string user_timeout = std::to_string((options.statement_timeout + kClientGrace).count());
  // Later keywords override the URL's, so our timeouts always apply.
  const char* keys[] = {"dbname",           "connect_timeout",           "keepalives",
                        "keepalives_idle",  "keepalives_interval",       "keepalives_count",
                        "tcp_user_timeout", "fallback_application_name", nullptr};
  const char* values[] = {options.conninfo.c_str(), timeout.c_str(), "1",    "5", "2", "3",
                          user_timeout.c_str(),     "kitrader",      nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr) return fatal(kStorageCode, "libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string detail = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return retryable(kStorageCode, fmt::format("{} (connect: {})", kUnavailableMessage, detail),
                     std::chrono::milliseconds{500});
  }
  std::unique_ptr<PgConnection> out(new PgConnection(conn, options));
  // extra_float_digits > 0: doubles come back in their shortest exact form whatever the server default.
  KT_TRY(PgResult set, out->exec("SET idle_in_transaction_session_timeout = 60000; SET TimeZone = 'UTC';"
                                 " SET extra_float_digits = 3"));
  (void)set;
  KT_TRY_VOID(out->set_timeout(options.statement_timeout));
  return out;
}

Result<void> PgConnection::set_timeout(std::chrono::milliseconds timeout) {
  KT_TRY(PgResult r, exec(fmt::format("SET statement_timeout = {0}; SET lock_timeout = {0}", timeout.count())));
  (void)r;
  options_.statement_timeout = timeout;
  return {};
}

PgConnection::PgConnection(pg_conn* conn, const PgConnectOptions& options) : conn_(conn), options_(options) {
  PQsetNoticeReceiver(conn_, &PgConnection::on_notice, this);
}

void PgConnection::on_notice(void* self, const pg_result* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity != nullptr && (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0)) {
    static_cast<PgConnection*>(self)->broken_ = true;
  }
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::usable() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

int PgConnection::backend_pid() const { return PQbackendPID(conn_); }

bool PgConnection::still_alive() {
  if (!usable()) return false;
  // An idle connection (we never LISTEN) has nothing to read: readable means the server sent
  // its termination error or closed the socket (pg_terminate_backend, restart). Reading it
  // lets libpq and on_notice() mark the connection; anything else unexpected also retires it.
  pollfd pfd{PQsocket(conn_), POLLIN, 0};
  if (::poll(&pfd, 1, 0) > 0) {
    PQconsumeInput(conn_);
    broken_ = true;
  }
  return usable();
}

SteadyClock::time_point PgConnection::deadline() const {
  return SteadyClock::now() + options_.statement_timeout + kClientGrace;
}

bool PgConnection::wait_readable(SteadyClock::time_point until) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()).count();
    if (left <= 0) return false;
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    int n = ::poll(&pfd, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

Result<std::optional<PgResult>> PgConnection::next_result(SteadyClock::time_point until) {
  while (PQisBusy(conn_) != 0) {
    if (!wait_readable(until)) {
      broken_ = true;
      return retryable(kStorageCode, "storage did not answer in time, nothing was changed",
                       std::chrono::milliseconds{500});
    }
    if (PQconsumeInput(conn_) == 0) return connection_error("reading a result");
  }
  PGresult* r = PQgetResult(conn_);
  if (r == nullptr) return std::optional<PgResult>{};
  return std::optional<PgResult>{PgResult(r)};
}

Error PgConnection::connection_error(std::string_view /*action*/) {
  broken_ = true;
  return unavailable();
}

Error PgConnection::result_error(const PgResult& result, std::string_view action) {
  const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
  std::string_view sqlstate = state != nullptr ? state : "";
  if (sqlstate.empty() || is_connection_sqlstate(sqlstate) || PQstatus(conn_) != CONNECTION_OK) {
    return connection_error(action);
  }
  // Our own refusals (kt_refuse, migration 0005) carry the client's message and kind.
  if (sqlstate == kRefusedNotFound || sqlstate == kRefusedRejected) {
    const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
    std::string message = primary != nullptr ? primary : "refused";
    if (sqlstate == kRefusedNotFound) return not_found(kNotFoundCode, std::move(message));
    return rejected(kStorageCode, std::move(message));
  }
  std::string detail = fmt::format("{} [{}] (while {})", trimmed(PQresultErrorMessage(result.get())), sqlstate, action);
  if (sqlstate == "57014" || sqlstate == "55P03") {  // statement_timeout / lock_timeout
    return retryable(kStorageCode, "storage query timed out, nothing was changed", std::chrono::milliseconds{200});
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "53300") {
    return retryable(kStorageCode, kUnavailableMessage, std::chrono::milliseconds{100});
  }
  if (sqlstate.substr(0, 2) == "23") return rejected(kStorageCode, "constraint violated: " + detail);
  if (sqlstate.substr(0, 2) == "22") return rejected(kStorageCode, "invalid data: " + detail);
  return fatal(kStorageCode, "database error: " + detail);
}

Result<PgResult> PgConnection::execute(const Statement& statement, const PgParams& params, const Statement* prefix) {
  KT_TRY(std::vector<PgResult> results, execute_all({Step{&statement, &params}}, prefix));
  return std::move(results.front());
}

Result<std::vector<PgResult>> PgConnection::execute_all(const std::vector<Step>& steps, const Statement* prefix) {
  const char* action = steps.empty() ? "pipeline" : steps.front().statement->name;
  if (!usable()) return connection_error(action);
  for (const Step& step : steps) {
    if (step.params->has_nul())
      return rejected(kStorageCode, "text contains a NUL byte, which PostgreSQL cannot store");
  }
  // What each queued command answers: a Parse (prepares a statement) or the execution of a step
  // (-1 = the prefix). Results come back in this order, each followed by a null.
  struct Queued {
    const Statement* prepares = nullptr;
    int step = -1;
  };
  std::vector<Queued> queued;
  std::unordered_set<std::string_view> preparing;
  std::vector<std::vector<const char*>> values(steps.size());
  const auto until = deadline();

  if (PQenterPipelineMode(conn_) == 0) return connection_error("entering pipeline mode");
  ++round_trips_;
  bool sent = true;
  auto send = [&](const Statement& statement, const PgParams* params, int step) {
    if (prepared_.count(statement.name) == 0 && preparing.insert(statement.name).second) {
      sent = sent && PQsendPrepare(conn_, statement.name, statement.sql, 0, nullptr) != 0;
      queued.push_back(Queued{&statement, step});
    }
    const int n = params != nullptr ? params->size() : 0;
    const char* const* data = nullptr;
    if (params != nullptr) {
      values[static_cast<std::size_t>(step)] = params->pointers();
      data = values[static_cast<std::size_t>(step)].data();
    }
    sent = sent && PQsendQueryPrepared(conn_, statement.name, n, data, nullptr, nullptr, 0) != 0;
    queued.push_back(Queued{nullptr, step});
  };
  if (prefix != nullptr) send(*prefix, nullptr, -1);
  for (std::size_t i = 0; i < steps.size(); ++i) send(*steps[i].statement, steps[i].params, static_cast<int>(i));
  sent = sent && PQpipelineSync(conn_) != 0;
  if (!sent) return connection_error(action);

  std::optional<Error> first_error;
  std::vector<PgResult> results(steps.size());
  for (const Queued& q : queued) {
    for (;;) {  // each queued command yields its result(s) then a null
      KT_TRY(std::optional<PgResult> r, next_result(until));
      if (!r) break;
      const ExecStatusType status = PQresultStatus(r->get());
      const char* name = q.prepares != nullptr ? q.prepares->name
                         : q.step >= 0         ? steps[static_cast<std::size_t>(q.step)].statement->name
                                               : prefix->name;
      if (status == PGRES_FATAL_ERROR) {
        if (!first_error) first_error = result_error(*r, name);
      } else if (status == PGRES_PIPELINE_ABORTED) {
        if (!first_error) first_error = fatal(kStorageCode, "pipeline aborted");
      } else if (q.prepares != nullptr) {
        prepared_.insert(q.prepares->name);
      } else if (q.step >= 0) {
        results[static_cast<std::size_t>(q.step)] = std::move(*r);
      }
    }
  }
  KT_TRY(std::optional<PgResult> sync, next_result(until));
  if (!sync || PQresultStatus(sync->get()) != PGRES_PIPELINE_SYNC || PQexitPipelineMode(conn_) == 0) {
    return connection_error("ending the pipeline");
  }
  if (first_error) return *first_error;
  return results;
}

Result<PgResult> PgConnection::exec(std::string_view sql) {
  if (!usable()) return connection_error("exec");
  const std::string text(sql);
  ++round_trips_;
  if (PQsendQuery(conn_, text.c_str()) == 0) return connection_error("exec");
  const auto until = deadline();
  std::optional<Error> first_error;
  PgResult last;
  for (;;) {
    KT_TRY(std::optional<PgResult> r, next_result(until));
    if (!r) break;
    if (PQresultStatus(r->get()) == PGRES_FATAL_ERROR) {
      if (!first_error) first_error = result_error(*r, "exec");
    } else {
      last = std::move(*r);
    }
  }
  if (first_error) return *first_error;
  return last;
}

}  // namespace kt::storage::postgres
