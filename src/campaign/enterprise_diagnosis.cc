#include "campaign/enterprise_diagnosis.h"

#include <fmt/format.h>

#include "analytics/results_snapshot.h"
#include "core/size_class.h"
#include "store/campaign.h"
#include "store/db.h"
#include "store/units.h"

namespace rongping::campaign {

Result<EnterpriseDiagnosis> ReadEnterpriseDiagnosis(store::Db& db, LifecycleService& lifecycle,
                                                    analytics::ResultsSnapshot& results,
                                                    BenchmarkPackCache& packs, const Principal& who,
                                                    const std::string& round, const std::string& uscc) {
  Principal same;
  return ReadEnterpriseDiagnosis(
      db, lifecycle, results, packs, [&who](store::Tx&) -> Result<Principal> { return who; }, round, uscc, &same);
}

Result<EnterpriseDiagnosis> ReadEnterpriseDiagnosis(store::Db& db, LifecycleService& lifecycle,
                                                    analytics::ResultsSnapshot& results,
                                                    BenchmarkPackCache& packs, const CallerInTx& caller,
                                                    const std::string& round, const std::string& uscc,
                                                    Principal* who) {
  // The stamp, the caller, the assessment in its scope, the enterprise's
  // rounds, the reference lists and the national pack, in one read.
  EnterpriseDiagnosis out;
  auto read = store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<void> {
    auto stamp = store::ReadEnterpriseStamp(tx, uscc);
    if (!stamp) return Fail(stamp.error());
    out.stamp.store = std::move(*stamp);
    auto found = caller(tx);
    if (!found) return Fail(found.error());
    *who = std::move(*found);
    auto view = lifecycle.Get(tx, *who, round, uscc);
    if (!view) return Fail(view.error());
    out.view = std::move(*view);
    auto rounds = store::ListEnterpriseAssessments(tx, uscc);
    if (!rounds) return Fail(rounds.error());
    out.history = std::move(*rounds);
    auto index = store::SharedReferenceIndex(tx);
    if (!index) return Fail(index.error());
    out.index = std::move(*index);
    // A pack that cannot be read is left out, the diagnosis given.
    auto pack = packs.For(tx, *out.view.model, out.index->ProvinceOf(out.view.enterprise.unit_code));
    if (pack) out.national_pack = std::move(*pack);
    out.national_pack_unreadable = !pack;
    return {};
  });
  if (!read) return Fail(read.error());
  const domain::ReferenceIndex* index = out.index.get();

  // The enterprise's place for peer groups, and its 中文 names.
  const Enterprise& enterprise = out.view.enterprise;
  const std::string province = index->ProvinceOf(enterprise.unit_code);
  auto industry = index->industries.find(enterprise.industry_code);
  const bool known_industry = industry != index->industries.end();
  out.key = {enterprise.industry_code,
             known_industry ? industry->second.group : "",
             enterprise.unit_code,
             province,
             std::string(SizeClassName(enterprise.size_class)),
             ""};
  out.labels = {known_industry ? industry->second.name : "",
                out.key.industry_group,
                index->UnitName(enterprise.unit_code),
                index->UnitName(province),
                std::string(SizeClassLabel(enterprise.size_class)),
                ""};
  if (auto r = results.Current(db); !r) return Fail(r.error());
  out.stamp.results_seq = results.last_seq();
  return out;
}

Result<DiagnosisStampNow> ReadDiagnosisStamp(store::Db& db, analytics::ResultsSnapshot& results,
                                             const KeptCallerInTx& kept_caller,
                                             const std::string& uscc) {
  DiagnosisStampNow now;
  auto read = store::InTx(db, store::TxMode::kReadOne, [&](store::Tx& tx) -> Result<void> {
    auto stamp = store::ReadEnterpriseStamp(tx, uscc);
    if (!stamp) return Fail(stamp.error());
    now.stamp.store = std::move(*stamp);
    now.who = kept_caller(tx);
    return {};
  });
  if (!read) return Fail(read.error());
  if (auto r = results.Current(db); !r) return Fail(r.error());
  now.stamp.results_seq = results.last_seq();
  return now;
}

std::optional<std::string> StampedDiagnosisKey(const Principal& who, const std::string& round,
                                               const std::string& uscc,
                                               const DiagnosisStamp& stamp) {
  if (who.role == Role::kAgency) return std::nullopt;
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", who.user_id, round, uscc, stamp.results_seq,
                     stamp.store);
}

Result<void> CompleteDiagnosis(store::Db& db, const analytics::ResultsSnapshot& results, int64_t min_group_size,
                               EnterpriseDiagnosis& d) {
  auto pledge = store::InTx(db, store::TxMode::kReadOne,
                            [&](store::Tx& tx) { return store::FindPledge(tx, d.view.record); });
  if (!pledge) return Fail(pledge.error());
  d.view.pledge = std::move(*pledge);
  d.diagnosis = analytics::Diagnose(results, d.view.record.round_code, *d.view.model, d.key, d.labels,
                                    d.view.result, min_group_size);
  return {};
}

Result<EnterpriseDiagnosis> DiagnoseEnterprise(store::Db& db, LifecycleService& lifecycle,
                                               analytics::ResultsSnapshot& results,
                                               BenchmarkPackCache& packs, const Principal& who,
                                               const std::string& round, const std::string& uscc,
                                               int64_t min_group_size) {
  auto d = ReadEnterpriseDiagnosis(db, lifecycle, results, packs, who, round, uscc);
  if (!d) return d;
  if (auto completed = CompleteDiagnosis(db, results, min_group_size, *d); !completed) return Fail(completed.error());
  return d;
}

}  // namespace rongping::campaign
