// 自诊断 and 自对标 of one enterprise in a round: its assessment as the caller
// may see it, its place among peers (the region's figures and the loaded
// national benchmark pack's), and its rounds over time.
#ifndef RONGPING_CAMPAIGN_ENTERPRISE_DIAGNOSIS_H_
#define RONGPING_CAMPAIGN_ENTERPRISE_DIAGNOSIS_H_

#include <memory>
#include <string>
#include <vector>

#include "analytics/benchmark_pack.h"
#include "analytics/diagnosis.h"
#include "campaign/benchmark_packs.h"
#include "campaign/lifecycle.h"
#include "core/result.h"
#include "domain/assessment.h"

namespace rongping::campaign {

struct EnterpriseDiagnosis {
  AssessmentView view;                      // the assessment, its scoring, the enterprise
  std::vector<domain::Assessment> history;  // every round of the enterprise, oldest first
  analytics::GroupKey key;                  // its peer group attributes (codes)
  analytics::GroupKey labels;               // the same in 中文
  analytics::Diagnosis diagnosis;           // against the region's peers
  // The national benchmark pack for its model and province; null when none
  // is loaded, or when it could not be read (national_pack_unreadable: the
  // diagnosis is still given).
  std::shared_ptr<const analytics::BenchmarkPack> national_pack;
  bool national_pack_unreadable = false;
};

// The diagnosis of `uscc` in `round`, as `who` may see it (404 outside its
// scope, or without an assessment). Peer figures need `min_group_size`
// enterprises (analytics::Diagnose).
Result<EnterpriseDiagnosis> DiagnoseEnterprise(store::Db& db, LifecycleService& lifecycle,
                                               analytics::ResultsSnapshot& results,
                                               BenchmarkPackCache& packs, const Principal& who,
                                               const std::string& round, const std::string& uscc,
                                               int64_t min_group_size);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_ENTERPRISE_DIAGNOSIS_H_
