// The repository contract on SQLite: a file-backed database and an in-memory one.
#include <memory>

#include "storage/contract_suite.hpp"
#include "storage/sqlite/sqlite_repository.hpp"
#include "storage/sqlite_test_support.hpp"

namespace kt::storage::contract {
namespace {

/// A repository that owns its temporary file and removes it after the repository is closed.
class TempFileRepository final : public Repository {
 public:
  TempFileRepository(std::unique_ptr<sqlite_test::TempDbPath> path, std::unique_ptr<Repository> inner)
      : path_(std::move(path)), inner_(std::move(inner)) {}
  ~TempFileRepository() override { inner_.reset(); }  // close before the file goes

  Result<void> migrate() override { return inner_->migrate(); }
  Result<std::vector<int>> applied_migrations() override { return inner_->applied_migrations(); }
  Result<void> write(const std::function<Result<void>(Transaction&)>& work) override { return inner_->write(work); }
  Result<void> read(const std::function<Result<void>(Transaction&)>& work) override { return inner_->read(work); }
  std::string backend_name() const override { return inner_->backend_name(); }

 private:
  std::unique_ptr<sqlite_test::TempDbPath> path_;
  std::unique_ptr<Repository> inner_;
};

std::unique_ptr<Repository> migrated(Result<std::unique_ptr<Repository>> opened) {
  if (!opened.ok()) {
    ADD_FAILURE() << opened.error().message;
    return nullptr;
  }
  auto repo = std::move(opened).value();
  const auto migrated = repo->migrate();
  if (!migrated.ok()) {
    ADD_FAILURE() << migrated.error().message;
    return nullptr;
  }
  return repo;
}

std::unique_ptr<Repository> make_file_repository() {
  auto path = std::make_unique<sqlite_test::TempDbPath>();
  auto repo = migrated(sqlite::open_sqlite_repository(path->str()));
  if (!repo) return nullptr;
  return std::make_unique<TempFileRepository>(std::move(path), std::move(repo));
}

std::unique_ptr<Repository> make_memory_repository() { return migrated(sqlite::open_sqlite_repository(":memory:")); }

INSTANTIATE_TEST_SUITE_P(Sqlite, RepositoryContract,
                         ::testing::Values(BackendFactory{"File", make_file_repository, ""},
                                           BackendFactory{"Memory", make_memory_repository, ""}),
                         kt::storage::contract::BackendName{});

}  // namespace
}  // namespace kt::storage::contract
