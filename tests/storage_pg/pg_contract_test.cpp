// The repository contract (tests/storage/contract_*.cpp) on PostgreSQL: every test gets a fresh,
// empty, migrated schema on the cluster named by KITRADER_PG_TEST_DSN.
#include <memory>

#include "storage/contract_suite.hpp"
#include "storage_pg/pg_test_env.hpp"

namespace kt::storage::contract {
namespace {

std::unique_ptr<Repository> make_postgres_repository() {
  if (!pgtest::test_dsn()) return nullptr;  // skipped with skip_reason
  return pgtest::fresh_repository(4);
}

INSTANTIATE_TEST_SUITE_P(Postgres, RepositoryContract,
                         ::testing::Values(BackendFactory{"Postgres", make_postgres_repository, pgtest::kNoDsnMessage}),
                         kt::storage::contract::BackendName{});

}  // namespace
}  // namespace kt::storage::contract
