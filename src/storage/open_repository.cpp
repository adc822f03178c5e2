#include <string>

#include "storage/postgres/postgres_repository.hpp"
#include "storage/repository.hpp"
#include "storage/sqlite/sqlite_repository.hpp"

namespace kt::storage {

Result<std::unique_ptr<Repository>> open_repository(const std::string& url, int pool_size) {
  sqlite::SqliteOptions sqlite_options;
  sqlite_options.readers = pool_size > 0 ? pool_size : 1;
  if (url == "sqlite::memory:") return sqlite::open_sqlite_repository(":memory:", sqlite_options);
  if (url.rfind("sqlite://", 0) == 0) {
    const std::string path = url.substr(9);
    if (path.empty())
      return fatal("E-CONFIG", "database.url: sqlite:// needs a file path, e.g. sqlite://data/kitrader.db");
    return sqlite::open_sqlite_repository(path, sqlite_options);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return postgres::open_postgres_repository(url, pool_size);
  }
  return fatal("E-CONFIG",
               "database.url: expected sqlite://PATH, sqlite::memory: or postgresql://user:pass@host:port/db");
}

}  // namespace kt::storage
