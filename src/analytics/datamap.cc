#include "analytics/datamap.h"

#include <cmath>
#include <map>

#include "analytics/stats.h"
#include "analytics/suppression.h"

namespace rongping::analytics {
namespace {

// Accumulates one group's figures.
struct Accumulator {
  int64_t n = 0;
  double total_sum = 0;
  std::vector<int64_t> levels;
  std::vector<double> dim_sum;
  std::vector<int64_t> dim_n;
  std::vector<double> key_sum;
  std::vector<int64_t> key_n;

  void Init(const model::Model& m) {
    levels.assign(m.levels.size(), 0);
    dim_sum.assign(m.dimensions.size(), 0);
    dim_n.assign(m.dimensions.size(), 0);
    key_sum.assign(m.key_indicators.size(), 0);
    key_n.assign(m.key_indicators.size(), 0);
  }

  void Add(const ResultColumns& c, size_t row) {
    ++n;
    total_sum += c.total[row];
    if (c.level[row] >= 0 && static_cast<size_t>(c.level[row]) < levels.size()) ++levels[c.level[row]];
    for (size_t d = 0; d < dim_sum.size(); ++d) {
      double v = c.dimensions[d][row];
      if (!std::isnan(v)) {
        dim_sum[d] += v;
        ++dim_n[d];
      }
    }
    for (size_t k = 0; k < key_sum.size(); ++k) {
      double v = c.key_indicators[k][row];
      if (!std::isnan(v)) {
        key_sum[k] += v;
        ++key_n[k];
      }
    }
  }

  DataMapCell Cell(const std::string& key, const model::Model& m, CellStatus status) const {
    DataMapCell cell;
    cell.key = key;
    cell.status = std::string(StatusName(status));
    if (IsSuppressed(status) || n == 0) return cell;
    cell.n = n;
    cell.mean_total = total_sum / static_cast<double>(n);
    cell.level_counts = levels;
    for (size_t d = 0; d < dim_sum.size(); ++d) {
      cell.dimension_means.push_back(dim_n[d] ? dim_sum[d] / static_cast<double>(dim_n[d])
                                              : std::nan(""));
    }
    for (size_t k = 0; k < key_sum.size(); ++k) {
      double mean = key_n[k] ? key_sum[k] / static_cast<double>(key_n[k]) : std::nan("");
      cell.key_indicators.push_back(m.key_indicators[k].share ? mean * 100 : mean);
    }
    return cell;
  }
};

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
    map.model = c.model;
    auto value = [&](Attribute a, size_t row) -> const std::string& {
      return s.Dictionary(a)[c.attributes[static_cast<int>(a)][row]];
    };
    std::map<std::string, Accumulator> groups;
    Accumulator total;
    total.Init(*c.model);
    for (size_t row = 0; row < c.total.size(); ++row) {
      if (q.units && !q.units->count(value(Attribute::kUnit, row))) continue;
      if (q.divisions && !q.divisions->count(value(Attribute::kDivision, row))) continue;
      if (!q.industry_group.empty() && value(Attribute::kIndustryGroup, row) != q.industry_group) continue;
      if (!q.size.empty() && value(Attribute::kSize, row) != q.size) continue;
      auto [it, fresh] = groups.try_emplace(value(q.by, row));
      if (fresh) it->second.Init(*c.model);
      it->second.Add(c, row);
      total.Add(c, row);
    }
    std::vector<Cell> cells;
    for (const auto& [key, acc] : groups) cells.push_back({acc.n, 0});
    auto statuses = Suppress(cells, q.k);
    size_t i = 0;
    for (const auto& [key, acc] : groups) map.cells.push_back(acc.Cell(key, *c.model, statuses.cells[i++]));
    map.total = total.Cell("", *c.model, statuses.total);
  });
  if (!found) return Fail(Error::NotFound("该评估周期尚无该模型的已完成评估结果"));
  return map;
}

}  // namespace rongping::analytics
