// BuildBenchmarkPack (analytics/benchmark_pack.h): a round's pack from the
// analytics snapshot. Apart from the file format so that readers of packs
// (and the fuzz target) need no snapshot.
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "analytics/benchmark_pack.h"
#include "analytics/suppression.h"

namespace rongping::analytics {

BenchmarkPack BuildBenchmarkPack(const ResultsSnapshot& snapshot, std::string_view round,
                                 const model::Model& m, int64_t k, PackSource source) {
  BenchmarkPack pack;
  pack.model_id = m.id;
  pack.model_version = m.version;
  pack.model_hash = m.hash;
  pack.source = std::move(source);
  pack.min_group_size = k;
  pack.columns = PackColumns(m);
  const size_t columns = pack.columns.size();

  // The tree's nodes, each parent before its children, and the snapshot
  // cells under each.
  std::vector<PackGroupKey> ids;
  std::vector<int> parent;
  std::vector<std::vector<size_t>> cells_of;
  std::vector<std::vector<Summary>> summaries;  // [node][column]
  snapshot.Read(round, m.id, [&](const ResultColumns& c, const ResultsSnapshot& s) {
    const auto& sizes = s.Dictionary(Attribute::kSize);
    const auto& groups = s.Dictionary(Attribute::kIndustryGroup);
    const auto& divisions = s.Dictionary(Attribute::kDivision);
    std::map<PackGroupKey, std::vector<size_t>> leaves;
    for (size_t i = 0; i < c.cells.size(); ++i) {
      if (c.cells[i].sums.n == 0) continue;
      const auto& a = c.cells[i].attributes;
      leaves[{sizes[a[static_cast<int>(Attribute::kSize)]], groups[a[static_cast<int>(Attribute::kIndustryGroup)]],
              divisions[a[static_cast<int>(Attribute::kDivision)]]}]
          .push_back(i);
    }
    // Every ancestor of a leaf, then the leaves; std::map orders "" first,
    // so a parent sorts before its children.
    std::map<PackGroupKey, std::vector<size_t>> nodes;
    for (const auto& [id, cells] : leaves) {
      for (std::optional<PackGroupKey> at = id; at; at = ParentGroup(*at)) {
        auto& under = nodes[*at];
        under.insert(under.end(), cells.begin(), cells.end());
      }
    }
    std::map<PackGroupKey, int> index;
    for (auto& [id, cells] : nodes) {
      index[id] = static_cast<int>(ids.size());
      auto up = ParentGroup(id);
      parent.push_back(up ? index.at(*up) : -1);
      ids.push_back(id);
      cells_of.push_back(std::move(cells));
    }
    // Each node's figures, from its cells' sorted values and counts.
    std::vector<SortedRun> runs;
    std::vector<double> scratch;
    for (const auto& cells : cells_of) {
      GroupSums sums;
      sums.Reset(m);
      std::vector<const ResultCell*> sorted;
      for (size_t i : cells) {
        sums.Merge(c.cells[i].sums);
        sorted.push_back(&s.SortedCell(c, i));
      }
      std::vector<Summary> row;
      for (size_t j = 0; j < columns; ++j) {
        if (!c.KeepsSorted(j)) {
          const size_t key = j - 1 - c.dimensions.size();
          row.push_back(SummarizeBinary(sums.key_n[key], static_cast<int64_t>(std::llround(sums.key_sum[key]))));
          continue;
        }
        runs.clear();
        for (const ResultCell* cell : sorted) runs.push_back({cell->SortedColumn(j), cell->sums.ColumnSum(j)});
        row.push_back(SummarizeSortedRuns(runs, scratch));
      }
      summaries.push_back(std::move(row));
    }
  });

  // Suppression: the enterprise counts first (column 0, the total, which
  // every completed result has); then each column by its own n, with the
  // groups left out already withheld.
  const size_t nodes = ids.size();
  if (nodes == 0) return pack;
  auto suppress = [&](size_t column, const std::vector<bool>& out) {
    std::vector<Cell> cells(nodes);
    for (size_t i = 0; i < nodes; ++i) cells[i] = {summaries[i][column].n, 0, !out.empty() && out[i]};
    return SuppressHierarchy(cells, parent, k);
  };
  auto counts = suppress(0, {});
  if (!counts) return pack;  // the tree is well formed by construction
  std::vector<bool> left_out(nodes);
  for (size_t i = 0; i < nodes; ++i) left_out[i] = (*counts)[i] != CellStatus::kShown;
  std::vector<std::vector<CellStatus>> status(columns);
  for (size_t j = 0; j < columns; ++j) {
    auto s = j == 0 ? counts : suppress(j, left_out);
    status[j] = s ? *s : std::vector<CellStatus>(nodes, CellStatus::kPrimary);
  }
  for (size_t i = 0; i < nodes; ++i) {
    if (left_out[i]) continue;
    PackGroup g;
    std::tie(g.size_class, g.industry_group, g.industry_division) = ids[i];
    g.n = summaries[i][0].n;
    for (size_t j = 0; j < columns; ++j) {
      const Summary& s = summaries[i][j];
      if (status[j][i] != CellStatus::kShown) {
        g.figures.emplace_back();
        continue;
      }
      PackFigure f{s.n, s.mean, s.p25, s.median, s.p75, s.p90};
      if (pack.columns[j].share || !QuantilesShown(s.n, k)) f.p25 = f.median = f.p75 = f.p90 = std::nan("");
      g.figures.emplace_back(f);
    }
    pack.groups.push_back(std::move(g));
  }
  return pack;
}

}  // namespace rongping::analytics
