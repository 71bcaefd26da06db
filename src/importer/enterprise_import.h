// Import of enterprises from a table (CSV or XLSX): every row is validated
// before anything is written; the write is all or nothing, or only the good
// rows with skip_invalid. Upserts by USCC, so importing the same file twice
// changes nothing the second time.
#ifndef RONGPING_IMPORTER_ENTERPRISE_IMPORT_H_
#define RONGPING_IMPORTER_ENTERPRISE_IMPORT_H_

#include <functional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "importer/table.h"
#include "store/db.h"

namespace rongping {

struct RowError {
  int row = 0;          // as a spreadsheet shows it; the header is row 1
  std::string column;   // column name, empty for a whole-row problem
  std::string message;  // 中文
};

struct ImportOptions {
  // Write the valid rows even when some are invalid.
  bool skip_invalid = false;
  // Who imports. nullptr means the command line (every unit). A region
  // admin may only import into units of its region.
  const Principal* principal = nullptr;
  std::string actor = "cli";
  std::string request_id;
  // Called now and then with (rows done, rows in total) while writing.
  std::function<void(size_t, size_t)> progress;
  // Errors listed in the report; further ones are only counted.
  size_t max_listed_errors = 1000;
};

struct ImportReport {
  size_t rows = 0;
  size_t invalid_rows = 0;
  size_t inserted = 0;
  size_t updated = 0;
  size_t unchanged = 0;
  bool written = false;  // false when invalid rows stopped the import
  // The first max_listed_errors errors, in row order.
  std::vector<RowError> errors;
  // Every error found, listed or not; errors_truncated when some are not.
  size_t error_count = 0;
  bool errors_truncated = false;
};

// Validates and imports. Returns a report (also when rows are invalid, or
// the header is); an Error only for the store. An enterprise registered
// outside the principal's region is refused with kUsccUnavailableMessage and
// the attempt audited ("enterprise.register_refused").
Result<ImportReport> ImportEnterprises(store::Db& db, const importer::Table& table,
                                       const ImportOptions& options);

enum class FileFormat { kCsv, kXlsx };

// The same for an uploaded file, validating each row as it is read instead
// of holding the rows: memory grows with the valid rows kept for the write,
// not with the file's rows or its errors. An Error also for a file that
// cannot be read or breaks `limits` (importer/table.h).
Result<ImportReport> ImportEnterprisesFromFile(store::Db& db, std::string_view bytes,
                                               FileFormat format, const importer::ReadLimits& limits,
                                               const ImportOptions& options);

}  // namespace rongping

#endif  // RONGPING_IMPORTER_ENTERPRISE_IMPORT_H_
