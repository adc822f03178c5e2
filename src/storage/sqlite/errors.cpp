#include "storage/sqlite/errors.hpp"

#include <sqlite3.h>

#include <chrono>
#include <string>

namespace kt::storage::sqlite {

namespace {

std::string with_detail(std::string_view cause, sqlite3* db, std::string_view action) {
  std::string out(cause);
  out += " (while ";
  out += action;
  if (db != nullptr) {
    out += ": ";
    out += sqlite3_errmsg(db);
  }
  out += ")";
  return out;
}

}  // namespace

Error sqlite_error(int rc, sqlite3* db, std::string_view action) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return retryable(kStorageCode, kBusyMessage, std::chrono::milliseconds{100});
    case SQLITE_READONLY: return fatal(kStorageCode, with_detail("database is read-only", db, action));
    case SQLITE_FULL: return fatal(kStorageCode, with_detail("disk is full", db, action));
    case SQLITE_IOERR: return fatal(kStorageCode, with_detail("disk I/O error", db, action));
    case SQLITE_CANTOPEN: return fatal(kStorageCode, with_detail("cannot open the database file", db, action));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return fatal(kStorageCode, with_detail("database file is corrupt or not a database", db, action));
    case SQLITE_PERM:
    case SQLITE_AUTH: return fatal(kStorageCode, with_detail("permission denied", db, action));
    case SQLITE_NOMEM: return fatal(kStorageCode, with_detail("out of memory", db, action));
    case SQLITE_CONSTRAINT: return rejected(kStorageCode, with_detail("constraint violated", db, action));
    default: return fatal(kStorageCode, with_detail(std::string("sqlite error ") + sqlite3_errstr(rc), db, action));
  }
}

}  // namespace kt::storage::sqlite
