#include "storage_pg/pg_test_env.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include <fmt/format.h>

#include "storage/postgres/postgres_repository.hpp"

namespace kt::storage::pgtest {

namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace

std::optional<std::string> test_dsn() { return env("KITRADER_PG_TEST_DSN"); }
std::optional<std::string> test_cluster_dir() { return env("KITRADER_PG_TEST_DIR"); }

std::unique_ptr<postgres::PgConnection> admin_connection(const std::string& url) {
  postgres::PgConnectOptions options;
  options.conninfo = url;
  options.statement_timeout = std::chrono::milliseconds{30000};
  auto conn = postgres::PgConnection::connect(options);
  EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
  return conn.ok() ? std::move(conn).value() : nullptr;
}

FreshSchema fresh_schema() {
  static std::atomic<int> counter{0};
  const std::string dsn = test_dsn().value();
  FreshSchema out;
  out.schema = fmt::format("kt_t{}_{}", ::getpid(), counter.fetch_add(1));
  out.application_name = "kitrader_" + out.schema;
  auto admin = admin_connection(dsn);
  if (admin) {
    auto created = admin->exec(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}", out.schema));
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
  }
  const char sep = dsn.find('?') == std::string::npos ? '?' : '&';
  out.url =
      fmt::format("{}{}options=-csearch_path%3D{}&application_name={}", dsn, sep, out.schema, out.application_name);
  return out;
}

std::unique_ptr<Repository> fresh_repository(int pool_size, FreshSchema* schema_out) {
  postgres::PostgresOptions options;
  options.pool_size = pool_size;
  return fresh_repository(options, schema_out);
}

std::unique_ptr<Repository> fresh_repository(const postgres::PostgresOptions& options, FreshSchema* schema_out) {
  FreshSchema schema = fresh_schema();
  auto repo = postgres::open_postgres_repository(schema.url, options);
  EXPECT_TRUE(repo.ok()) << (repo.ok() ? "" : repo.error().message);
  if (!repo.ok()) return nullptr;
  auto migrated = (*repo)->migrate();
  EXPECT_TRUE(migrated.ok()) << (migrated.ok() ? "" : migrated.error().message);
  if (!migrated.ok()) return nullptr;
  if (schema_out != nullptr) *schema_out = schema;
  return std::move(repo).value();
}

}  // namespace kt::storage::pgtest
