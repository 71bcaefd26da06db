#include "demo/population.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/size_class.h"
#include "core/uscc.h"

#ifndef RONGPING_SOURCE_DIR
#define RONGPING_SOURCE_DIR "/work/main"
#endif

namespace rongping::demo {
namespace {

// The reference CSVs have plain comma-separated fields (no quotes).
std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    rows.push_back(std::move(fields));
  }
  return rows;
}

// Reporting units: the cities and 顺德区, not the province row.
// Columns: code,name,parent_code,kind,group,above_scale_2015,target_2016_completed
std::vector<UnitInfo> LoadUnits() {
  std::vector<UnitInfo> units;
  for (const auto& row :
       ReadCsv(std::string(RONGPING_SOURCE_DIR) + "/data/reference/guangdong-units.csv")) {
    if (row.size() < 6 || row[3] == "province") continue;
    units.push_back({row[0], row[1], row[4], row[5].empty() ? 0 : std::stoll(row[5])});
  }
  return units;
}

// Columns: code,name,section,group
std::vector<IndustryInfo> LoadIndustries() {
  std::vector<IndustryInfo> industries;
  for (const auto& row :
       ReadCsv(std::string(RONGPING_SOURCE_DIR) + "/data/reference/industries.csv")) {
    if (row.size() < 4) continue;
    industries.push_back({row[0], row[1], row[3]});
  }
  return industries;
}

bool SameEnterprise(const SyntheticEnterprise& a, const SyntheticEnterprise& b) {
  return a.uscc == b.uscc && a.name == b.name && a.unit_code == b.unit_code &&
         a.industry_code == b.industry_code && a.production_type == b.production_type &&
         a.employees == b.employees && a.revenue_10k_yuan == b.revenue_10k_yuan &&
         a.ownership == b.ownership && a.address == b.address && a.contact_name == b.contact_name &&
         a.contact_phone == b.contact_phone && a.contact_email == b.contact_email;
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

class PopulationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    units_ = new std::vector<UnitInfo>(LoadUnits());
    industries_ = new std::vector<IndustryInfo>(LoadIndustries());
    population_ =
        new std::vector<SyntheticEnterprise>(GeneratePopulation(*units_, *industries_, {10000, 1}));
  }
  static void TearDownTestSuite() {
    delete units_;
    delete industries_;
    delete population_;
  }

  static std::vector<UnitInfo>* units_;
  static std::vector<IndustryInfo>* industries_;
  static std::vector<SyntheticEnterprise>* population_;
};

std::vector<UnitInfo>* PopulationTest::units_ = nullptr;
std::vector<IndustryInfo>* PopulationTest::industries_ = nullptr;
std::vector<SyntheticEnterprise>* PopulationTest::population_ = nullptr;

TEST_F(PopulationTest, ReferenceDataLoaded) {
  EXPECT_EQ(units_->size(), 22u);
  EXPECT_EQ(industries_->size(), 41u);
  EXPECT_EQ(population_->size(), 10000u);
}

TEST_F(PopulationTest, SameSeedSameOutputDifferentSeedDifferent) {
  const auto a = GeneratePopulation(*units_, *industries_, {3000, 7});
  const auto b = GeneratePopulation(*units_, *industries_, {3000, 7});
  const auto c = GeneratePopulation(*units_, *industries_, {3000, 8});
  ASSERT_EQ(a.size(), 3000u);
  ASSERT_EQ(b.size(), a.size());
  ASSERT_EQ(c.size(), a.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_TRUE(SameEnterprise(a[i], b[i])) << i;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += SameEnterprise(a[i], c[i]) ? 1 : 0;
  EXPECT_EQ(same, 0u);
  EXPECT_NE(a[0].uscc, c[0].uscc);
}

TEST_F(PopulationTest, UsccValidUniqueAndInTheUnitsDivision) {
  std::set<std::string> seen;
  for (const auto& e : *population_) {
    auto valid = ValidateUscc(e.uscc);
    ASSERT_TRUE(valid.has_value()) << e.uscc << ": " << valid.error().message;
    EXPECT_EQ(*valid, e.uscc);
    EXPECT_EQ(e.uscc.substr(0, 2), "91");
    EXPECT_EQ(e.uscc.substr(2, 6), e.unit_code);
    EXPECT_TRUE(seen.insert(e.uscc).second) << "duplicate " << e.uscc;
  }
}

TEST_F(PopulationTest, NamesUniqueAndPlausible) {
  std::set<std::string> seen;
  for (const auto& e : *population_) {
    EXPECT_TRUE(seen.insert(e.name).second) << "duplicate " << e.name;
    EXPECT_TRUE(e.name.ends_with("有限公司")) << e.name;
    EXPECT_GE(e.name.size(), 3u * 7) << e.name;  // at least 7 CJK characters
    if (e.unit_code == "440606" && StartsWith(e.name, "佛山")) {
      EXPECT_TRUE(StartsWith(e.name, "佛山市顺德区")) << e.name;
    }
    if (e.unit_code == "440600") {
      EXPECT_FALSE(StartsWith(e.name, "佛山市顺德区")) << e.name;
    }
  }
  const auto& sz = *population_;
  size_t sz_prefixed = 0, sz_count = 0;
  for (const auto& e : sz) {
    if (e.unit_code != "440300") continue;
    ++sz_count;
    sz_prefixed += StartsWith(e.name, "深圳市") ? 1 : 0;
  }
  EXPECT_GT(sz_prefixed, sz_count / 2);
}

TEST_F(PopulationTest, EveryUnitPresentAndSharesFollowAboveScale) {
  std::map<std::string, int64_t> counts;
  for (const auto& e : *population_) ++counts[e.unit_code];
  double total = 0;
  for (const auto& u : *units_) total += static_cast<double>(u.above_scale);
  const double foshan = 5787;
  for (const auto& u : *units_) {
    ASSERT_GE(counts[u.code], 5) << u.name;
    double expected = static_cast<double>(u.above_scale);
    if (u.code == "440606") expected = foshan / 3;
    if (u.code == "440600") expected = foshan * 2 / 3;
    const double expected_share = expected / total;
    const double share =
        static_cast<double>(counts[u.code]) / static_cast<double>(population_->size());
    EXPECT_NEAR(share, expected_share, 0.05 * expected_share + 0.001) << u.name;
  }
  EXPECT_EQ(counts.size(), units_->size());
}

TEST_F(PopulationTest, SizeClassSharesAndAboveScale) {
  std::map<SizeClass, int64_t> counts;
  int64_t above = 0;
  for (const auto& e : *population_) {
    ASSERT_GT(e.employees, 0);
    ASSERT_GT(e.revenue_10k_yuan, 0);
    EXPECT_NEAR(e.revenue_10k_yuan * 10, std::round(e.revenue_10k_yuan * 10), 1e-6);
    ++counts[ClassifySize(e.employees, e.revenue_10k_yuan)];
    above += IsAboveScale(e.revenue_10k_yuan) ? 1 : 0;
  }
  const double n = static_cast<double>(population_->size());
  const double large = counts[SizeClass::kLarge] / n;
  const double medium = counts[SizeClass::kMedium] / n;
  const double small_micro = (counts[SizeClass::kSmall] + counts[SizeClass::kMicro]) / n;
  EXPECT_NEAR(large, 0.02, 0.01);
  EXPECT_NEAR(medium, 0.13, 0.03);
  EXPECT_NEAR(small_micro, 0.85, 0.035);
  EXPECT_GE(above / n, 0.85);
  EXPECT_LE(above / n, 0.95);  // ~10% below scale
}

TEST_F(PopulationTest, IndustriesFromTheListAndCityMix) {
  std::set<std::string> codes;
  for (const auto& i : *industries_) codes.insert(i.code);
  std::map<std::string, std::map<std::string, int64_t>> by_unit;
  std::map<std::string, int64_t> unit_totals;
  for (const auto& e : *population_) {
    ASSERT_TRUE(codes.count(e.industry_code)) << e.industry_code;
    ++by_unit[e.unit_code][e.industry_code];
    ++unit_totals[e.unit_code];
  }
  auto share = [&](const std::string& unit, const std::string& code) {
    return static_cast<double>(by_unit[unit][code]) / static_cast<double>(unit_totals[unit]);
  };
  EXPECT_GT(share("440300", "39"), 2 * share("440900", "39"));  // 深圳 vs 茂名 电子
  EXPECT_GT(share("440300", "39"), 0.25);
  EXPECT_GT(share("440900", "25"), share("440300", "25"));  // 茂名 石化
  EXPECT_GT(share("445300", "30"), 0.15);                   // 云浮 建材
  EXPECT_GT(share("440606", "38"), share("440100", "38"));  // 顺德 家电
  // A restricted list is honoured.
  const std::vector<IndustryInfo> few = {{"39", "电子", "电子信息"}, {"26", "化工", "原材料"}};
  for (const auto& e : GeneratePopulation(*units_, few, {500, 3})) {
    ASSERT_TRUE(e.industry_code == "39" || e.industry_code == "26") << e.industry_code;
  }
}

TEST_F(PopulationTest, ProductionTypeOwnershipAndContacts) {
  const std::set<std::string> types = {"discrete_mass", "discrete_small_batch", "process", "mixed"};
  const std::set<std::string> owners = {"state", "private",    "foreign",
                                        "hmt",   "collective", "other"};
  std::map<std::string, std::map<std::string, int64_t>> type_by_industry;
  std::map<std::string, int64_t> ownership;
  for (const auto& e : *population_) {
    ASSERT_TRUE(types.count(e.production_type)) << e.production_type;
    ASSERT_TRUE(owners.count(e.ownership)) << e.ownership;
    ++type_by_industry[e.industry_code][e.production_type];
    ++ownership[e.ownership];
    EXPECT_TRUE(StartsWith(e.address, "广东省")) << e.address;
    EXPECT_TRUE(e.address.ends_with("号") || e.address.ends_with("栋") ||
                e.address.ends_with("厂房"))
        << e.address;
    ASSERT_EQ(e.contact_phone.size(), 11u) << e.contact_phone;
    EXPECT_EQ(e.contact_phone[0], '1');
    EXPECT_TRUE(e.contact_phone[1] >= '3' && e.contact_phone[1] <= '9') << e.contact_phone;
    for (char c : e.contact_phone) EXPECT_TRUE(c >= '0' && c <= '9') << e.contact_phone;
    EXPECT_GE(e.contact_name.size(), 6u) << e.contact_name;  // two CJK characters at least
    const auto at = e.contact_email.find('@');
    ASSERT_NE(at, std::string::npos) << e.contact_email;
    EXPECT_GT(at, 0u);
    EXPECT_NE(e.contact_email.find('.', at), std::string::npos) << e.contact_email;
    for (char c : e.contact_email)
      EXPECT_TRUE(static_cast<unsigned char>(c) < 0x80) << e.contact_email;
  }
  auto type_share = [&](const std::string& code, const std::string& type) {
    int64_t total = 0;
    for (const auto& [t, n] : type_by_industry[code]) total += n;
    return total == 0
               ? 0.0
               : static_cast<double>(type_by_industry[code][type]) / static_cast<double>(total);
  };
  EXPECT_GT(type_share("26", "process"), 0.6);
  EXPECT_GT(type_share("39", "discrete_mass"), 0.55);
  EXPECT_GT(type_share("35", "discrete_small_batch"), 0.4);
  EXPECT_GT(ownership["private"], static_cast<int64_t>(population_->size() / 2));
  EXPECT_GT(ownership["hmt"], 0);
  EXPECT_GT(ownership["state"], 0);
}

TEST_F(PopulationTest, EdgeCases) {
  EXPECT_TRUE(GeneratePopulation(*units_, *industries_, {0, 1}).empty());
  EXPECT_TRUE(GeneratePopulation(*units_, *industries_, {-3, 1}).empty());
  EXPECT_TRUE(GeneratePopulation({}, *industries_, {10, 1}).empty());
  EXPECT_TRUE(GeneratePopulation(*units_, {}, {10, 1}).empty());
  EXPECT_EQ(GeneratePopulation(*units_, *industries_, {7, 1}).size(), 7u);
  const auto one = GeneratePopulation({{"440300", "深圳市", "珠三角", 0}}, *industries_, {50, 2});
  ASSERT_EQ(one.size(), 50u);
  for (const auto& e : one) EXPECT_EQ(e.unit_code, "440300");
}

TEST_F(PopulationTest, HundredThousandUnique) {
  const auto start = std::chrono::steady_clock::now();
  const auto big = GeneratePopulation(*units_, *industries_, {100000, 42});
  const auto elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ info     ] 100000 enterprises in " << elapsed << " s\n";
  ASSERT_EQ(big.size(), 100000u);
  std::set<std::string> usccs, names;
  for (const auto& e : big) {
    ASSERT_TRUE(usccs.insert(e.uscc).second) << e.uscc;
    ASSERT_TRUE(names.insert(e.name).second) << e.name;
  }
  EXPECT_TRUE(ValidateUscc(big.back().uscc).has_value());
}

}  // namespace
}  // namespace rongping::demo
