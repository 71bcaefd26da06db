#include "analytics/stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <span>
#include <vector>

namespace rongping::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void ExpectSummary(const Summary& s, int64_t n, double mean, double min, double p25, double median,
                   double p75, double p90, double max) {
  EXPECT_EQ(s.n, n);
  EXPECT_DOUBLE_EQ(s.mean, mean);
  EXPECT_DOUBLE_EQ(s.min, min);
  EXPECT_DOUBLE_EQ(s.p25, p25);
  EXPECT_DOUBLE_EQ(s.median, median);
  EXPECT_DOUBLE_EQ(s.p75, p75);
  EXPECT_DOUBLE_EQ(s.p90, p90);
  EXPECT_DOUBLE_EQ(s.max, max);
}

bool SameBits(const Summary& a, const Summary& b) {
  auto same = [](double x, double y) {
    return (std::isnan(x) && std::isnan(y)) || std::memcmp(&x, &y, sizeof x) == 0;
  };
  return a.n == b.n && same(a.mean, b.mean) && same(a.min, b.min) && same(a.p25, b.p25) &&
         same(a.median, b.median) && same(a.p75, b.p75) && same(a.p90, b.p90) && same(a.max, b.max);
}

// The non-NaN values of `values` dealt into `count` runs (value i to run
// i % count, or at random when `rng` is given), each sorted, with its sum.
struct Runs {
  std::vector<std::vector<double>> values;
  std::vector<SortedRun> runs;
};
Runs DealIntoRuns(std::span<const double> values, size_t count, std::mt19937_64* rng = nullptr) {
  Runs out;
  out.values.resize(count);
  size_t i = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    out.values[rng ? (*rng)() % count : i++ % count].push_back(v);
  }
  for (auto& run : out.values) {
    std::sort(run.begin(), run.end());
    double sum = 0;
    for (double v : run) sum += v;
    out.runs.push_back({run, sum});
  }
  return out;
}

// Order statistics, n, min and max to the bit; the mean to rounding.
void ExpectSameSummary(const Summary& want, const Summary& got) {
  Summary got_with_mean = got;
  got_with_mean.mean = want.mean;
  EXPECT_TRUE(SameBits(want, got_with_mean));
  if (std::isnan(want.mean)) {
    EXPECT_TRUE(std::isnan(got.mean));
  } else {
    EXPECT_NEAR(got.mean, want.mean, 1e-12 * std::max(1.0, std::fabs(want.mean)));
  }
}

TEST(SummarizeSortedRuns, EqualsSummarizeOfAllTheValues) {
  std::mt19937_64 rng(11);
  std::vector<double> scratch;
  for (int trial = 0; trial < 3000; ++trial) {
    // Few or many distinct values (ties across runs), NaN among them, empty
    // runs, one run, a handful, and more runs than are narrowed.
    const size_t n = trial < 30 ? static_cast<size_t>(trial) : rng() % 3000;
    const uint64_t distinct = 1 + rng() % (trial % 3 == 0 ? 5 : 100000);
    std::vector<double> values;
    for (size_t i = 0; i < n; ++i) {
      values.push_back(rng() % 17 == 0 ? kNaN : static_cast<double>(rng() % distinct) / 7.0 - 20);
    }
    const size_t counts[] = {1, 2, 24, 97, 300};
    const size_t count = counts[trial % 5];
    Runs r = DealIntoRuns(values, count, trial % 2 ? &rng : nullptr);
    SCOPED_TRACE("trial " + std::to_string(trial) + ", " + std::to_string(count) + " runs");
    ExpectSameSummary(Summarize(values), SummarizeSortedRuns(r.runs, scratch));
    for (int q = 0; q < 5; ++q) {
      const double x = q == 0 || values.empty() ? static_cast<double>(rng() % 50) - 25 : values[rng() % values.size()];
      const double want = PercentileRank(values, x), got = PercentileRankInSortedRuns(r.runs, x);
      EXPECT_TRUE((std::isnan(want) && std::isnan(got)) || want == got) << x;
    }
  }
}

// Expected values below are numpy.quantile(..., [0.25, 0.5, 0.75, 0.9]).

TEST(SummarizeBinary, EqualsSummarizeOfTheZerosAndOnes) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    const int64_t n = trial < 20 ? trial : static_cast<int64_t>(rng() % 300);
    std::vector<double> values;
    int64_t ones = 0;
    const uint64_t odds = rng() % 5;  // mostly ones, mostly zeros, all, none
    for (int64_t i = 0; i < n; ++i) {
      const bool one = odds == 0 ? true : odds == 1 ? false : rng() % odds == 0;
      values.push_back(one ? 1.0 : 0.0);
      ones += one;
    }
    std::shuffle(values.begin(), values.end(), rng);
    const Summary a = Summarize(values), b = SummarizeBinary(n, ones);
    ASSERT_EQ(a.n, b.n);
    if (n == 0) {
      EXPECT_TRUE(std::isnan(b.mean) && std::isnan(b.p90));
      continue;
    }
    for (auto [x, y] : {std::pair{a.mean, b.mean}, {a.min, b.min}, {a.p25, b.p25}, {a.median, b.median},
                        {a.p75, b.p75}, {a.p90, b.p90}, {a.max, b.max}}) {
      ASSERT_EQ(x, y) << "n=" << n << " ones=" << ones;  // bit for bit
    }
  }
}

TEST(Summarize, OneValue) { ExpectSummary(Summarize(std::vector{7.0}), 1, 7, 7, 7, 7, 7, 7, 7); }

TEST(Summarize, TwoValuesInterpolate) {
  ExpectSummary(Summarize(std::vector{3.0, 1.0}), 2, 2, 1, 1.5, 2, 2.5, 2.8, 3);
}

TEST(Summarize, OddCount) {
  ExpectSummary(Summarize(std::vector{5.0, 1.0, 3.0, 2.0, 4.0}), 5, 3, 1, 2, 3, 4, 4.6, 5);
}

TEST(Summarize, EvenCountMedianIsMidpoint) {
  ExpectSummary(Summarize(std::vector{4.0, 2.0, 1.0, 3.0}), 4, 2.5, 1, 1.75, 2.5, 3.25, 3.7, 4);
}

TEST(Summarize, Ties) {
  const Summary s = Summarize(std::vector{2.0, 5.0, 2.0, 2.0});
  ExpectSummary(s, 4, 2.75, 2, 2, 2, 2.75, 4.1, 5);
  EXPECT_EQ(s.p90, 4.1000000000000005);  // numpy's exact bits
}

TEST(Summarize, NaNIgnored) {
  ExpectSummary(Summarize(std::vector{kNaN, 3.0, kNaN, 1.0}), 2, 2, 1, 1.5, 2, 2.5, 2.8, 3);
}

TEST(Summarize, NothingPresent) {
  for (const std::vector<double>& v : {std::vector<double>{}, std::vector<double>{kNaN, kNaN}}) {
    const Summary s = Summarize(v);
    EXPECT_EQ(s.n, 0);
    for (double x : {s.mean, s.min, s.p25, s.median, s.p75, s.p90, s.max})
      EXPECT_TRUE(std::isnan(x));
  }
}

TEST(Summarize, MeanIsCompensated) {
  // A plain left-to-right sum gives 0 here.
  EXPECT_DOUBLE_EQ(Summarize(std::vector{1e16, 1.0, -1e16}).mean, 1.0 / 3);
}

TEST(Summarize, ScratchOverloadLeavesInputAlone) {
  const std::vector<double> values{9, kNaN, 1, 8, 2, 7, 3};
  std::vector<double> scratch(values.size());
  const Summary s = Summarize(values, scratch);
  EXPECT_TRUE(SameBits(s, Summarize(values)));
  EXPECT_EQ(values[0], 9);
  EXPECT_EQ(values[6], 3);
  EXPECT_EQ(s.median, 5);
}

TEST(Summarize, OrderDoesNotChangeTheBits) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> score(0, 100);
  for (size_t n : {1u, 2u, 3u, 10u, 101u, 1000u}) {
    std::vector<double> v(n);
    for (double& x : v) x = std::round(score(rng) * 10) / 10;  // ties
    const Summary first = Summarize(v);
    for (int round = 0; round < 5; ++round) {
      std::shuffle(v.begin(), v.end(), rng);
      EXPECT_TRUE(SameBits(first, Summarize(v))) << "n=" << n;
    }
  }
}

TEST(Summarize, MatchesSortedDefinition) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> len(1, 60);
  std::normal_distribution<double> value(50, 20);
  for (int round = 0; round < 500; ++round) {
    std::vector<double> v(static_cast<size_t>(len(rng)));
    for (double& x : v) x = value(rng);
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    auto q = [&sorted](double p) {
      const double h = static_cast<double>(sorted.size() - 1) * p;
      const auto j = static_cast<size_t>(std::floor(h));
      if (j + 1 >= sorted.size()) return sorted.back();
      return sorted[j] + (sorted[j + 1] - sorted[j]) * (h - std::floor(h));
    };
    const Summary s = Summarize(v);
    EXPECT_NEAR(s.p25, q(0.25), 1e-9);
    EXPECT_NEAR(s.median, q(0.5), 1e-9);
    EXPECT_NEAR(s.p75, q(0.75), 1e-9);
    EXPECT_NEAR(s.p90, q(0.9), 1e-9);
    EXPECT_EQ(s.min, sorted.front());
    EXPECT_EQ(s.max, sorted.back());
  }
}

TEST(QuantileInPlace, SkipsNaNAndReorders) {
  std::vector<double> v{kNaN, 4, 1, kNaN, 3, 2};
  EXPECT_DOUBLE_EQ(QuantileInPlace(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(QuantileInPlace(v, 0), 1);
  EXPECT_DOUBLE_EQ(QuantileInPlace(v, 1), 4);
  std::vector<double> none{kNaN};
  EXPECT_TRUE(std::isnan(QuantileInPlace(none, 0.5)));
}

TEST(PercentileRank, MeanKind) {
  const std::vector<double> v{1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(PercentileRank(v, 3), 62.5);  // 2 below, 1 equal
  EXPECT_DOUBLE_EQ(PercentileRank(v, 2.5), 50);
  EXPECT_DOUBLE_EQ(PercentileRank(v, 0), 0);
  EXPECT_DOUBLE_EQ(PercentileRank(v, 1), 12.5);
  EXPECT_DOUBLE_EQ(PercentileRank(v, 4), 87.5);
  EXPECT_DOUBLE_EQ(PercentileRank(v, 5), 100);
}

TEST(PercentileRank, EdgeCases) {
  EXPECT_DOUBLE_EQ(PercentileRank(std::vector{60.0}, 60), 50);                 // alone
  EXPECT_DOUBLE_EQ(PercentileRank(std::vector{7.0, 7.0, 7.0}, 7), 50);         // all tied
  EXPECT_DOUBLE_EQ(PercentileRank(std::vector{1.0, kNaN, 3.0, kNaN}, 2), 50);  // NaN skipped
  EXPECT_TRUE(std::isnan(PercentileRank(std::vector<double>{}, 1)));
  EXPECT_TRUE(std::isnan(PercentileRank(std::vector{kNaN}, 1)));
  EXPECT_TRUE(std::isnan(PercentileRank(std::vector{1.0, 2.0}, kNaN)));
}

TEST(Share, FlagsWithMissing) {
  EXPECT_DOUBLE_EQ(Share(std::vector{1.0, 0.0, kNaN, 1.0}), 200.0 / 3);
  EXPECT_DOUBLE_EQ(Share(std::vector{0.0, 0.0}), 0);
  EXPECT_DOUBLE_EQ(Share(std::vector{1.0}), 100);
  EXPECT_TRUE(std::isnan(Share(std::vector{kNaN})));
  EXPECT_TRUE(std::isnan(Share(std::vector<double>{})));
  EXPECT_EQ(CountPresent(std::vector{1.0, kNaN, 0.0}), 2);
}

TEST(CountLevels, IgnoresOutOfRange) {
  const std::vector<int8_t> levels{0, 1, 1, 3, -1, 7, 3, 3};
  EXPECT_EQ(CountLevels(levels, 4), (std::vector<int64_t>{1, 2, 0, 3}));
  EXPECT_EQ(CountLevels(levels, 0), std::vector<int64_t>{});
  EXPECT_EQ(CountLevels({}, 2), (std::vector<int64_t>{0, 0}));
}

// ---------------------------------------------------------------------------
// Peer groups.

GroupKey GuangzhouSmallElectronics() {
  return {.industry_division = "39",
          .industry_group = "electronics",
          .unit = "440100",
          .province = "440000",
          .size_class = "small",
          .production_type = ""};
}

GroupKey Labels() {
  return {.industry_division = "计算机、通信和其他电子设备制造业",
          .industry_group = "电子信息",
          .unit = "广州市",
          .province = "广东省",
          .size_class = "",  // from the size class name
          .production_type = "离散型"};
}

TEST(FallbackChain, NarrowestToWidest) {
  const auto chain = FallbackChain(GuangzhouSmallElectronics(), Labels());
  ASSERT_EQ(chain.size(), 6u);
  const char* ids[] = {"division_size_unit",  "division_size_province",
                       "group_size_province", "group_province",
                       "size_nation",         "nation"};
  const char* labels[] = {"计算机、通信和其他电子设备制造业 · 小型 · 广州市",
                          "计算机、通信和其他电子设备制造业 · 小型 · 广东省",
                          "电子信息 · 小型 · 广东省",
                          "电子信息 · 广东省",
                          "全部行业 · 小型 · 全国",
                          "全部行业 · 全国"};
  for (size_t i = 0; i < chain.size(); ++i) {
    EXPECT_EQ(chain[i].id, ids[i]);
    EXPECT_EQ(chain[i].label, labels[i]);
  }
  GroupKey narrowest;  // the fields of the first level only
  narrowest.industry_division = "39";
  narrowest.unit = "440100";
  narrowest.size_class = "small";
  EXPECT_EQ(chain[0].key, narrowest);
  GroupKey group_size_province;
  group_size_province.industry_group = "electronics";
  group_size_province.province = "440000";
  group_size_province.size_class = "small";
  EXPECT_EQ(chain[2].key, group_size_province);
  EXPECT_EQ(chain[5].key, GroupKey{});
  // The enterprise belongs to every group of its chain.
  for (const PeerLevel& level : chain) EXPECT_TRUE(InGroup(level.key, GuangzhouSmallElectronics()));
}

TEST(FallbackChain, FirstGroupWithFiveMembers) {
  const auto chain = FallbackChain(GuangzhouSmallElectronics(), Labels());
  const std::vector<int64_t> counts{3, 4, 128, 200, 5000, 90000};
  const int i = FirstWithAtLeast(5, counts);
  ASSERT_EQ(i, 2);
  EXPECT_EQ(DescribeGroup(chain[static_cast<size_t>(i)], counts[static_cast<size_t>(i)]),
            "电子信息 · 小型 · 广东省 (n=128)");
  EXPECT_EQ(FirstWithAtLeast(5, std::vector<int64_t>{5, 9}), 0);  // n == k is enough
  EXPECT_EQ(FirstWithAtLeast(5, std::vector<int64_t>{1, 2, 4}), -1);
  EXPECT_EQ(FirstWithAtLeast(5, std::vector<int64_t>{}), -1);
}

TEST(FallbackChain, CountsFromAPopulation) {
  // 4 electronics enterprises in Guangzhou, 2 of them small, so the city
  // level is too small at k=5 and the figure falls back to the province.
  std::vector<GroupKey> population;
  auto add = [&population](std::string division, std::string group, std::string unit,
                           std::string size, int count) {
    for (int i = 0; i < count; ++i) {
      population.push_back({division, group, unit, "440000", size, ""});
    }
  };
  add("39", "electronics", "440100", "small", 2);
  add("39", "electronics", "440100", "medium", 2);
  add("39", "electronics", "440300", "small", 4);  // Shenzhen
  add("40", "electronics", "440300", "small", 3);
  add("26", "materials", "440100", "small", 9);
  const auto chain = FallbackChain(GuangzhouSmallElectronics(), Labels());
  std::vector<int64_t> counts;
  for (const PeerLevel& level : chain) {
    counts.push_back(std::count_if(population.begin(), population.end(),
                                   [&](const GroupKey& e) { return InGroup(level.key, e); }));
  }
  EXPECT_EQ(counts, (std::vector<int64_t>{2, 6, 9, 11, 18, 20}));
  const int i = FirstWithAtLeast(5, counts);
  EXPECT_EQ(DescribeGroup(chain[static_cast<size_t>(i)], counts[static_cast<size_t>(i)]),
            "计算机、通信和其他电子设备制造业 · 小型 · 广东省 (n=6)");
}

TEST(FallbackChain, MissingFieldsSkipLevels) {
  GroupKey key = GuangzhouSmallElectronics();
  key.unit.clear();
  key.size_class.clear();
  const auto chain = FallbackChain(key, Labels());
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0].id, "group_province");
  EXPECT_EQ(chain[1].id, "nation");
  EXPECT_EQ(FallbackChain(GroupKey{}, GroupKey{}).size(), 1u);  // never empty
}

TEST(FallbackChain, ProductionTypeIsKeptAtEveryLevel) {
  GroupKey key = GuangzhouSmallElectronics();
  key.production_type = "discrete";
  const auto chain = FallbackChain(key, Labels());
  ASSERT_EQ(chain.size(), 6u);
  for (const PeerLevel& level : chain) EXPECT_EQ(level.key.production_type, "discrete");
  EXPECT_EQ(chain[2].label, "电子信息 · 离散型 · 小型 · 广东省");
  EXPECT_EQ(chain[5].label, "全部行业 · 离散型 · 全国");
}

TEST(FallbackChain, CodesWhenNoLabels) {
  const auto chain = FallbackChain(GuangzhouSmallElectronics(), GroupKey{});
  EXPECT_EQ(chain[0].label, "39 · 小型 · 440100");
}

// ---------------------------------------------------------------------------
// Independent check: the fixture written by tests/stats/check_stats.py from
// numpy. Skipped unless RONGPING_STATS_FIXTURE names the file.

double JsonNumber(const nlohmann::json& j) { return j.is_null() ? kNaN : j.get<double>(); }

std::vector<double> JsonNumbers(const nlohmann::json& j) {
  std::vector<double> out;
  for (const auto& x : j) out.push_back(JsonNumber(x));
  return out;
}

bool Close(double want, double got, double tolerance, double scale) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  return std::fabs(want - got) <= tolerance * std::max({std::fabs(want), std::fabs(got), scale});
}

TEST(StatsFixture, AgreesWithNumpy) {
  const char* path = std::getenv("RONGPING_STATS_FIXTURE");
  // Run by ctest as stats_fixture_gtest after check_stats.py writes the
  // fixture; excluded from the plain unit test discovery.
  ASSERT_TRUE(path != nullptr && *path != '\0') << "RONGPING_STATS_FIXTURE not set";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot open " << path;
  const nlohmann::json doc = nlohmann::json::parse(in);
  const double tolerance = doc.value("tolerance", 1e-12);
  int cases = 0;
  int exact = 0;
  int compared = 0;
  for (const auto& c : doc.at("cases")) {
    SCOPED_TRACE("case " + std::to_string(cases));
    ++cases;
    const std::vector<double> values = JsonNumbers(c.at("values"));
    const std::vector<double> queries = JsonNumbers(c.at("queries"));
    const std::vector<double> flags = JsonNumbers(c.at("flags"));
    const nlohmann::json& want = c.at("expected");
    double scale = 0;
    for (double v : values) {
      if (!std::isnan(v)) scale = std::max(scale, std::fabs(v));
    }
    const Summary s = Summarize(values);
    EXPECT_EQ(s.n, want.at("n").get<int64_t>());
    const std::pair<const char*, double> fields[] = {
        {"mean", s.mean}, {"min", s.min}, {"p25", s.p25}, {"median", s.median},
        {"p75", s.p75},   {"p90", s.p90}, {"max", s.max}};
    auto check = [&](const std::string& name, double w, double got, double sc) {
      ++compared;
      EXPECT_TRUE(Close(w, got, tolerance, sc)) << name << ": want " << w << " got " << got;
      exact += (w == got) || (std::isnan(w) && std::isnan(got));
    };
    for (const auto& [name, got] : fields) check(name, JsonNumber(want.at(name)), got, scale);
    check("share", JsonNumber(want.at("share")), Share(flags), 0);
    const std::vector<double> ranks = JsonNumbers(want.at("ranks"));
    ASSERT_EQ(ranks.size(), queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      check("rank " + std::to_string(i), ranks[i], PercentileRank(values, queries[i]), 0);
    }
    // The same values held as the snapshot holds a peer group: sorted runs.
    std::vector<double> scratch;
    for (size_t count : {1, 7, 200}) {
      Runs r = DealIntoRuns(values, count);
      const Summary runs = SummarizeSortedRuns(r.runs, scratch);
      const std::pair<const char*, double> run_fields[] = {
          {"runs mean", runs.mean}, {"runs min", runs.min}, {"runs p25", runs.p25}, {"runs median", runs.median},
          {"runs p75", runs.p75},   {"runs p90", runs.p90}, {"runs max", runs.max}};
      for (const auto& [name, got] : run_fields) check(name, JsonNumber(want.at(name + 5)), got, scale);
      for (size_t i = 0; i < queries.size(); ++i) {
        check("runs rank " + std::to_string(i), ranks[i], PercentileRankInSortedRuns(r.runs, queries[i]), 0);
      }
    }
  }
  EXPECT_GT(cases, 0);
  RecordProperty("cases", cases);
  RecordProperty("bit_identical", exact);
  std::printf("%d cases, %d of %d fields bit-identical to numpy\n", cases, exact, compared);
}

}  // namespace
}  // namespace rongping::analytics
