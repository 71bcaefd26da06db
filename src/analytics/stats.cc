#include "analytics/stats.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "core/size_class.h"

namespace rongping::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// numpy's _lerp: the second form for g >= 0.5 makes Q exact at g == 1 and
// keeps the result monotone in g; copying it keeps us bit-identical.
double Lerp(double a, double b, double g) {
  const double diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

// Hands out order statistics of data[0, n) for non-decreasing indices (a
// repeated or already handed-out index is allowed), selecting each with
// nth_element on the part not yet fixed.
class OrderStats {
 public:
  OrderStats(double* data, size_t n) : data_(data), n_(n) {}

  double At(size_t j) {
    assert(j < n_);
    if (j == fixed_) {
      // The next one after an order statistic is the least of the rest.
      std::iter_swap(data_ + j, std::min_element(data_ + j, data_ + n_));
      fixed_ = j + 1;
    } else if (j >= fixed_) {
      std::nth_element(data_ + fixed_, data_ + j, data_ + n_);
      fixed_ = j + 1;
    }
    return data_[j];
  }

 private:
  double* data_;
  size_t n_;
  size_t fixed_ = 0;  // every index below this one handed out so far is final
};

// Order statistics of the union of sorted runs: each is found by narrowing
// a window in every run, with a pivot from the widest, until the pivot has
// the wanted rank or few values are left.
class RunOrderStats {
 public:
  explicit RunOrderStats(std::span<const SortedRun> runs)
      : runs_(runs), lo_(runs.size()), hi_(runs.size()), lower_(runs.size()), upper_(runs.size()) {}

  // REQUIRES: rank < the number of values.
  double At(size_t rank) {
    for (size_t i = 0; i < runs_.size(); ++i) {
      lo_[i] = 0;
      hi_[i] = runs_[i].values.size();
    }
    // Invariant: every value before lo_[i] is below the wanted one, every
    // value from hi_[i] on above it.
    for (int round = 0;; ++round) {
      size_t below = 0, active = 0, widest = 0;
      for (size_t i = 0; i < runs_.size(); ++i) {
        below += lo_[i];
        active += hi_[i] - lo_[i];
        if (hi_[i] - lo_[i] > hi_[widest] - lo_[widest]) widest = i;
      }
      if (active <= kGatherAtMost) {
        few_.clear();
        for (size_t i = 0; i < runs_.size(); ++i) {
          few_.insert(few_.end(), runs_[i].values.begin() + lo_[i], runs_[i].values.begin() + hi_[i]);
        }
        auto nth = few_.begin() + static_cast<ptrdiff_t>(rank - below);
        std::nth_element(few_.begin(), nth, few_.end());
        return *nth;
      }
      // The first pivots where the rank would fall if the runs were alike;
      // then the middle of the widest window, which at least halves it.
      const size_t width = hi_[widest] - lo_[widest];
      const size_t offset = round < 2 ? std::min(width - 1, (rank - below) * width / active) : width / 2;
      const double pivot = runs_[widest].values[lo_[widest] + offset];
      size_t less = 0, not_greater = 0;
      for (size_t i = 0; i < runs_.size(); ++i) {
        const double* begin = runs_[i].values.data();
        auto [first, last] = std::equal_range(begin + lo_[i], begin + hi_[i], pivot);
        lower_[i] = static_cast<size_t>(first - begin);
        upper_[i] = static_cast<size_t>(last - begin);
        less += lower_[i];
        not_greater += upper_[i];
      }
      if (rank < less) {
        hi_.swap(lower_);
      } else if (rank >= not_greater) {
        lo_.swap(upper_);
      } else {
        return pivot;
      }
    }
  }

 private:
  static constexpr size_t kGatherAtMost = 48;
  std::span<const SortedRun> runs_;
  std::vector<size_t> lo_, hi_, lower_, upper_;
  std::vector<double> few_;
};

// Q(q) of the n values (no NaN) behind `stats`, given their maximum.
template <typename Stats>
double Quantile(Stats& stats, size_t n, double max, double q) {
  const double h = static_cast<double>(n - 1) * q;
  const double floor_h = std::floor(h);
  if (floor_h >= static_cast<double>(n - 1)) return max;
  const auto j = static_cast<size_t>(floor_h);
  const double a = stats.At(j);
  const double b = stats.At(j + 1);
  return Lerp(a, b, h - floor_h);
}

// The quartiles and P90 of a Summary whose n (here `n`) and max are set,
// asked of `stats` in ascending order.
template <typename Stats>
void SetQuantiles(Summary& s, Stats& stats, size_t n) {
  s.p25 = Quantile(stats, n, s.max, 0.25);
  s.median = Quantile(stats, n, s.max, 0.5);
  s.p75 = Quantile(stats, n, s.max, 0.75);
  s.p90 = Quantile(stats, n, s.max, 0.9);
}

// Sum with Neumaier's compensation: the mean of a million scores is then
// correct to the last bit or two, whatever their order.
class Sum {
 public:
  void Add(double v) {
    const double t = sum_ + v;
    if (std::fabs(sum_) >= std::fabs(v)) {
      compensation_ += (sum_ - t) + v;
    } else {
      compensation_ += (v - t) + sum_;
    }
    sum_ = t;
  }
  // With an infinite term the compensation is NaN; the plain sum is right.
  double value() const { return std::isfinite(sum_) ? sum_ + compensation_ : sum_; }

 private:
  double sum_ = 0;
  double compensation_ = 0;
};

// n, the mean, min and max of a Summary; with n == 0 every field but n is
// NaN, else the quantiles are left for SetQuantiles.
Summary Basics(size_t n, const Sum& sum, double min, double max) {
  Summary s;
  s.n = static_cast<int64_t>(n);
  if (n == 0) {
    s.mean = s.min = s.p25 = s.median = s.p75 = s.p90 = s.max = kNaN;
    return s;
  }
  s.mean = sum.value() / static_cast<double>(n);
  s.min = min;
  s.max = max;
  return s;
}

}  // namespace

Summary Summarize(std::span<const double> values) {
  std::vector<double> scratch(values.size());
  return Summarize(values, scratch);
}

Summary Summarize(std::span<const double> values, std::span<double> scratch) {
  assert(scratch.size() >= values.size());
  size_t n = 0;
  Sum sum;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  for (double v : values) {
    if (std::isnan(v)) continue;
    scratch[n++] = v;
    sum.Add(v);
    min = std::min(min, v);
    max = std::max(max, v);
  }
  Summary s = Basics(n, sum, min, max);
  if (n == 0) return s;
  OrderStats stats(scratch.data(), n);
  SetQuantiles(s, stats, n);
  return s;
}

Summary SummarizeBinary(int64_t n, int64_t ones) {
  assert(0 <= ones && ones <= n);
  Summary s;
  s.n = n;
  if (n == 0) {
    s.mean = s.min = s.p25 = s.median = s.p75 = s.p90 = s.max = kNaN;
    return s;
  }
  const int64_t zeros = n - ones;
  auto at = [zeros](int64_t i) { return i >= zeros ? 1.0 : 0.0; };  // the i-th smallest
  auto quantile = [&](double q) {
    const double h = static_cast<double>(n - 1) * q;
    const double floor_h = std::floor(h);
    const auto j = static_cast<int64_t>(floor_h);
    if (j >= n - 1) return at(n - 1);
    return Lerp(at(j), at(j + 1), h - floor_h);
  };
  s.mean = static_cast<double>(ones) / static_cast<double>(n);
  s.min = at(0);
  s.max = at(n - 1);
  s.p25 = quantile(0.25);
  s.median = quantile(0.5);
  s.p75 = quantile(0.75);
  s.p90 = quantile(0.9);
  return s;
}

Summary SummarizeSortedRuns(std::span<const SortedRun> runs, std::vector<double>& scratch) {
  size_t n = 0;
  Sum sum;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  for (const SortedRun& run : runs) {
    if (run.values.empty()) continue;
    n += run.values.size();
    sum.Add(run.sum);
    min = std::min(min, run.values.front());
    max = std::max(max, run.values.back());
  }
  Summary s = Basics(n, sum, min, max);
  if (n == 0) return s;
  // Narrowing costs a binary search per run and step: past some number of
  // runs, copying them and selecting in the copy is cheaper.
  constexpr size_t kMostRunsToNarrow = 96;
  if (runs.size() <= kMostRunsToNarrow) {
    RunOrderStats stats(runs);
    SetQuantiles(s, stats, n);
  } else {
    scratch.clear();
    for (const SortedRun& run : runs) scratch.insert(scratch.end(), run.values.begin(), run.values.end());
    OrderStats stats(scratch.data(), n);
    SetQuantiles(s, stats, n);
  }
  return s;
}

double PercentileRankInSortedRuns(std::span<const SortedRun> runs, double x) {
  if (std::isnan(x)) return kNaN;
  size_t n = 0, below = 0, equal = 0;
  for (const SortedRun& run : runs) {
    auto [first, last] = std::equal_range(run.values.begin(), run.values.end(), x);
    n += run.values.size();
    below += static_cast<size_t>(first - run.values.begin());
    equal += static_cast<size_t>(last - first);
  }
  if (n == 0) return kNaN;
  return 100.0 * (static_cast<double>(below) + 0.5 * static_cast<double>(equal)) / static_cast<double>(n);
}

double QuantileInPlace(std::span<double> data, double q) {
  assert(q >= 0 && q <= 1);
  const auto end =
      std::partition(data.begin(), data.end(), [](double v) { return !std::isnan(v); });
  const auto n = static_cast<size_t>(end - data.begin());
  if (n == 0) return kNaN;
  const double max = *std::max_element(data.begin(), end);
  OrderStats stats(data.data(), n);
  return Quantile(stats, n, max, q);
}

double PercentileRank(std::span<const double> values, double x) {
  if (std::isnan(x)) return kNaN;
  int64_t n = 0;
  int64_t below = 0;
  int64_t equal = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    ++n;
    below += v < x;
    equal += v == x;
  }
  if (n == 0) return kNaN;
  return 100.0 * (static_cast<double>(below) + 0.5 * static_cast<double>(equal)) /
         static_cast<double>(n);
}

double Share(std::span<const double> flags) {
  int64_t n = 0;
  Sum sum;
  for (double v : flags) {
    if (std::isnan(v)) continue;
    ++n;
    sum.Add(v);
  }
  if (n == 0) return kNaN;
  return 100.0 * sum.value() / static_cast<double>(n);
}

int64_t CountPresent(std::span<const double> values) {
  return std::count_if(values.begin(), values.end(), [](double v) { return !std::isnan(v); });
}

std::vector<int64_t> CountLevels(std::span<const int8_t> levels, int level_count) {
  assert(level_count >= 0);
  std::vector<int64_t> counts(static_cast<size_t>(level_count), 0);
  for (int8_t level : levels) {
    if (level >= 0 && level < level_count) ++counts[static_cast<size_t>(level)];
  }
  return counts;
}

// ---------------------------------------------------------------------------
// Peer groups.

namespace {

enum Field : unsigned {
  kDivision = 1u << 0,
  kGroup = 1u << 1,
  kUnit = 1u << 2,
  kProvince = 1u << 3,
  kSize = 1u << 4,
};

struct ChainLevel {
  std::string_view id;  // stable: stored and shown beside figures
  unsigned fields;      // the fields of the enterprise's key this level keeps
};

// The fallback chain of domain.md §10, narrowest group first: industry
// widens division -> group -> all, region widens unit -> province ->
// nation, size is dropped only where the regional group would otherwise be
// too coarse. Every other field is widened to "any". production_type is not
// listed: it is kept at every level when the key has one. To change the
// chain, change this table (ids of existing levels must keep their meaning).
constexpr ChainLevel kChain[] = {
    {"division_size_unit", kDivision | kSize | kUnit},
    {"division_size_province", kDivision | kSize | kProvince},
    {"group_size_province", kGroup | kSize | kProvince},
    {"group_province", kGroup | kProvince},
    {"size_nation", kSize},
    {"nation", 0},
};

bool Has(unsigned fields, Field f) { return (fields & f) != 0; }

std::string_view Name(const std::string& label, const std::string& code) {
  return label.empty() ? std::string_view(code) : std::string_view(label);
}

std::string Label(const GroupKey& key, const GroupKey& labels, unsigned fields) {
  std::string out;
  auto part = [&out](std::string_view text) {
    if (!out.empty()) out += " · ";
    out += text;
  };
  if (Has(fields, kDivision)) {
    part(Name(labels.industry_division, key.industry_division));
  } else if (Has(fields, kGroup)) {
    part(Name(labels.industry_group, key.industry_group));
  } else {
    part("全部行业");
  }
  if (!key.production_type.empty()) part(Name(labels.production_type, key.production_type));
  if (Has(fields, kSize)) {
    if (!labels.size_class.empty()) {
      part(labels.size_class);
    } else if (auto size = ParseSizeClass(key.size_class)) {
      part(SizeClassLabel(*size));
    } else {
      part(key.size_class);
    }
  }
  if (Has(fields, kUnit)) {
    part(Name(labels.unit, key.unit));
  } else if (Has(fields, kProvince)) {
    part(Name(labels.province, key.province));
  } else {
    part("全国");
  }
  return out;
}

}  // namespace

bool InGroup(const GroupKey& group, const GroupKey& member) {
  auto match = [](const std::string& g, const std::string& m) { return g.empty() || g == m; };
  return match(group.industry_division, member.industry_division) &&
         match(group.industry_group, member.industry_group) && match(group.unit, member.unit) &&
         match(group.province, member.province) && match(group.size_class, member.size_class) &&
         match(group.production_type, member.production_type);
}

std::vector<PeerLevel> FallbackChain(const GroupKey& key, const GroupKey& labels) {
  std::vector<PeerLevel> chain;
  for (const ChainLevel& level : kChain) {
    const unsigned f = level.fields;
    if ((Has(f, kDivision) && key.industry_division.empty()) ||
        (Has(f, kGroup) && key.industry_group.empty()) || (Has(f, kUnit) && key.unit.empty()) ||
        (Has(f, kProvince) && key.province.empty()) || (Has(f, kSize) && key.size_class.empty())) {
      continue;
    }
    GroupKey group;
    if (Has(f, kDivision)) group.industry_division = key.industry_division;
    if (Has(f, kGroup)) group.industry_group = key.industry_group;
    if (Has(f, kUnit)) group.unit = key.unit;
    if (Has(f, kProvince)) group.province = key.province;
    if (Has(f, kSize)) group.size_class = key.size_class;
    group.production_type = key.production_type;
    const bool seen = std::any_of(chain.begin(), chain.end(),
                                  [&group](const PeerLevel& p) { return p.key == group; });
    if (seen) continue;
    chain.push_back({level.id, std::move(group), Label(key, labels, f)});
  }
  return chain;
}

int FirstWithAtLeast(int64_t k, std::span<const int64_t> counts) {
  assert(k >= 1);
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] >= k) return static_cast<int>(i);
  }
  return -1;
}

std::string DescribeGroup(const PeerLevel& level, int64_t n) {
  return level.label + " (n=" + std::to_string(n) + ")";
}

}  // namespace rongping::analytics
