// Numbered schema migrations. Each runs once, in order, in its own
// transaction, and is recorded in schema_migrations. Running Migrate again
// applies nothing.
#ifndef RONGPING_STORE_MIGRATIONS_H_
#define RONGPING_STORE_MIGRATIONS_H_

#include <string_view>
#include <vector>

#include "store/db.h"

namespace rongping::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view ddl;  // portable DDL, see Tx::ExecScript; may be empty
  // Rewrites existing rows after the DDL, in the same transaction; null
  // when there is nothing to rewrite.
  Result<void> (*data)(Tx& tx) = nullptr;
};

// All migrations in version order.
const std::vector<Migration>& AllMigrations();

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  int applied = 0;
};

// Applies every migration newer than the database's version. Fails with
// kConflict when the database is newer than this program knows.
Result<MigrationReport> Migrate(Db& db);

}  // namespace rongping::store

#endif  // RONGPING_STORE_MIGRATIONS_H_
