#include "storage/sqlite/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "storage/sqlite/errors.hpp"
#include "storage/sqlite/rows.hpp"
#include "storage/sqlite/sql.hpp"
#include "storage/sqlite/transaction_scope.hpp"

namespace kt::storage::sqlite {

namespace {

Result<Migration> parse_name(const kt::EmbeddedFile& file) {
  const std::string_view name = file.name;
  const auto underscore = name.find('_');
  constexpr std::string_view kSuffix = ".sql";
  const bool shaped = underscore != std::string_view::npos && underscore > 0 && name.size() > kSuffix.size() &&
                      name.substr(name.size() - kSuffix.size()) == kSuffix &&
                      underscore + 1 < name.size() - kSuffix.size();
  int version = 0;
  if (shaped) {
    const auto [end, ec] = std::from_chars(name.data(), name.data() + underscore, version);
    if (ec == std::errc{} && end == name.data() + underscore && version > 0) {
      const auto description = name.substr(underscore + 1, name.size() - kSuffix.size() - underscore - 1);
      return Migration{version, std::string(description), file.content};
    }
  }
  return fatal(kStorageCode, "migration file '" + std::string(name) + "' is not named NNNN_description.sql");
}

}  // namespace

Result<std::vector<Migration>> parse_migrations(std::span<const kt::EmbeddedFile> files) {
  std::vector<Migration> out;
  for (const auto& file : files) {
    KT_TRY(auto migration, parse_name(file));
    out.push_back(std::move(migration));
  }
  std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return fatal(kStorageCode, "two migrations have version " + std::to_string(out[i].version));
    }
  }
  return out;
}

Result<void> apply_migrations(Connection& db, std::span<const kt::EmbeddedFile> files) {
  KT_TRY(const auto pending, parse_migrations(files));
  KT_TRY_VOID(run_transaction(db, sql::kBeginImmediate,
                              [&] { return db.exec(sql::kCreateSchemaMigrations, "creating schema_migrations"); }));
  for (const auto& migration : pending) {
    KT_TRY_VOID(run_transaction(db, sql::kBeginImmediate, [&]() -> Result<void> {
      {
        // Checked under the write lock: another process may have applied it meanwhile.
        KT_TRY(auto applied, db.prepare(sql::kMigrationApplied));
        applied.bind(1, std::int64_t{migration.version});
        KT_TRY(const bool done, applied.step());
        if (done) return ok_result();
      }
      const std::string script(migration.sql);
      KT_TRY_VOID(db.exec(script.c_str(), "applying migration " + std::to_string(migration.version)));
      KT_TRY(auto record, db.prepare(sql::kRecordMigration));
      record.bind(1, std::int64_t{migration.version}).bind(2, std::string_view(migration.name));
      return record.run();
    }));
  }
  return ok_result();
}

Result<std::vector<int>> applied_versions(Connection& db) {
  std::vector<int> out;
  KT_TRY_VOID(run_transaction(db, sql::kBeginDeferred, [&]() -> Result<void> {
    {
      KT_TRY(auto exists, db.prepare(sql::kSchemaMigrationsExists));
      KT_TRY(const bool found, exists.step());
      if (!found) return ok_result();
    }
    KT_TRY(auto st, db.prepare(sql::kAppliedVersions));
    KT_TRY(out, query_all<int>(
                    st, [](const Statement& row) -> Result<int> { return static_cast<int>(row.column_int64(0)); }));
    return ok_result();
  }));
  return out;
}

}  // namespace kt::storage::sqlite
