// Moving a whole database between backends (rongping copy): SQLite to
// PostgreSQL when a province outgrows one machine, and back.
#ifndef RONGPING_STORE_COPY_H_
#define RONGPING_STORE_COPY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "store/db.h"

namespace rongping::store {

// A table's row count and checksum. The checksum is the sum, modulo 2^64,
// of a 64-bit BLAKE2b hash of each row's values with their types (NULL,
// integer, real as its shortest exact decimal, text), so it does not depend
// on the order rows are read in, and two databases agree on it exactly when
// they hold the same rows (to the odds of a hash collision).
struct TableSum {
  std::string table;
  int64_t rows = 0;
  std::string checksum;  // 16 hexadecimal digits
};

// The row count and checksum of every table rongping keeps, in the order
// they are copied, read in one snapshot.
Result<std::vector<TableSum>> SumTables(Db& db);

struct TableCopy {
  std::string table;
  TableSum from, to;
  bool same() const { return from.rows == to.rows && from.checksum == to.checksum; }
};

// Copies every table of `from` into `to` and compares each table's count
// and checksum read back from both. `to` is migrated first and must then
// hold no rows at all (a new, empty database); `from` must be migrated to
// the version this program knows and hold no table it does not know. Rows
// keep their keys (auto-assigned keys continue after the highest copied),
// the history of migrations is copied as it was. Everything is written in
// one transaction on `to`, so a failed copy leaves it empty; `from` is only
// read, in one snapshot. kConflict when `to` is not empty or `from` is of
// another version; the result lists every table, with same() false where
// the read-back differs (then the copy is not to be trusted).
Result<std::vector<TableCopy>> CopyDatabase(Db& from, Db& to);

}  // namespace rongping::store

#endif  // RONGPING_STORE_COPY_H_
