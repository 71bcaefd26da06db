#include "analytics/datamap.h"

#include <algorithm>
#include <cmath>

#include "analytics/stats.h"
#include "analytics/suppression.h"

namespace rongping::analytics {
namespace {

// The query's filters as dictionary indices, to match cells.
struct CellFilter {
  std::vector<bool> units, divisions;  // empty = any
  int group = -1, size = -1;           // -1 = any; -2 = nothing matches

  bool Match(const AttributeValues& a) const {
    auto in = [](const std::vector<bool>& set, uint16_t v) { return set.empty() || (v < set.size() && set[v]); };
    auto is = [](int want, uint16_t v) { return want == -1 || want == v; };
    return in(units, a[static_cast<int>(Attribute::kUnit)]) &&
           in(divisions, a[static_cast<int>(Attribute::kDivision)]) &&
           is(group, a[static_cast<int>(Attribute::kIndustryGroup)]) && is(size, a[static_cast<int>(Attribute::kSize)]);
  }
};

std::vector<bool> IndexSet(const std::vector<std::string>& dict, const std::set<std::string>& values) {
  std::vector<bool> out(dict.size(), false);
  for (size_t i = 0; i < dict.size(); ++i) out[i] = values.count(dict[i]) > 0;
  if (out.empty()) out.push_back(false);  // nothing in the dictionary: match nothing
  return out;
}

// A filter on one attribute: -1 (any) when `value` is empty, else its index
// or -2 (nothing) when no result has it.
int Wanted(const ResultsSnapshot& s, Attribute a, const std::string& value) {
  if (value.empty()) return -1;
  int index = s.IndexOf(a, value);
  return index < 0 ? -2 : index;
}

// n per group (by attribute index) and in total, over the cells a filter admits.
struct Counts {
  std::vector<int64_t> by;
  int64_t total = 0;
};

Counts CountCells(const ResultColumns& c, const CellFilter& f, Attribute by, size_t groups) {
  Counts out{std::vector<int64_t>(groups, 0), 0};
  for (const ResultCell& cell : c.cells) {
    if (cell.sums.n == 0 || !f.Match(cell.attributes)) continue;
    out.by[cell.attributes[static_cast<int>(by)]] += cell.sums.n;
    out.total += cell.sums.n;
  }
  return out;
}

DataMapCell ToCell(const std::string& key, const GroupSums& sums, const model::Model& m, CellStatus status) {
  DataMapCell cell;
  cell.key = key;
  cell.status = std::string(StatusName(status));
  if (IsSuppressed(status) || sums.n == 0) return cell;
  cell.n = sums.n;
  cell.mean_total = sums.total_sum / static_cast<double>(sums.n);
  cell.level_counts = sums.levels;
  auto mean = [](double sum, int64_t n) { return n ? sum / static_cast<double>(n) : std::nan(""); };
  for (size_t d = 0; d < sums.dimension_sum.size(); ++d) {
    cell.dimension_means.push_back(mean(sums.dimension_sum[d], sums.dimension_n[d]));
  }
  for (size_t k = 0; k < sums.key_sum.size(); ++k) {
    double v = mean(sums.key_sum[k], sums.key_n[k]);
    cell.key_indicators.push_back(m.key_indicators[k].share ? v * 100 : v);
  }
  return cell;
}

}  // namespace

Result<DataMap> BuildDataMap(const ResultsSnapshot& snapshot, const DataMapQuery& q) {
  std::string model_id = q.model;
  if (model_id.empty()) {
    auto models = snapshot.ModelsOf(q.round);
    if (models.empty()) return Fail(Error::NotFound("该评估周期尚无已完成的评估结果"));
    model_id = models.front();
  }
  DataMap map;
  bool found = snapshot.Read(q.round, model_id, [&](const ResultColumns& c, const ResultsSnapshot& s) {
    const model::Model& m = *c.model;
    map.model = c.model;
    const auto& keys = s.Dictionary(q.by);
    CellFilter filter;
    if (q.units) filter.units = IndexSet(s.Dictionary(Attribute::kUnit), *q.units);
    if (q.divisions) filter.divisions = IndexSet(s.Dictionary(Attribute::kDivision), *q.divisions);
    filter.group = Wanted(s, Attribute::kIndustryGroup, q.industry_group);
    filter.size = Wanted(s, Attribute::kSize, q.size);

    std::vector<GroupSums> groups(keys.size());
    for (auto& g : groups) g.Reset(m);
    GroupSums total;
    total.Reset(m);
    for (const ResultCell& cell : c.cells) {
      if (cell.sums.n == 0 || !filter.Match(cell.attributes)) continue;
      groups[cell.attributes[static_cast<int>(q.by)]].Merge(cell.sums);
      total.Merge(cell.sums);
    }

    // Every wider query made by dropping some of the filters.
    std::vector<CellFilter> wider;
    const bool relax_units = q.parent_units.has_value();
    for (int mask = 1; mask < 8; ++mask) {
      CellFilter f = filter;
      if ((mask & 1) && filter.group == -1) continue;
      if ((mask & 2) && filter.size == -1) continue;
      if ((mask & 4) && !relax_units) continue;
      if (mask & 1) f.group = -1;
      if (mask & 2) f.size = -1;
      if (mask & 4) f.units = IndexSet(s.Dictionary(Attribute::kUnit), *q.parent_units);
      wider.push_back(std::move(f));
    }
    auto differs = [&](int64_t wide, int64_t narrow) { return wide - narrow > 0 && wide - narrow < q.k; };
    std::vector<bool> withhold(keys.size(), false);
    bool withhold_total = false;
    for (const CellFilter& f : wider) {
      Counts wide = CountCells(c, f, q.by, keys.size());
      for (size_t g = 0; g < keys.size(); ++g) {
        if (groups[g].n > 0 && differs(wide.by[g], groups[g].n)) withhold[g] = true;
      }
      withhold_total = withhold_total || differs(wide.total, total.n);
    }

    // Groups with results, in the order of their keys.
    std::vector<size_t> order;
    for (size_t g = 0; g < keys.size(); ++g) {
      if (groups[g].n > 0) order.push_back(g);
    }
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    std::vector<Cell> cells;
    for (size_t g : order) cells.push_back({groups[g].n, 0, withhold[g]});
    auto statuses = Suppress(cells, q.k, withhold_total);
    for (size_t i = 0; i < order.size(); ++i) {
      map.cells.push_back(ToCell(keys[order[i]], groups[order[i]], m, statuses.cells[i]));
    }
    map.total = ToCell("", total, m, statuses.total);
  });
  if (!found) return Fail(Error::NotFound("该评估周期尚无该模型的已完成评估结果"));
  return map;
}

}  // namespace rongping::analytics
