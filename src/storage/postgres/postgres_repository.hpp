#pragma once
// The PostgreSQL backend of the storage port (libpq through our own RAII layer).
#include <chrono>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "storage/repository.hpp"

namespace kt::storage::postgres {

/// Pool size and timeouts of a PostgreSQL repository.
struct PostgresOptions {
  int pool_size = 4;
  std::chrono::milliseconds statement_timeout{5000};  ///< per statement and per lock wait
  std::chrono::seconds connect_timeout{3};            ///< libpq's minimum is 2 s
};

/// Opens a PostgreSQL repository for a `postgresql://user:pass@host:port/db` URL (key=value
/// conninfo strings work too) with at most `pool_size` connections. Connects once to check the
/// URL; does not migrate. Retryable E-STORAGE if the server cannot be reached.
Result<std::unique_ptr<Repository>> open_postgres_repository(const std::string& url, int pool_size);
/// Same with explicit timeouts.
Result<std::unique_ptr<Repository>> open_postgres_repository(const std::string& url, const PostgresOptions& options);

}  // namespace kt::storage::postgres
