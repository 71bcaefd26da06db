#include "analytics/diagnosis.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace rongping::analytics {
namespace {

// Which of the enterprise's own attributes a cell shares, one bit each.
constexpr unsigned kDivision = 1, kGroup = 2, kUnit = 4, kSize = 8, kProductionType = 16, kProvince = 32;
constexpr unsigned kNever = 64;  // a level asking for a value that is not the enterprise's own: matches nothing
constexpr unsigned kBitCombinations = 128;

// The enterprise's own attribute values as dictionary indices (-1, which no
// cell has, when no result shares it).
struct Own {
  int division, group, unit, size, production_type;
  std::vector<bool> province_units;  // units in the enterprise's province

  Own(const ResultsSnapshot& s, const GroupKey& key)
      : division(s.IndexOf(Attribute::kDivision, key.industry_division)),
        group(s.IndexOf(Attribute::kIndustryGroup, key.industry_group)),
        unit(s.IndexOf(Attribute::kUnit, key.unit)),
        size(s.IndexOf(Attribute::kSize, key.size_class)),
        production_type(s.IndexOf(Attribute::kProductionType, key.production_type)) {
    // Units whose code shares the province's first two digits.
    const auto& units = s.Dictionary(Attribute::kUnit);
    for (const auto& u : units) province_units.push_back(!key.province.empty() && u.compare(0, 2, key.province, 0, 2) == 0);
  }

  unsigned Shared(const AttributeValues& a) const {
    auto at = [&](Attribute x) { return static_cast<int>(a[static_cast<int>(x)]); };
    const size_t u = a[static_cast<int>(Attribute::kUnit)];
    return (at(Attribute::kDivision) == division ? kDivision : 0) |
           (at(Attribute::kIndustryGroup) == group ? kGroup : 0) | (at(Attribute::kUnit) == unit ? kUnit : 0) |
           (at(Attribute::kSize) == size ? kSize : 0) |
           (at(Attribute::kProductionType) == production_type ? kProductionType : 0) |
           (u < province_units.size() && province_units[u] ? kProvince : 0);
  }
};

// The bits a chain level needs a cell to share with the enterprise.
unsigned Needs(const GroupKey& level, const GroupKey& own) {
  unsigned need = 0;
  auto field = [&](const std::string& wanted, const std::string& mine, unsigned bit) {
    if (wanted.empty()) return;
    need |= wanted == mine ? bit : kNever;
  };
  field(level.industry_division, own.industry_division, kDivision);
  field(level.industry_group, own.industry_group, kGroup);
  field(level.unit, own.unit, kUnit);
  field(level.size_class, own.size_class, kSize);
  field(level.production_type, own.production_type, kProductionType);
  field(level.province, own.province, kProvince);
  return need;
}

}  // namespace

Diagnosis Diagnose(const ResultsSnapshot& snapshot, const std::string& round,
                   const model::Model& model, const GroupKey& key, const GroupKey& labels,
                   const scoring::ScoreResult& result, int64_t k) {
  Diagnosis out;
  auto chain = FallbackChain(key, labels);
  snapshot.Read(round, model.id, [&](const ResultColumns& c, const ResultsSnapshot& s) {
    const Own own(s, key);
    // Enterprises by what they share with this one; a level's count is the
    // sum over the combinations that include what it needs.
    std::vector<unsigned> shared(c.cells.size());
    std::array<int64_t, kBitCombinations> by_shared{};
    for (size_t i = 0; i < c.cells.size(); ++i) {
      if (c.cells[i].sums.n == 0) continue;
      shared[i] = own.Shared(c.cells[i].attributes);
      by_shared[shared[i]] += c.cells[i].sums.n;
    }
    std::vector<unsigned> needs;
    std::vector<int64_t> counts;
    for (const auto& level : chain) {
      needs.push_back(Needs(level.key, key));
      int64_t n = 0;
      for (unsigned b = 0; b < kBitCombinations; ++b) {
        if ((b & needs.back()) == needs.back()) n += by_shared[b];
      }
      counts.push_back(n);
    }
    int chosen = FirstWithAtLeast(k, counts);
    if (chosen < 0) return;
    out.has_peers = true;
    out.peer_group_id = std::string(chain[chosen].id);
    out.peer_n = counts[chosen];
    out.peer_group_label = DescribeGroup(chain[chosen], out.peer_n);
    // The peers' cells: their sorted values per column and the counts of
    // their yes/no key indicators.
    std::vector<const ResultCell*> peers;
    GroupSums sums;
    sums.Reset(model);
    for (size_t i = 0; i < c.cells.size(); ++i) {
      if ((shared[i] & needs[chosen]) != needs[chosen] || c.cells[i].sums.n == 0) continue;
      peers.push_back(&s.SortedCell(c, i));
      sums.Merge(c.cells[i].sums);
    }
    std::vector<SortedRun> runs(peers.size());
    std::vector<double> scratch;
    auto bench = [&](size_t column, double mine) {
      for (size_t i = 0; i < peers.size(); ++i) runs[i] = {peers[i]->SortedColumn(column), peers[i]->sums.ColumnSum(column)};
      Benchmark b{SummarizeSortedRuns(runs, scratch), std::nullopt};
      if (!std::isnan(mine)) b.percentile_rank = PercentileRankInSortedRuns(runs, mine);
      return b;
    };
    out.total = bench(0, result.total);
    const size_t dimensions = c.dimensions.size();
    for (size_t d = 0; d < dimensions; ++d) out.dimensions.push_back(bench(1 + d, result.dimensions[d]));
    for (size_t i = 0; i < c.key_indicators.size(); ++i) {
      out.key_indicators.push_back(
          model.key_indicators[i].share
              ? SummarizeBinary(sums.key_n[i], static_cast<int64_t>(std::llround(sums.key_sum[i])))
              : bench(1 + dimensions + i, std::nan("")).peers);
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
