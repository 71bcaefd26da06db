// Reporting units (统计/考核单元) and industry divisions.
#ifndef RONGPING_STORE_UNITS_H_
#define RONGPING_STORE_UNITS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "store/db.h"

namespace rongping::store {

struct UnitRecord {
  std::string code;
  std::string name;
  std::string admin_parent_code;  // administrative parent, empty for a root
  std::string kind;               // province | city | district | ...
  std::string group;              // e.g. 珠三角
  std::optional<int64_t> above_scale;
  // Filled by the store:
  std::string parent_code;  // reporting parent
  std::string path;
};

struct IndustryRecord {
  std::string code;
  std::string name;
  std::string section;
  std::string group;
};

// Inserts or updates units. A unit of kind "district" is carved out of its
// administrative parent and reports to that parent's parent (顺德区 reports
// to 广东省, not to 佛山市), so no enterprise is counted twice. Parents must be
// in the store or in `units`. Fails with kInvalid naming the unit when a
// parent is unknown or the tree has a cycle.
Result<int64_t> UpsertUnits(Tx& tx, std::vector<UnitRecord> units);

Result<int64_t> UpsertIndustries(Tx& tx, const std::vector<IndustryRecord>& industries);

// Every unit, ordered by path.
Result<std::vector<UnitRecord>> ListUnits(Tx& tx);
Result<std::vector<IndustryRecord>> ListIndustries(Tx& tx);

// An in-memory view of units and industries for validation and lookups.
struct ReferenceIndex {
  std::map<std::string, UnitRecord, std::less<>> units;
  std::map<std::string, IndustryRecord, std::less<>> industries;
  std::map<std::string, int, std::less<>> child_count;

  bool IsLeafUnit(std::string_view code) const;
  bool IsIndustry(std::string_view code) const;
  // True when `name` is the group of some industry division (e.g. 电子信息).
  bool IsIndustryGroup(std::string_view name) const;
  // True when `code` lies in the subtree of `root` (inclusive).
  bool InSubtree(std::string_view code, std::string_view root) const;
  // True when the principal's region contains unit `code`.
  bool UnitInScope(const Principal& principal, std::string_view code) const;
};

Result<ReferenceIndex> LoadReferenceIndex(Tx& tx);

// Whether unit `code` lies in the reporting subtree of `root` (inclusive);
// false when either is unknown. One query, for checks that need no index.
Result<bool> UnitWithin(Tx& tx, std::string_view code, std::string_view root);

}  // namespace rongping::store

#endif  // RONGPING_STORE_UNITS_H_
