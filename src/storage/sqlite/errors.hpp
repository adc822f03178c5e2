#pragma once
// Maps sqlite3 result codes to the storage port's errors: busy is retryable, the rest says its cause.
#include <string_view>

#include "core/result.hpp"

struct sqlite3;

namespace kt::storage::sqlite {

/// The stable error code of every storage failure.
inline constexpr const char* kStorageCode = "E-STORAGE";
/// The code of a missing row (lock_wallet of an unknown user, update of an unknown position...).
inline constexpr const char* kNotFoundCode = "E-NOT-FOUND";
/// The message of a retryable busy/locked failure; the transaction was rolled back.
inline constexpr const char* kBusyMessage = "storage temporarily unavailable, nothing was changed";

/// The Error for sqlite result code `rc` (extended codes accepted) raised while doing `action`;
/// `db` (may be null) supplies sqlite's own message as detail.
Error sqlite_error(int rc, sqlite3* db, std::string_view action);

}  // namespace kt::storage::sqlite
