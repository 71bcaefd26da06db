#include "campaign/selection.h"

#include <algorithm>

#include "analytics/results_snapshot.h"
#include "store/db.h"
#include "store/enterprises.h"
#include "campaign/reference.h"

namespace rongping::campaign {
namespace {

// The index of the level `id` of `m`, 0 for an empty id, -1 when unknown.
int LevelIndex(const model::Model& m, const std::string& id) {
  if (id.empty()) return 0;
  for (size_t i = 0; i < m.levels.size(); ++i) {
    if (m.levels[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

// The index of the yes/no key indicator `id` of `m`, -1 when there is none.
int ShareIndicatorIndex(const model::Model& m, const std::string& id) {
  for (size_t i = 0; i < m.key_indicators.size(); ++i) {
    if (m.key_indicators[i].id == id && m.key_indicators[i].share) return static_cast<int>(i);
  }
  return -1;
}

// The matching rows of the snapshot's columns, unnamed and unsorted.
Result<Selection> Match(analytics::ResultsSnapshot& results, const domain::ReferenceIndex& index,
                        const SelectionQuery& q, const std::string& root) {
  Selection out{q.round, nullptr, 0, false, {}};
  std::optional<Error> problem;
  bool found = results.Read(
      q.round, q.model,
      [&](const analytics::ResultColumns& col, const analytics::ResultsSnapshot& s) {
        const model::Model& m = *col.model;
        out.model = col.model;
        const int min_level = LevelIndex(m, q.min_level);
        if (min_level < 0) {
          problem = Error::Invalid("invalid_parameter", "min_level 不是该模型的阶段（等级）标识",
                                   "min_level");
          return;
        }
        const int key = q.key_indicator.empty() ? -1 : ShareIndicatorIndex(m, q.key_indicator);
        if (!q.key_indicator.empty() && key < 0) {
          problem = Error::Invalid("invalid_parameter",
                                   "key_indicator 应为该模型的布尔型关键指标标识", "key_indicator");
          return;
        }
        auto value = [&](analytics::Attribute a, size_t row) -> const std::string& {
          return s.Dictionary(a)[col.AttributesOf(row)[static_cast<int>(a)]];
        };
        for (size_t row = 0; row < col.total.size(); ++row) {
          const std::string& unit = value(analytics::Attribute::kUnit, row);
          if (!root.empty() && !index.InSubtree(unit, root)) continue;
          if (col.level[row] < min_level || col.total[row] < q.min_total) continue;
          if (key >= 0 && !(col.key_indicators[key][row] == 1.0)) continue;
          if (!q.industry_group.empty() &&
              value(analytics::Attribute::kIndustryGroup, row) != q.industry_group)
            continue;
          out.items.push_back({analytics::ToString(col.uscc[row]), "", unit, index.UnitName(unit),
                               value(analytics::Attribute::kDivision, row), col.total[row],
                               col.level[row]});
        }
      });
  if (problem) return Fail(*problem);
  if (!found) return Fail(Error::NotFound("该评估周期尚无该模型的已完成评估结果"));
  return out;
}

}  // namespace

Result<Selection> SelectEnterprises(store::Db& db, analytics::ResultsSnapshot& results,
                                    const Principal& who, const SelectionQuery& query) {
  if (who.role != Role::kProvince && who.role != Role::kMinistry) {
    return Fail(Error::Forbidden("只有省级及以上管理员可以按评估结果遴选企业"));
  }
  if (!(query.min_total >= 0 && query.min_total <= 100)) {
    return Fail(
        Error::Invalid("invalid_parameter", "min_total 应为 0 至 100 之间的数值", "min_total"));
  }
  auto shared = LoadReference(db);
  if (!shared) return Fail(shared.error());
  const domain::ReferenceIndex* index = shared->get();
  std::string root = query.unit;
  if (root.empty() && who.role == Role::kProvince) root = who.scope_code;
  if (!root.empty() && (!index->units.count(root) ||
                        (who.role != Role::kMinistry && !index->UnitInScope(who, root)))) {
    return Fail(Error::NotFound("单位不存在"));
  }
  if (!query.industry_group.empty() && !index->IsIndustryGroup(query.industry_group)) {
    return Fail(
        Error::Invalid("invalid_parameter", "industry_group 不是已知的行业组", "industry_group"));
  }
  if (auto r = results.Current(db); !r) return Fail(r.error());
  SelectionQuery q = query;
  if (q.model.empty()) {
    auto models = results.ModelsOf(q.round);
    if (models.empty()) return Fail(Error::NotFound("该评估周期尚无已完成的评估结果"));
    q.model = models.front();
  }
  auto selection = Match(results, *index, q, root);
  if (!selection) return selection;
  auto& items = selection->items;
  std::sort(items.begin(), items.end(),
            [](const SelectedEnterprise& a, const SelectedEnterprise& b) {
              return a.total != b.total ? a.total > b.total : a.uscc < b.uscc;
            });
  selection->matched = items.size();
  selection->truncated = items.size() > kMaxSelected;
  if (selection->truncated) items.resize(kMaxSelected);
  // Names from the store, scoped as every read is: one the caller may not
  // see is left out.
  std::vector<std::string> usccs;
  for (const auto& item : items) usccs.push_back(item.uscc);
  auto names = store::InTx(db, store::TxMode::kRead,
                           [&](store::Tx& tx) { return store::FindEnterpriseNames(tx, who, usccs); });
  if (!names) return Fail(names.error());
  for (auto& item : items) {
    if (auto it = names->find(item.uscc); it != names->end()) item.name = it->second;
  }
  std::erase_if(items, [](const SelectedEnterprise& item) { return item.name.empty(); });
  return selection;
}

}  // namespace rongping::campaign
