#pragma once
// The PostgreSQL backend of the storage port (libpq through our own RAII layer).
#include <memory>
#include <string>

#include "core/result.hpp"
#include "storage/repository.hpp"

namespace kt::storage::postgres {

/// Opens a PostgreSQL repository for a `postgresql://user:pass@host:port/db` URL (key=value
/// conninfo strings work too) with at most `pool_size` connections. Connects once to check the
/// URL; does not migrate. Retryable E-STORAGE if the server cannot be reached.
Result<std::unique_ptr<Repository>> open_postgres_repository(const std::string& url, int pool_size);

}  // namespace kt::storage::postgres
