// Reference data: reporting units (统计/考核单元) with their reporting tree,
// industry divisions (国民经济行业大类) with their groups, and an in-memory
// index of both for validation and lookups.
#ifndef RONGPING_DOMAIN_REFERENCE_H_
#define RONGPING_DOMAIN_REFERENCE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/principal.h"
#include "domain/unit_code.h"

namespace rongping::domain {

struct Unit {
  UnitCode code;
  std::string name;
  std::string admin_parent_code;  // administrative parent, empty for a root
  std::string kind;               // province | city | district | ...
  std::string group;              // e.g. 珠三角
  std::optional<int64_t> above_scale;
  // Filled by the store:
  std::string parent_code;  // reporting parent
  std::string path;         // "/440000/440100/": the reporting path, root first
};

struct Industry {
  std::string code;
  std::string name;
  std::string section;
  std::string group;
};

// Units and industries by code, for validation and lookups.
struct ReferenceIndex {
  std::map<std::string, Unit, std::less<>> units;
  std::map<std::string, Industry, std::less<>> industries;
  std::map<std::string, int, std::less<>> child_count;

  bool IsLeafUnit(std::string_view code) const;
  bool IsIndustry(std::string_view code) const;
  // True when `name` is the group of some industry division (e.g. 电子信息).
  bool IsIndustryGroup(std::string_view name) const;
  // True when `code` lies in the subtree of `root` (inclusive).
  bool InSubtree(std::string_view code, std::string_view root) const;
  // True when the principal's region contains unit `code`.
  bool UnitInScope(const Principal& principal, std::string_view code) const;
  // The unit's name, or `code` itself when the unit is unknown.
  std::string UnitName(const std::string& code) const;
  // The code of the province-level unit `code` reports up to (the first
  // element of its path); empty when the unit is unknown.
  std::string ProvinceOf(std::string_view code) const;
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_REFERENCE_H_
