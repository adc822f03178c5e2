#include "storage/postgres/postgres_repository.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/embedded_file.hpp"
#include "storage/postgres/pg_pool.hpp"
#include "storage/postgres/pg_statements.hpp"
#include "storage/postgres/pg_transaction.hpp"

namespace kt::storage::postgres {

std::span<const kt::EmbeddedFile> migrations();  // generated from migrations/postgres/*.sql

namespace {

// pg_advisory_lock key serializing migrations of every process on this database ("KTMIGRAT").
constexpr std::int64_t kMigrationLockKey = 0x4B544D4947524154;
constexpr std::chrono::milliseconds kMigrationTimeout{10 * 60 * 1000};

struct Migration {
  int version = 0;
  std::string name;
  std::string_view sql;
};

/// "0001_initial.sql" -> {1, "initial"}; files not named NNNN_*.sql are a build error.
std::vector<Migration> sorted_migrations() {
  std::vector<Migration> out;
  for (const EmbeddedFile& file : migrations()) {
    Migration m;
    auto [end, ec] = std::from_chars(file.name.data(), file.name.data() + file.name.size(), m.version);
    if (ec != std::errc{} || *end != '_') throw std::logic_error("bad migration file name " + std::string(file.name));
    std::string_view rest(end + 1, static_cast<std::size_t>(file.name.data() + file.name.size() - end - 1));
    if (rest.size() > 4 && rest.substr(rest.size() - 4) == ".sql") rest.remove_suffix(4);
    m.name = std::string(rest);
    m.sql = file.content;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return out;
}

Result<std::vector<int>> read_versions(PgConnection& conn) {
  KT_TRY(PgResult exists, conn.exec("SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (!exists.boolean(0, 0)) return std::vector<int>{};
  KT_TRY(PgResult r, conn.exec("SELECT version FROM schema_migrations ORDER BY version"));
  std::vector<int> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(static_cast<int>(r.int64(i, 0)));
  return out;
}

Result<void> apply_one(PgConnection& conn, const Migration& m) {
  auto body = [&]() -> Result<void> {
    KT_TRY(PgResult begin, conn.exec("BEGIN"));
    KT_TRY(PgResult applied, conn.exec(m.sql));
    KT_TRY(PgResult recorded, conn.execute(sql::kRecordMigration, PgParams{}.add(m.version).add(m.name)));
    KT_TRY(PgResult commit, conn.exec("COMMIT"));
    return {};
  };
  Result<void> result = body();
  if (!result.ok()) {
    if (conn.usable() && !conn.exec("ROLLBACK").ok()) conn.discard();
    Error e = std::move(result).error();
    e.message = fmt::format("migration {:04d}_{} failed: {}", m.version, m.name, e.message);
    return e;
  }
  return {};
}

Result<void> apply_pending(PgConnection& conn) {
  KT_TRY(PgResult table, conn.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   "version INT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
  KT_TRY(std::vector<int> applied, read_versions(conn));
  for (const Migration& m : sorted_migrations()) {
    if (std::find(applied.begin(), applied.end(), m.version) != applied.end()) continue;
    KT_TRY_VOID(apply_one(conn, m));
  }
  return {};
}

/// The Repository over a connection pool.
class PostgresRepository final : public Repository {
 public:
  explicit PostgresRepository(PgConnectOptions options, int pool_size) : pool_(std::move(options), pool_size) {}

  Result<void> migrate() override {
    KT_TRY(PooledConnection conn, pool_.acquire());
    KT_TRY_VOID(conn->set_timeout(kMigrationTimeout));
    // Session lock: a second process waits here, then finds everything applied.
    KT_TRY(PgResult locked, conn->exec(fmt::format("SELECT pg_advisory_lock({})", kMigrationLockKey)));
    Result<void> result = apply_pending(*conn);
    if (conn->usable()) {
      bool restored = conn->exec(fmt::format("SELECT pg_advisory_unlock({})", kMigrationLockKey)).ok() &&
                      conn->set_timeout(pool_.options().statement_timeout).ok();
      if (!restored) conn->discard();
    }
    return result;
  }

  Result<std::vector<int>> applied_migrations() override {
    KT_TRY(PooledConnection conn, pool_.acquire());
    return read_versions(*conn);
  }

  Result<void> write(const std::function<Result<void>(Transaction&)>& work) override {
    return run(sql::kBeginWrite, false, work);
  }

  Result<void> read(const std::function<Result<void>(Transaction&)>& work) override {
    return run(sql::kBeginRead, true, work);
  }

  std::string backend_name() const override { return "postgresql"; }

 private:
  Result<void> run(const Statement& begin, bool read_only, const std::function<Result<void>(Transaction&)>& work) {
    KT_TRY(PooledConnection conn, pool_.acquire());
    PgTransaction tx(*conn, begin, read_only);
    Result<void> result = work(tx);
    if (!result.ok()) {
      tx.rollback();
      return result;
    }
    return tx.commit();
  }

  PgPool pool_;
};

}  // namespace

Result<std::unique_ptr<Repository>> open_postgres_repository(const std::string& url, int pool_size) {
  PostgresOptions options;
  options.pool_size = pool_size;
  return open_postgres_repository(url, options);
}

Result<std::unique_ptr<Repository>> open_postgres_repository(const std::string& url, const PostgresOptions& options) {
  if (url.empty()) return fatal(kStorageCode, "empty PostgreSQL URL");
  PgConnectOptions connect;
  connect.conninfo = url;
  connect.statement_timeout = options.statement_timeout;
  connect.connect_timeout = options.connect_timeout;
  auto repo = std::make_unique<PostgresRepository>(connect, options.pool_size);
  // Check the URL and credentials now; the connection stays in the pool.
  KT_TRY_VOID(repo->applied_migrations());
  return std::unique_ptr<Repository>(std::move(repo));
}

}  // namespace kt::storage::postgres
