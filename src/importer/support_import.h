// Import of the enterprises that received a support measure (政策联动) from
// a table (CSV or XLSX): columns 统一社会信用代码 (required), 金额（万元） and
// 备注 (optional; 企业名称 and any other column are read past). All or
// nothing: every row is checked (campaign::AddRecipients' rules) before
// anything is written; importing the same file twice changes nothing.
#ifndef RONGPING_IMPORTER_SUPPORT_IMPORT_H_
#define RONGPING_IMPORTER_SUPPORT_IMPORT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/principal.h"
#include "importer/enterprise_import.h"
#include "importer/table.h"
#include "store/db.h"

namespace rongping {

// A report (written false, each problem in `errors` with its row and
// column) when the header or rows are invalid; an Error for a file that
// cannot be read or breaks `limits`, a measure the caller may not see
// (404), a caller who may not manage measures (403), or the store.
Result<ImportReport> ImportSupportRecipients(store::Db& db, const Principal& who,
                                             int64_t measure_id, std::string_view bytes,
                                             FileFormat format, const importer::ReadLimits& limits,
                                             const std::string& request_id);

}  // namespace rongping

#endif  // RONGPING_IMPORTER_SUPPORT_IMPORT_H_
