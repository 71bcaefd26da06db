// 自诊断 and 自对标 of one enterprise in a round: its assessment as the caller
// may see it, its place among peers (the region's figures and the loaded
// national benchmark pack's), and its rounds over time.
#ifndef RONGPING_CAMPAIGN_ENTERPRISE_DIAGNOSIS_H_
#define RONGPING_CAMPAIGN_ENTERPRISE_DIAGNOSIS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analytics/benchmark_pack.h"
#include "analytics/diagnosis.h"
#include "campaign/benchmark_packs.h"
#include "campaign/lifecycle.h"
#include "core/result.h"
#include "domain/assessment.h"
#include "store/campaign.h"

namespace rongping::campaign {

// Where a read of an enterprise's diagnosis stood: what
// store::ReadEnterpriseStamp read in the read's transaction, and the results
// snapshot's position after it. Two reads at equal stamps, by callers with
// the same principal, make the same diagnosis.
struct DiagnosisStamp {
  std::string store;
  int64_t results_seq = 0;
  bool operator==(const DiagnosisStamp&) const = default;
};

struct EnterpriseDiagnosis {
  DiagnosisStamp stamp;  // where ReadEnterpriseDiagnosis read it
  AssessmentView view;  // the assessment, its scoring, the enterprise (and the pledge: CompleteDiagnosis)
  std::vector<store::RoundAssessment> history;  // every round of the enterprise, oldest first
  analytics::GroupKey key;                  // its peer group attributes (codes)
  analytics::GroupKey labels;               // the same in 中文
  // The reference lists the labels come from. (The peer figures show the
  // results snapshot's position in stamp.results_seq or a later one.)
  std::shared_ptr<const domain::ReferenceIndex> index;
  analytics::Diagnosis diagnosis;           // against the region's peers (DiagnosePeers)
  // The national benchmark pack for its model and province; null when none
  // is loaded, or when it could not be read (national_pack_unreadable: the
  // diagnosis is still given).
  std::shared_ptr<const analytics::BenchmarkPack> national_pack;
  bool national_pack_unreadable = false;
};

// What the diagnosis of `uscc` in `round` is made of, as `who` may see it
// (404 outside its scope, or without an assessment): everything but the
// region's peer figures (`diagnosis`), with the results snapshot showing
// every change this server committed.
Result<EnterpriseDiagnosis> ReadEnterpriseDiagnosis(store::Db& db, LifecycleService& lifecycle,
                                                    analytics::ResultsSnapshot& results,
                                                    BenchmarkPackCache& packs, const Principal& who,
                                                    const std::string& round, const std::string& uscc);

// The caller of a read, found in the read's transaction (a session's
// principal), or why there is none.
using CallerInTx = std::function<Result<Principal>(store::Tx&)>;

// The same, the caller found by `caller` in the same read transaction (its
// error returned as it is) and put in `*who`.
Result<EnterpriseDiagnosis> ReadEnterpriseDiagnosis(store::Db& db, LifecycleService& lifecycle,
                                                    analytics::ResultsSnapshot& results,
                                                    BenchmarkPackCache& packs, const CallerInTx& caller,
                                                    const std::string& round, const std::string& uscc,
                                                    Principal* who);

// The caller of a read as found in memory in the read's transaction
// (api::KeptPrincipal), or nullopt when only a statement could tell.
using KeptCallerInTx = std::function<std::optional<Principal>(store::Tx&)>;

// What one statement tells of the diagnosis of `uscc` now: its stamp, and
// the caller as `kept_caller` finds it in the same read (nullopt: not kept).
struct DiagnosisStampNow {
  DiagnosisStamp stamp;
  std::optional<Principal> who;
};
Result<DiagnosisStampNow> ReadDiagnosisStamp(store::Db& db, analytics::ResultsSnapshot& results,
                                             const KeptCallerInTx& kept_caller,
                                             const std::string& uscc);

// The key under which the diagnosis of `uscc` in `round` that `who` read at
// `stamp` may be kept and found again by ReadDiagnosisStamp alone: the same
// key means the same caller's principal (the stamp holds the accounts'
// version), the same enterprise, unit tree and round, and so the same
// scope check and the same body. nullopt for an agency, whose scope (its
// grants) the stamp does not hold.
std::optional<std::string> StampedDiagnosisKey(const Principal& who, const std::string& round,
                                               const std::string& uscc,
                                               const DiagnosisStamp& stamp);

// Completes d with what only a diagnosis's body needs, made again only when
// what ReadEnterpriseDiagnosis read changed: d.diagnosis, d against the
// region's peers in `results` (analytics::Diagnose, groups of at least
// `min_group_size`), and d.view.pledge, the pledge confirmed with the
// submission (written with it, so it changes only with the assessment's
// version).
Result<void> CompleteDiagnosis(store::Db& db, const analytics::ResultsSnapshot& results, int64_t min_group_size,
                               EnterpriseDiagnosis& d);

// Both: the whole diagnosis.
Result<EnterpriseDiagnosis> DiagnoseEnterprise(store::Db& db, LifecycleService& lifecycle,
                                               analytics::ResultsSnapshot& results,
                                               BenchmarkPackCache& packs, const Principal& who,
                                               const std::string& round, const std::string& uscc,
                                               int64_t min_group_size);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_ENTERPRISE_DIAGNOSIS_H_
