// The yearly work report (工作报告) a province sends the ministry by 30
// November: participation against targets per unit (附件2's form, with rank
// and the change since the year before), the year's circulars, stages and
// key indicators against the year before, the data map by unit and by
// industry group, policy linkage (measures, their enterprises, before and
// after), typical cases, the contacts forms, and a summary in 中文 whose
// every figure is taken from the same computation as the tables. Statistics
// obey the data map's suppression: a withheld group shows no figure.
#ifndef RONGPING_CAMPAIGN_YEARLY_REPORT_H_
#define RONGPING_CAMPAIGN_YEARLY_REPORT_H_

#include <cstdint>
#include <string>

#include "core/result.h"
#include "domain/principal.h"
#include "report/document.h"

namespace rongping::store {
class Db;
}  // namespace rongping::store

namespace rongping::analytics {
class ResultsSnapshot;
}  // namespace rongping::analytics

namespace rongping::campaign {

struct YearlyReportRequest {
  int year = 0;
  // The region: a unit code; empty for the caller's own (a ministry admin
  // and the command line must name one).
  std::string unit;
  std::string today;  // YYYY-MM-DD in China: the report is as of the year's end, or today within it
  int64_t min_group_size = 5;
};

// The report for `who` (null: the command line, which sees every region).
// 403 unless a ministry, province or unit admin; 404 for a unit outside the
// caller's region, or when the region's province has no round of `year`;
// 422 naming `year` outside 2000-2100 or after `today`'s year, or `unit`
// when it is missing for the ministry or unknown.
Result<report::Document> BuildYearlyReport(store::Db& db, analytics::ResultsSnapshot& results,
                                           const Principal* who,
                                           const YearlyReportRequest& request);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_YEARLY_REPORT_H_
