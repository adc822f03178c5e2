#pragma once
// The repository contract: one set of behaviours every storage backend must show, written once
// and instantiated per backend (tests/storage/sqlite_contract_test.cpp, tests/storage_pg/...).
//
// Conventions the cases assert (every backend must follow them):
//   - a missing row (wallet, position, user in set_role/touch_user, token in set_token_active)
//     fails with ErrorKind::kNotFound, code "E-NOT-FOUND";
//   - a constraint violation (duplicate telegram id) and a ledger entry that leaves a negative
//     balance or does not add up (old balance + amount != balance_after) fail with
//     ErrorKind::kRejected, code "E-STORAGE", and change nothing;
//   - `work` returning an error or throwing rolls back everything, and write() returns that error.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "storage/repository.hpp"

namespace kt::storage::contract {

/// How to get a repository of one backend.
struct BackendFactory {
  std::string name;  ///< test-name suffix, e.g. "File", "Memory", "Postgres"
  /// A fresh, EMPTY, migrated repository, or nullptr when the backend is unavailable (test skips).
  std::function<std::unique_ptr<kt::storage::Repository>()> make;
  std::string skip_reason;
};

inline void PrintTo(const BackendFactory& factory, std::ostream* os) { *os << factory.name; }

/// Names instantiations "Sqlite/RepositoryContract.case/File".
struct BackendName {
  std::string operator()(const ::testing::TestParamInfo<BackendFactory>& info) const { return info.param.name; }
};

/// Fixture: `repo()` is a fresh repository per test.
class RepositoryContract : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    repo_ = GetParam().make();
    if (!repo_) GTEST_SKIP() << GetParam().skip_reason;
  }
  void TearDown() override { repo_.reset(); }

  kt::storage::Repository& repo() { return *repo_; }

 private:
  std::unique_ptr<kt::storage::Repository> repo_;
};

}  // namespace kt::storage::contract

using kt::storage::contract::BackendFactory;
using kt::storage::contract::RepositoryContract;
