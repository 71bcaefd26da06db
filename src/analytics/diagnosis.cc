#include "analytics/diagnosis.h"

#include <algorithm>
#include <cmath>

namespace rongping::analytics {
namespace {

// A chain level as attribute indices to match; -1 = any. Province is a set
// of unit indices.
struct Matcher {
  int division = -1, group = -1, unit = -1, size = -1, production_type = -1;
  std::vector<bool> province_units;  // empty = any

  bool Match(const AttributeValues& values) const {
    auto at = [&](Attribute a) { return static_cast<int>(values[static_cast<int>(a)]); };
    return (division < 0 || at(Attribute::kDivision) == division) &&
           (group < 0 || at(Attribute::kIndustryGroup) == group) &&
           (unit < 0 || at(Attribute::kUnit) == unit) && (size < 0 || at(Attribute::kSize) == size) &&
           (production_type < 0 || at(Attribute::kProductionType) == production_type) &&
           (province_units.empty() ||
            (static_cast<size_t>(at(Attribute::kUnit)) < province_units.size() &&
             province_units[at(Attribute::kUnit)]));
  }
};

int IndexOf(const std::vector<std::string>& dict, const std::string& value) {
  auto it = std::find(dict.begin(), dict.end(), value);
  return it == dict.end() ? -2 : static_cast<int>(it - dict.begin());  // -2: matches nothing
}

}  // namespace

Diagnosis Diagnose(const ResultsSnapshot& snapshot, const std::string& round,
                   const model::Model& model, const GroupKey& key, const GroupKey& labels,
                   const scoring::ScoreResult& result, int64_t k) {
  Diagnosis out;
  auto chain = FallbackChain(key, labels);
  snapshot.Read(round, model.id, [&](const ResultColumns& c, const ResultsSnapshot& s) {
    const auto& units = s.Dictionary(Attribute::kUnit);
    std::vector<Matcher> matchers;
    for (const auto& level : chain) {
      Matcher m;
      if (!level.key.industry_division.empty()) m.division = IndexOf(s.Dictionary(Attribute::kDivision), level.key.industry_division);
      if (!level.key.industry_group.empty()) m.group = IndexOf(s.Dictionary(Attribute::kIndustryGroup), level.key.industry_group);
      if (!level.key.unit.empty()) m.unit = IndexOf(units, level.key.unit);
      if (!level.key.size_class.empty()) m.size = IndexOf(s.Dictionary(Attribute::kSize), level.key.size_class);
      if (!level.key.production_type.empty()) {
        m.production_type = IndexOf(s.Dictionary(Attribute::kProductionType), level.key.production_type);
      }
      if (!level.key.province.empty()) {
        // Units whose code shares the province's first two digits.
        m.province_units.assign(units.size(), false);
        for (size_t u = 0; u < units.size(); ++u) {
          m.province_units[u] = units[u].compare(0, 2, level.key.province, 0, 2) == 0;
        }
      }
      matchers.push_back(std::move(m));
    }
    std::vector<int64_t> counts(matchers.size(), 0);
    for (const ResultCell& cell : c.cells) {
      if (cell.sums.n == 0) continue;
      for (size_t l = 0; l < matchers.size(); ++l) {
        if (matchers[l].Match(cell.attributes)) counts[l] += cell.sums.n;
      }
    }
    int chosen = FirstWithAtLeast(k, counts);
    if (chosen < 0) return;
    out.has_peers = true;
    out.peer_group_id = std::string(chain[chosen].id);
    out.peer_n = counts[chosen];
    out.peer_group_label = DescribeGroup(chain[chosen], out.peer_n);
    std::vector<uint32_t> rows;
    for (const ResultCell& cell : c.cells) {
      if (matchers[chosen].Match(cell.attributes)) rows.insert(rows.end(), cell.rows.begin(), cell.rows.end());
    }
    std::vector<double> values(rows.size());
    auto bench = [&](const std::vector<double>& column, double mine) {
      for (size_t i = 0; i < rows.size(); ++i) values[i] = column[rows[i]];
      Benchmark b{Summarize(values), std::nullopt};
      if (!std::isnan(mine)) b.percentile_rank = PercentileRank(values, mine);
      return b;
    };
    out.total = bench(c.total, result.total);
    for (size_t d = 0; d < c.dimensions.size(); ++d) {
      out.dimensions.push_back(bench(c.dimensions[d], result.dimensions[d]));
    }
    for (size_t i = 0; i < c.key_indicators.size(); ++i) {
      out.key_indicators.push_back(bench(c.key_indicators[i], std::nan("")).peers);
    }
  });
  if (!out.has_peers) return out;
  // Priorities: the dimensions furthest below the peers' P75 and P90,
  // weighted by their share of the total.
  double weights = 0;
  for (const auto& d : model.dimensions) weights += d.weight;
  for (size_t d = 0; d < model.dimensions.size(); ++d) {
    double score = result.dimensions[d];
    if (std::isnan(score)) continue;
    Priority p;
    p.dimension = static_cast<int>(d);
    p.score = score;
    p.gap_p75 = std::max(0.0, out.dimensions[d].peers.p75 - score);
    p.gap_p90 = std::max(0.0, out.dimensions[d].peers.p90 - score);
    p.weight = model.dimensions[d].weight / weights;
    p.urgency = p.weight * (p.gap_p75 + p.gap_p90 / 2);
    if (p.urgency <= 0) continue;
    p.weakest_indicators = model.dimensions[d].indicators;
    std::stable_sort(p.weakest_indicators.begin(), p.weakest_indicators.end(), [&](int a, int b) {
      double sa = std::isnan(result.indicators[a]) ? 1e9 : result.indicators[a];
      double sb = std::isnan(result.indicators[b]) ? 1e9 : result.indicators[b];
      return sa < sb;
    });
    if (p.weakest_indicators.size() > 2) p.weakest_indicators.resize(2);
    out.priorities.push_back(std::move(p));
  }
  std::stable_sort(out.priorities.begin(), out.priorities.end(),
                   [](const Priority& a, const Priority& b) { return a.urgency > b.urgency; });
  return out;
}

}  // namespace rongping::analytics
