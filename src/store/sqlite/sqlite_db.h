// SQLite backend of store::Db: WAL, foreign keys on, STRICT tables, one
// writer connection and a pool of reader connections.
#ifndef RONGPING_STORE_SQLITE_SQLITE_DB_H_
#define RONGPING_STORE_SQLITE_SQLITE_DB_H_

#include <memory>
#include <string>

#include "store/db.h"

namespace rongping::store {

// Opens or creates the database file at `path`.
Result<std::unique_ptr<Db>> OpenSqlite(const std::string& path);

// Rewrites $N placeholders to ?N, leaving string literals alone.
std::string RewritePlaceholdersForSqlite(std::string_view sql);

// Translates portable DDL to SQLite: BIGINT -> INTEGER, DOUBLE PRECISION ->
// REAL, and every CREATE TABLE becomes STRICT.
std::string TranslateDdlForSqlite(std::string_view ddl);

}  // namespace rongping::store

#endif  // RONGPING_STORE_SQLITE_SQLITE_DB_H_
