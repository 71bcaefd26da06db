// The data map (数据地图): for a round and model, the average level, the
// stage distribution and every key indicator, grouped by unit, industry
// group or division, size class, production type or ownership, within a
// scope. Groups with fewer than k enterprises are withheld, and so is
// whatever would let a withheld group be derived from the total and its
// visible siblings.
//
// Differencing: a filter (industry group, size class, a unit below the
// top) narrows a wider query anyone in the same office, or the office
// above, may also run. A group (or the total) whose n differs from the same
// group of any wider query, made by dropping any of the filters (a unit
// replaced by its reporting parent), by 1 to k-1 enterprises is withheld
// as primary, so that subtracting one published table from another never
// yields a figure about fewer than k enterprises.
#ifndef RONGPING_ANALYTICS_DATAMAP_H_
#define RONGPING_ANALYTICS_DATAMAP_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analytics/results_snapshot.h"
#include "core/result.h"

namespace rongping::analytics {

struct DataMapQuery {
  std::string round;
  std::string model;                  // empty: the round's first model with results
  std::optional<std::set<std::string>> units;  // unit codes in scope; nullopt = all
  std::optional<std::set<std::string>> divisions;  // industry divisions in scope; nullopt = all
  // The units of the reporting parent of the unit `units` is rooted at, for
  // the differencing check; nullopt when there is none (the top of the tree
  // or no unit chosen).
  std::optional<std::set<std::string>> parent_units;
  std::string industry_group;         // filter, empty = all
  std::string size;                   // filter, empty = all
  Attribute by = Attribute::kUnit;
  int64_t k = 5;                      // minimum group size
};

struct DataMapCell {
  std::string key;     // the group's value (unit code, size class, ...)
  std::string status;  // shown | empty | primary | complementary
  // Everything below is unset when the cell is withheld.
  std::optional<int64_t> n;
  std::optional<double> mean_total;
  std::vector<int64_t> level_counts;      // per level
  std::vector<double> dimension_means;    // per dimension
  std::vector<double> key_indicators;     // share in % (bool) or mean (number)
};

struct DataMap {
  std::shared_ptr<const model::Model> model;
  std::vector<DataMapCell> cells;  // sorted by key
  DataMapCell total;
};

// kNotFound when the round has no completed results (for that model).
Result<DataMap> BuildDataMap(const ResultsSnapshot& snapshot, const DataMapQuery& query);

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_DATAMAP_H_
