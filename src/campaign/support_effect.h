// Before and after a support measure (T0/T1): its enterprises' scores,
// stages, dimensions and key indicators in a round before the support and
// in one after it, against the change of comparable enterprises that
// received no support: those of the same unit group (the unit below the
// province on the reporting path: a city, or a county-level unit that
// reports to the province), industry group and size class, with results in
// both rounds. A group of fewer than `min_group_size` comparable
// enterprises is withheld, as on the data map: its recipients are left out
// of the comparison, and neither its figures nor its size are shown.
#ifndef RONGPING_CAMPAIGN_SUPPORT_EFFECT_H_
#define RONGPING_CAMPAIGN_SUPPORT_EFFECT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "campaign/support.h"
#include "core/result.h"
#include "domain/principal.h"
#include "model/model.h"
#include "report/table.h"

namespace rongping::store {
class Db;
}  // namespace rongping::store

namespace rongping::analytics {
class ResultsSnapshot;
}  // namespace rongping::analytics

namespace rongping::campaign {

struct EffectQuery {
  // Round codes; empty: the latest round of the measure's province with
  // results in or before the measure's year, and the latest after it.
  std::string before;
  std::string after;
  std::string model;  // empty: the after round's first model with results in both
};

// Means of a set of enterprises, model-shaped: NaN where no enterprise has
// the figure (a dimension that applies to none, an unknown key indicator).
// A yes/no key indicator's mean is the share that has it.
struct EffectFigures {
  double total = 0;
  std::vector<double> dimensions;
  std::vector<double> key_indicators;
};

struct EffectRound {
  std::string code;
  std::string name;
  int64_t year = 0;
};

struct StagedScore {
  double total = 0;
  int level = 0;  // index into the model's levels
};

struct EnterpriseEffect {
  std::string uscc;
  std::string name;
  std::string unit_name;
  std::optional<StagedScore> before;
  std::optional<StagedScore> after;
  // The change of the total of the comparable enterprises of its group,
  // and their number; nullopt when it has no results in both rounds or its
  // group is withheld.
  std::optional<double> comparable_change;
  std::optional<int64_t> comparable_n;
};

struct MeasureEffect {
  MeasureDetail measure;
  std::shared_ptr<const model::Model> model;
  EffectRound before;
  EffectRound after;
  std::vector<EffectRound> rounds;  // the province's rounds with results, oldest first
  int64_t min_group_size = 0;
  int64_t recipients = 0;  // recipients the caller may see
  int64_t with_both = 0;   // of them, with results of the model in both rounds
  // Of the recipients with both: before, after and the mean change.
  EffectFigures before_figures, after_figures, change;
  std::vector<int64_t> levels_before, levels_after;  // per level
  // The comparison, over the recipients whose group is shown (`matched`):
  // their mean change, the mean change of their groups' comparable
  // enterprises (each recipient weighing its group once), and the
  // difference. `comparable_enterprises` counts the comparable enterprises
  // of those groups.
  int64_t matched = 0;
  int64_t comparable_enterprises = 0;
  EffectFigures matched_change, comparable_change, difference;
  // Best change of total first; those without both results last.
  std::vector<EnterpriseEffect> enterprises;
};

// The effect of measure `id` as `who` may see it (GetMeasure's rules).
// 404 when the measure is not the caller's, when no round fits as before
// or after, or the two rounds have no model's results in common; 422
// naming `before` or `after` for a round that is not one of the province's
// rounds with results, or a before round not earlier than the after round.
Result<MeasureEffect> ComputeMeasureEffect(store::Db& db, analytics::ResultsSnapshot& results,
                                           const Principal& who, int64_t id,
                                           const EffectQuery& query, int64_t min_group_size);

// The effect as a summary sheet (a row per figure) and a sheet of its
// enterprises, for Excel.
std::vector<report::Table> EffectTables(const MeasureEffect& effect);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_SUPPORT_EFFECT_H_
