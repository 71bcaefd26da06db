// Descriptive statistics for benchmarks and the data map, and the peer-group
// fallback chain that decides which group a figure is computed over.
//
// Everything here is a pure function of its arguments: no I/O, no global
// state, the same bits on every run. Scores, key indicators and shares come
// from the analytics snapshot as columns of doubles in which NaN means
// "missing / not applicable"; every function below skips NaN and counts only
// the values it used.
//
// Definitions are those of numpy / scipy so that figures can be checked
// independently (tests/stats/check_stats.py does so):
//   quantile         numpy.quantile(method="linear"), Hyndman & Fan type 7;
//   percentile rank  scipy.stats.percentileofscore(kind="mean").
#ifndef RONGPING_ANALYTICS_STATS_H_
#define RONGPING_ANALYTICS_STATS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rongping::analytics {

// Summary of a column. When no value is present (n == 0) every other field
// is NaN.
struct Summary {
  int64_t n = 0;  // values that are not NaN
  double mean = 0;
  double min = 0;
  double p25 = 0;
  double median = 0;
  double p75 = 0;
  double p90 = 0;  // the benchmark ("标杆") line of a peer group
  double max = 0;
};

// Quantile q in [0, 1] of the n non-NaN values, type 7 of Hyndman & Fan (the
// default of numpy, R and Excel's PERCENTILE.INC): with the values sorted
// ascending as x[0..n-1], h = (n - 1) * q, j = floor(h), g = h - j,
//   Q(q) = x[j] + (x[j+1] - x[j]) * g        when g <  0.5,
//   Q(q) = x[j+1] - (x[j+1] - x[j]) * (1-g)  when g >= 0.5,
//   Q(q) = x[n-1]                            when j >= n - 1.
// The two forms of the interpolation are numpy's own (numpy.lib's _lerp),
// so that results agree with numpy to the last bit, not just within
// rounding. The median is Q(0.5): for even n the midpoint of the two middle
// values.
//
// Summarize computes n, the mean (compensated summation), min, max and
// Q(0.25), Q(0.5), Q(0.75), Q(0.9). The order statistics come from
// std::nth_element selection on a scratch copy, O(n) expected; since they
// are order statistics the result does not depend on the selection order.
//
// Values should be finite; +-inf are ordered as usual but make the mean and
// an interpolation that touches them non-finite, as in numpy.
//
// This overload allocates the scratch copy.
Summary Summarize(std::span<const double> values);

// The same without allocating: the non-NaN values are copied into `scratch`
// and reordered there.
// REQUIRES: scratch.size() >= values.size(); scratch does not overlap values.
Summary Summarize(std::span<const double> values, std::span<double> scratch);

// The Summary of n values that are each 0 or 1, `ones` of them 1: the same
// figures Summarize gives for them, from the two counts alone (sorted, they
// are n - ones zeros and then ones ones). For yes/no indicators, whose
// counts a cell of the snapshot already holds.
// REQUIRES: 0 <= ones <= n.
Summary SummarizeBinary(int64_t n, int64_t ones);

// Values sorted ascending, without NaN, and their sum (any order of
// summation): one finest group's values of a column, kept sorted by the
// analytics snapshot.
struct SortedRun {
  std::span<const double> values;
  double sum = 0;
};

// The Summary of all values of `runs`: n, min, max and the quantiles equal
// Summarize's over the same values to the bit (they are order statistics,
// here found by narrowing a window in every run around the wanted rank,
// O(m log n) for m runs, not by merging); the mean is the compensated sum of
// the runs' sums over n, which may differ from Summarize's in the last bit.
// With many runs the values are copied into `scratch` and selected there.
// REQUIRES: each run sorted ascending, without NaN.
Summary SummarizeSortedRuns(std::span<const SortedRun> runs, std::vector<double>& scratch);

// PercentileRank of x among all values of `runs`, by binary search in each.
// REQUIRES: as for SummarizeSortedRuns.
double PercentileRankInSortedRuns(std::span<const SortedRun> runs, double x);

// Q(q) as defined above, over the non-NaN values of `data`, which it
// reorders (NaN values are moved to the end). NaN when no value is present.
// REQUIRES: 0 <= q <= 1.
double QuantileInPlace(std::span<double> data, double q);

// Where x stands among its peers, 0-100: the share of non-NaN values
// strictly below x plus half the share equal to x,
//   100 * (count(v < x) + 0.5 * count(v == x)) / n,
// which is scipy.stats.percentileofscore(values, x, kind="mean") on the
// non-NaN values. An enterprise ranked among peers that include it never
// gets 0 or 100 (alone, it gets 50). NaN when x is NaN or no value is
// present. O(n), no allocation.
double PercentileRank(std::span<const double> values, double x);

// The share (0-100) of enterprises for which a yes/no key indicator holds.
// Flags are stored as 1 (yes), 0 (no) or NaN (missing, not applicable);
// the result is 100 * mean of the non-NaN values. NaN when none is present.
double Share(std::span<const double> flags);

// The number of non-NaN values.
int64_t CountPresent(std::span<const double> values);

// Distribution over stages: result[i] is the number of entries equal to i,
// for i in [0, level_count). Entries outside that range (e.g. -1 for "not
// scored") are not counted. REQUIRES: level_count >= 0.
std::vector<int64_t> CountLevels(std::span<const int8_t> levels, int level_count);

// ---------------------------------------------------------------------------
// Peer groups (domain.md §10): a figure for an enterprise is computed over
// the narrowest group of comparable enterprises that has at least k members
// (default 5), and always shows which group that was and its size n.

// Identifies a group of enterprises by codes; an empty field means "any".
// The same struct, filled with display names instead of codes, labels a
// group (see FallbackChain).
struct GroupKey {
  std::string industry_division;  // GB/T 4754 division, e.g. "39"
  std::string industry_group;     // 原材料 / 装备 / 消费品 / 电子信息 (a code)
  std::string unit;               // reporting unit, e.g. a city
  std::string province;           // GB/T 2260 province code
  std::string size_class;         // "large" / "medium" / "small" / "micro"
  std::string production_type;    // discrete / process, as the model names it

  friend bool operator==(const GroupKey&, const GroupKey&) = default;
};

// True when `member` (an enterprise's full key) belongs to `group`: every
// non-empty field of the group equals the member's.
bool InGroup(const GroupKey& group, const GroupKey& member);

// One candidate group of the fallback chain.
struct PeerLevel {
  std::string_view id;  // stable machine id of the level, e.g. "group_size_province"
  GroupKey key;         // the enterprise's key with the widened fields emptied
  std::string label;    // 中文 description without n, e.g. "电子信息 · 小型 · 广东省"
};

// The candidate peer groups of an enterprise with key `key`, narrowest
// first:
//   division + size + unit        计算机、通信和其他电子设备制造业 · 小型 · 广州市
//   division + size + province    计算机、通信和其他电子设备制造业 · 小型 · 广东省
//   group + size + province       电子信息 · 小型 · 广东省
//   group + province              电子信息 · 广东省
//   size (all industries, nation) 全部行业 · 小型 · 全国
//   nation                        全部行业 · 全国
// The chain is a table in stats.cc. A level that needs a field the key
// lacks (an enterprise without a reporting unit starts at the province) is
// left out, and so is a level whose group equals an earlier one; the chain
// is never empty (the nation is always there) and holds distinct groups.
// production_type is never widened: when the key has one, every level keeps
// it (indicators such as 关键工序数控化率 compare only within one production
// type); leave it empty to compare across types.
//
// `labels` holds the display names (中文) of the key's fields, in the same
// fields; a field without a label is shown by its code.
std::vector<PeerLevel> FallbackChain(const GroupKey& key, const GroupKey& labels);

// Index of the first group whose count is at least k, where counts[i] is
// the size of chain level i; -1 when none is (the figure is then not shown
// at all). REQUIRES: k >= 1.
int FirstWithAtLeast(int64_t k, std::span<const int64_t> counts);

// The description every figure carries: "电子信息 · 小型 · 广东省 (n=128)".
std::string DescribeGroup(const PeerLevel& level, int64_t n);

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_STATS_H_
