// Reference data shipped with the program (provinces, Guangdong's reporting
// units, GB/T 4754-2017 industrial divisions) and the `units` import.
#ifndef RONGPING_IMPORTER_REFERENCE_H_
#define RONGPING_IMPORTER_REFERENCE_H_

#include <string_view>

#include "importer/table.h"
#include "store/db.h"

namespace rongping {

// The CSV files of data/reference, compiled in.
extern const std::string_view kProvincesCsv;
extern const std::string_view kGuangdongUnitsCsv;
extern const std::string_view kIndustriesCsv;
// The 2016 notice's 附件2: participating and completed per reporting unit.
extern const std::string_view kGuangdong2016ProgressCsv;

struct ReferenceLoadReport {
  int64_t units = 0;
  int64_t industries = 0;
};

// Loads (or refreshes) the shipped reference data. Idempotent.
Result<ReferenceLoadReport> LoadReferenceData(store::Db& db);

// Imports units from a table with columns code,name,parent_code,kind,group
// (optional above_scale_2015). Validates every row first; writes all or
// nothing. The error message lists each bad row.
Result<int64_t> ImportUnits(store::Db& db, const importer::Table& table);

// Imports targets from a table with columns round,unit_code,rule (rule as
// in campaign/target_rule.h). Validates every row first (round and unit
// exist, rule parses); writes all or nothing.
Result<int64_t> ImportTargets(store::Db& db, const importer::Table& table);

}  // namespace rongping

#endif  // RONGPING_IMPORTER_REFERENCE_H_
