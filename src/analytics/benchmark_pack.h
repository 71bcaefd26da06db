// 全国同行业、同规模对标 without national data: a benchmark pack holds, for one
// model, the peer figures of every group of enterprises by size class,
// industry group and industry division, computed by one installation from
// the completed assessments of a round. Any installation exports one; another
// loads it, and its diagnoses then compare an enterprise with those peers as
// well as with its own region's, saying where the figures come from and of
// when.
//
// The groups form a tree: all enterprises; each size class; each size class
// and industry group; each size class, industry group and division. A
// figure is the count n and, for a score or a number, the mean and the
// quantiles P25, P50, P75, P90 (the definitions of analytics/stats.h); for a
// yes/no key indicator, the share. The minimum and maximum are never in a
// pack: they are one enterprise's values. Nor are the quantiles of fewer
// than 2k values: with five values P25, P50 and P75 are three of them, and
// P90 and the mean give away the other two.
//
// Disclosure control is the data map's (analytics/suppression.h): in every
// column, the groups form a hierarchy of totals; a figure about fewer than k
// enterprises is withheld, and so is every figure that would let one be
// derived. A group whose enterprise count is withheld is left out whole
// (some of its children may still be there).
//
// A pack carries its model's id, version and hash: the figures mean
// something only for the same questions and weights, so a pack for another
// version of the model is refused.
#ifndef RONGPING_ANALYTICS_BENCHMARK_PACK_H_
#define RONGPING_ANALYTICS_BENCHMARK_PACK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "analytics/results_snapshot.h"
#include "analytics/stats.h"
#include "core/result.h"
#include "model/model.h"

namespace rongping::analytics {

// The file format's name and version, first in every pack.
inline constexpr std::string_view kBenchmarkPackFormat = "rongping.benchmarks/1";

// One column's figure for one group. For a share, `mean` is the share
// (0-1) and the quantiles are NaN; so are they when n < 2k.
struct PackFigure {
  int64_t n = 0;
  double mean = 0;
  double p25 = 0, median = 0, p75 = 0, p90 = 0;
};

// A group of the tree. An empty field means "every": the root has all three
// empty, a size class group only size_class.
// A group's place in the tree: (size class, industry group, division).
using PackGroupKey = std::tuple<std::string, std::string, std::string>;

// The parent of a group in the tree; nullopt for the root.
std::optional<PackGroupKey> ParentGroup(const PackGroupKey& key);

struct PackGroup {
  std::string size_class;         // large / medium / small / micro
  std::string industry_group;     // 原材料, 装备, … (industries.csv `group`)
  std::string industry_division;  // GB/T 4754 division code, e.g. "39"
  int64_t n = 0;                  // enterprises in the group
  // By column (BenchmarkPack::columns); nullopt where withheld or empty.
  std::vector<std::optional<PackFigure>> figures;
};

// Where the figures come from.
struct PackSource {
  std::string installation;  // the exporting platform's name
  std::string scope;         // the area its results cover, e.g. "全国", "广东省"
  std::string round;         // the round's code
  std::string round_title;
  std::string as_of;         // YYYY-MM-DD: results completed by the end of that day
  std::string exported_at;   // RFC 3339
};

// A column: "total", "dimension.<id>" or "key.<id>", in the order of the
// analytics snapshot's numeric columns; `share` for yes/no key indicators.
struct PackColumn {
  std::string id;
  std::string title;
  bool share = false;
};

struct BenchmarkPack {
  std::string model_id;
  std::string model_version;
  std::string model_hash;
  PackSource source;
  int64_t min_group_size = 5;
  std::vector<PackColumn> columns;
  std::vector<PackGroup> groups;  // each parent before its children
};

// Whether a distribution of n values shows its quantiles in a pack of
// minimum group size k: n >= 2k.
bool QuantilesShown(int64_t n, int64_t k);

// The columns of `model` as a pack names them.
std::vector<PackColumn> PackColumns(const model::Model& model);

// The pack of the completed results of `round` and `model` held by
// `snapshot`, every group and figure suppressed for minimum group size k.
// `source` is copied in. Empty groups are left out; a round without results
// of the model gives a pack with no groups. REQUIRES: k >= 1.
BenchmarkPack BuildBenchmarkPack(const ResultsSnapshot& snapshot, std::string_view round,
                                 const model::Model& model, int64_t k, PackSource source);

// The pack as JSON text (the file format; docs/models.md describes it).
std::string BenchmarkPackToJson(const BenchmarkPack& pack);

// Reads a pack, checking everything before it is used: the format, the
// model (its hash must be `installed`'s: a pack for another version is
// refused with kInvalid "model_mismatch" naming both versions), the
// columns (those of the installed model), every group (known size class,
// division codes, no group twice, a parent that is there before its
// children and not smaller, n >= the pack's minimum group size) and every
// figure (finite, 0 <= share <= 1, quantiles ascending and only from 2k
// values, n within the group's). Errors name the group and field, in
// Chinese.
Result<BenchmarkPack> ParseBenchmarkPack(std::string_view json, const model::Model& installed);

// The peers of an enterprise in a pack: the narrowest of
//   division · size, industry group · size, size, all enterprises
// that the pack holds, with its label ("计算机、通信和其他电子设备制造业 · 小型 ·
// 全国") and n. `key` and `labels` as for FallbackChain (the unit and
// province are not used: the pack's scope takes their place). nullopt when
// the pack holds none of them.
struct PackPeers {
  const PackGroup* group = nullptr;
  std::string label;
};
std::optional<PackPeers> FindPackPeers(const BenchmarkPack& pack, const GroupKey& key,
                                       const GroupKey& labels);

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_BENCHMARK_PACK_H_
