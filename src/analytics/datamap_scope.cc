#include "analytics/datamap_scope.h"

#include <set>

namespace rongping::analytics {

Result<std::string> ScopeDataMapQuery(const domain::ReferenceIndex& index, const Principal& who,
                                      std::string root, DataMapQuery* query) {
  if (who.role != Role::kMinistry && who.role != Role::kProvince && who.role != Role::kUnit &&
      who.role != Role::kAssociation) {
    return Fail(
        Error::Forbidden("数据地图仅供主管部门和行业协会查看；企业请查看本企业的诊断与对标"));
  }
  if (root.empty() && who.role != Role::kMinistry) root = who.scope_code;
  if (!root.empty() && (!index.units.count(root) ||
                        (who.role != Role::kMinistry && !index.UnitInScope(who, root)))) {
    return Fail(Error::NotFound("单位不存在"));
  }
  if (!query->industry_group.empty() && !index.IsIndustryGroup(query->industry_group)) {
    return Fail(
        Error::Invalid("invalid_parameter", "industry_group 不是已知的行业组", "industry_group"));
  }
  auto subtree = [&](const std::string& top) {
    std::set<std::string> codes;
    for (const auto& [code, u] : index.units) {
      if (index.InSubtree(code, top)) codes.insert(code);
    }
    return codes;
  };
  if (!root.empty()) {
    query->units = subtree(root);
    const std::string& parent = index.units.at(root).parent_code;
    if (!parent.empty() && index.units.count(parent)) query->parent_units = subtree(parent);
  }
  if (who.role == Role::kAssociation)
    query->divisions.emplace(who.industries.begin(), who.industries.end());
  return root;
}

}  // namespace rongping::analytics
