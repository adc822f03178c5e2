#pragma once
// Access to the test cluster started by scripts/pg-test-cluster: the DSN from KITRADER_PG_TEST_DSN,
// a fresh schema per test (so every repository starts empty), and an admin connection.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/postgres_repository.hpp"
#include "storage/repository.hpp"

namespace kt::storage::pgtest {

inline constexpr const char* kNoDsnMessage =
    "KITRADER_PG_TEST_DSN is not set; start a cluster with scripts/pg-test-cluster";

/// The test DSN, or nullopt when no cluster was provided.
std::optional<std::string> test_dsn();
/// The cluster directory (KITRADER_PG_TEST_DIR), for tests that restart the server.
std::optional<std::string> test_cluster_dir();

/// A schema created for one test, plus a URL whose sessions use it (search_path) and carry a
/// unique application_name, so a test can find (and kill) exactly its own backends.
struct FreshSchema {
  std::string schema;
  std::string url;
  std::string application_name;
};
/// Creates a new empty schema; fails the test on error.
FreshSchema fresh_schema();

/// A plain connection to the test database (public schema, our RAII layer).
std::unique_ptr<postgres::PgConnection> admin_connection(const std::string& url);

/// Opens and migrates a repository on a fresh schema; nullptr (with a test failure) on error.
std::unique_ptr<Repository> fresh_repository(int pool_size = 4, FreshSchema* schema_out = nullptr);
std::unique_ptr<Repository> fresh_repository(const postgres::PostgresOptions& options, FreshSchema* schema_out);

}  // namespace kt::storage::pgtest

/// Skips the current test when there is no cluster.
#define KT_REQUIRE_PG()                                                                           \
  do {                                                                                            \
    if (!::kt::storage::pgtest::test_dsn()) GTEST_SKIP() << ::kt::storage::pgtest::kNoDsnMessage; \
  } while (0)
