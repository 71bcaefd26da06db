// The progress table in the form of the 2016 notice's 附件2 (属地, 参与评估数,
// 完成评估数) plus target, completion rate, whether the target is met and
// rank: as JSON (the API's form), CSV (UTF-8 with BOM, CRLF, for Excel and
// WPS) and XLSX (numbers as numbers).
#ifndef RONGPING_REPORT_PROGRESS_EXPORT_H_
#define RONGPING_REPORT_PROGRESS_EXPORT_H_

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "domain/progress.h"
#include "core/result.h"

namespace rongping::report {

// {"round","unit","as_of","rows":[row...],"total":row} where a row is
// {"unit_code","unit_name","participating","completed","target",
//  "target_rule","target_met","completion_rate","rank","gap",
//  "expected_by_today","has_children"}; absent values are null.
nlohmann::ordered_json ProgressToJson(const domain::ProgressTable& table);

// The total row first (as 附件2 puts 全省 first), then the units.
std::string ProgressToCsv(const domain::ProgressTable& table);

// An .xlsx workbook's bytes.
Result<std::string> ProgressToXlsx(const domain::ProgressTable& table, const std::string& title);

}  // namespace rongping::report

#endif  // RONGPING_REPORT_PROGRESS_EXPORT_H_
