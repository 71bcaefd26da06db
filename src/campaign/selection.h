// 遴选: province and ministry admins find enterprises for policy support,
// pilots and demonstrations (评估结果与优惠政策支持相结合) by stage, score, key
// indicator, industry group and unit, within their region.
#ifndef RONGPING_CAMPAIGN_SELECTION_H_
#define RONGPING_CAMPAIGN_SELECTION_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "domain/principal.h"
#include "model/model.h"

namespace rongping::store {
class Db;
}  // namespace rongping::store

namespace rongping::analytics {
class ResultsSnapshot;
}  // namespace rongping::analytics

namespace rongping::campaign {

struct SelectionQuery {
  std::string round;
  std::string model;           // empty: the round's first model with results
  double min_total = 0;        // 0-100
  std::string unit;            // a subtree; empty: the caller's region
  std::string industry_group;  // e.g. 电子信息; empty: any
  std::string min_level;       // a level id of the model; empty: any
  std::string key_indicator;   // a yes/no key indicator the enterprise must have; empty: none
};

struct SelectedEnterprise {
  std::string uscc;
  std::string name;
  std::string unit_code;
  std::string unit_name;
  std::string industry_code;  // the division
  double total = 0;
  int level = 0;  // index into the model's levels
};

struct Selection {
  std::string round;
  std::shared_ptr<const model::Model> model;
  size_t matched = 0;                     // every match, before the cap
  bool truncated = false;                 // more than kMaxSelected matched
  // Best total first (then USCC), at most kMaxSelected; an enterprise whose
  // record the caller may not see (moved out of its region since) is left out.
  std::vector<SelectedEnterprise> items;
};

inline constexpr size_t kMaxSelected = 5000;

// The completed results of `query.round` that match, in `who`'s region.
// 403 unless a province or ministry admin; 404 when the round has no
// results (of the model), or the unit is unknown or outside the region;
// 422 naming the field for a min_total outside 0-100, an unknown industry
// group, a level or key indicator the model does not have.
Result<Selection> SelectEnterprises(store::Db& db, analytics::ResultsSnapshot& results,
                                    const Principal& who, const SelectionQuery& query);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_SELECTION_H_
