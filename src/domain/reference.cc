#include "domain/reference.h"

#include <algorithm>

namespace rongping::domain {

bool ReferenceIndex::IsLeafUnit(std::string_view code) const {
  return units.count(code) && !child_count.count(code);
}

bool ReferenceIndex::IsIndustry(std::string_view code) const { return industries.count(code); }

bool ReferenceIndex::InSubtree(std::string_view code, std::string_view root) const {
  auto u = units.find(code);
  auto r = units.find(root);
  if (u == units.end() || r == units.end()) return false;
  return u->second.path.rfind(r->second.path, 0) == 0;
}

bool ReferenceIndex::IsIndustryGroup(std::string_view name) const {
  return std::any_of(industries.begin(), industries.end(),
                     [&](const auto& entry) { return entry.second.group == name; });
}

bool ReferenceIndex::UnitInScope(const Principal& principal, std::string_view code) const {
  switch (principal.role) {
    case Role::kMinistry:
      return units.count(code) > 0;
    case Role::kProvince:
    case Role::kUnit:
    case Role::kAssociation:
      return InSubtree(code, principal.scope_code);
    default:
      return false;
  }
}

std::string ReferenceIndex::UnitName(const std::string& code) const {
  auto it = units.find(code);
  return it == units.end() ? code : it->second.name;
}

std::string ReferenceIndex::ProvinceOf(std::string_view code) const {
  auto it = units.find(code);
  if (it == units.end() || it->second.path.size() < 2) return "";
  const std::string& path = it->second.path;
  return path.substr(1, path.find('/', 1) - 1);
}

}  // namespace rongping::domain
