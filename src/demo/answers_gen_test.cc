#include "demo/answers_gen.h"

#include <cmath>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <unordered_map>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli/gen_command.h"
#include "core/size_class.h"
#include "importer/table.h"
#include "model/model.h"
#include "scoring/model_loading.h"
#include "scoring/scorer.h"

namespace rongping::demo {
namespace {

std::shared_ptr<const model::Model> LoadShipped(const std::string& id) {
  auto m = scoring::ResolveModel(id);
  EXPECT_TRUE(m.has_value()) << id;
  return m ? *m : nullptr;
}

std::vector<SyntheticEnterprise> Population(int64_t n, uint64_t seed) {
  return GeneratePopulation(ShippedGuangdongUnits(), ShippedIndustries(), {n, seed});
}

std::string IndustryGroupOf(const std::string& division) {
  static const std::map<std::string, std::string> groups = [] {
    std::map<std::string, std::string> out;
    for (const auto& i : ShippedIndustries()) out[i.code] = i.group;
    return out;
  }();
  auto it = groups.find(division);
  return it == groups.end() ? std::string() : it->second;
}

bool SameValue(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

int KeyIndex(const model::Model& m, const std::string& id) {
  for (size_t k = 0; k < m.key_indicators.size(); ++k) {
    if (m.key_indicators[k].id == id) return static_cast<int>(k);
  }
  ADD_FAILURE() << "no key indicator " << id;
  return -1;
}

struct Measured {
  std::vector<double> level_share;
  std::vector<double> key;  // share (0-100) or mean
  double mean_total = 0;
};

Measured Measure(const AnswerGenerator& gen, const std::vector<SyntheticEnterprise>& population,
                 int round, uint64_t seed) {
  const model::Model& m = gen.model();
  Measured out;
  out.level_share.assign(m.levels.size(), 0);
  std::vector<double> sum(m.key_indicators.size(), 0), n(m.key_indicators.size(), 0);
  double count = 0;
  for (const auto& e : population) {
    if (!gen.Applies(e)) continue;
    auto g = gen.Generate(e, round, seed);
    auto r = scoring::Score(m, g.answers, g.production_type);
    out.level_share[static_cast<size_t>(r.level)] += 1;
    out.mean_total += r.total;
    count += 1;
    for (size_t k = 0; k < r.key_indicators.size(); ++k) {
      if (std::isnan(r.key_indicators[k])) continue;
      sum[k] += r.key_indicators[k];
      n[k] += 1;
    }
  }
  for (auto& s : out.level_share) s = 100 * s / count;
  out.mean_total /= count;
  for (size_t k = 0; k < sum.size(); ++k) {
    out.key.push_back((m.key_indicators[k].share ? 100.0 : 1.0) * sum[k] / n[k]);
  }
  return out;
}

TEST(AnswersGen, SameSeedSameAnswersOtherSeedOthers) {
  auto m = LoadShipped("gbt23020-2013");
  ASSERT_TRUE(m);
  AnswerGenerator a(m), b(m);
  auto population = Population(200, 5);
  int differ = 0;
  for (const auto& e : population) {
    auto x = a.Generate(e, 1, 42);
    auto y = b.Generate(e, 1, 42);
    EXPECT_EQ(x.json, y.json);
    EXPECT_EQ(x.maturity, y.maturity);
    differ += a.Generate(e, 1, 43).json != x.json ? 1 : 0;
  }
  EXPECT_GT(differ, 190);
}

TEST(AnswersGen, AnswersParseAndCompleteOnesHaveNothingMissing) {
  for (const std::string id : {"gbt23020-2013", "sme-digital-2022"}) {
    auto m = LoadShipped(id);
    ASSERT_TRUE(m);
    AnswerGenerator gen(m);
    for (const auto& e : Population(250, 11)) {
      for (int round : {0, 2}) {
        for (double completeness : {1.0, 0.4}) {
          auto g = gen.Generate(e, round, 3, completeness);
          auto parsed = scoring::ParseAnswers(*m, g.json);
          ASSERT_TRUE(parsed.problems.empty())
              << id << " " << parsed.problems.front().question << ": "
              << parsed.problems.front().message << "\n"
              << g.json;
          ASSERT_EQ(parsed.answers.values.size(), g.answers.values.size());
          for (size_t qi = 0; qi < g.answers.values.size(); ++qi) {
            ASSERT_TRUE(SameValue(parsed.answers.values[qi], g.answers.values[qi]))
                << id << " " << m->questions[qi].id;
          }
          auto result = scoring::Score(*m, parsed.answers, g.production_type);
          if (completeness == 1.0) {
            EXPECT_TRUE(result.missing.empty()) << id << " " << result.missing.front();
            EXPECT_EQ(g.answered, g.applicable);
          } else {
            EXPECT_FALSE(result.missing.empty());
            EXPECT_LT(g.answered, g.applicable);
            EXPECT_GT(g.answered, 0u);
          }
        }
      }
    }
  }
}

// Generated submissions keep every error rule of both models, so that what
// the demo and `rongping gen` import is what a submission could be.
TEST(AnswersGen, CompleteAnswersKeepTheErrorRules) {
  for (const std::string id : {"gbt23020-2013", "sme-digital-2022"}) {
    auto m = LoadShipped(id);
    ASSERT_TRUE(m);
    ASSERT_FALSE(m->consistency_rules.empty()) << id;
    AnswerGenerator gen(m);
    size_t warned = 0;
    for (const auto& e : Population(2000, 17)) {
      auto g = gen.Generate(e, 0, 5);
      auto r = scoring::Score(*m, g.answers, g.production_type);
      for (int i : r.broken_rules) {
        ASSERT_FALSE(m->consistency_rules[i].error) << id << " breaks " << m->consistency_rules[i].id << "\n" << g.json;
        ++warned;
      }
    }
    EXPECT_GT(warned, 0u) << id << ": warnings are not repaired, some are expected";
  }
}

// On gbt23020-2013 every share that implies another never exceeds it, per
// enterprise and so in any cell of any breakdown: 管控集成 and 产供销集成
// need ERP, 智能制造就绪 needs both integrations.
TEST(AnswersGen, ImpliedKeyIndicatorsHoldPerEnterprise) {
  auto m = LoadShipped("gbt23020-2013");
  ASSERT_TRUE(m);
  AnswerGenerator gen(m);
  const int erp = KeyIndex(*m, "erp_rate"), control = KeyIndex(*m, "mgmt_control_integration_rate"),
            sps = KeyIndex(*m, "sps_integration_rate"), smart = KeyIndex(*m, "smart_mfg_readiness");
  for (const auto& e : Population(3000, 23)) {
    for (int round : {0, 2}) {
      auto g = gen.Generate(e, round, 7);
      auto r = scoring::Score(*m, g.answers, g.production_type);
      auto on = [&](int k) { return r.key_indicators[k] == 1; };
      if (on(control) || on(sps)) {
        EXPECT_TRUE(on(erp)) << g.json;
      }
      if (on(smart)) {
        EXPECT_TRUE(on(control) && on(sps)) << g.json;
      }
    }
  }
}

// The same on a population of 100,000, at the level an official reads it:
// in every cell of every breakdown of the data map (any combination of
// unit, industry division, industry group, size class, production type and
// ownership), no implied share is larger than the share implying it.
TEST(AnswersGen, ImpliedSharesHoldInEveryCellOfAHundredThousand) {
  auto m = LoadShipped("gbt23020-2013");
  ASSERT_TRUE(m);
  AnswerGenerator gen(m);
  const std::vector<std::pair<int, int>> implied = {
      {KeyIndex(*m, "mgmt_control_integration_rate"), KeyIndex(*m, "erp_rate")},
      {KeyIndex(*m, "sps_integration_rate"), KeyIndex(*m, "erp_rate")},
      {KeyIndex(*m, "smart_mfg_readiness"), KeyIndex(*m, "mgmt_control_integration_rate")},
      {KeyIndex(*m, "smart_mfg_readiness"), KeyIndex(*m, "sps_integration_rate")}};
  std::vector<int> keys;
  for (const auto& [lower, upper] : implied) keys.insert(keys.end(), {lower, upper});
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  // Per cell key: for each key indicator read, enterprises with a value and
  // with a yes.
  struct Counts {
    std::vector<int64_t> known, yes;
  };
  constexpr int kAttributes = 6;
  std::vector<std::map<std::string, uint64_t>> codes(kAttributes);
  std::unordered_map<uint64_t, Counts> cells;
  int64_t scored = 0;
  for (const auto& e : Population(100000, 31)) {
    if (!gen.Applies(e)) continue;
    auto g = gen.Generate(e, 0, 31);
    auto r = scoring::Score(*m, g.answers, g.production_type);
    ++scored;
    const std::string group = IndustryGroupOf(e.industry_code);
    const std::array<const std::string*, kAttributes> attributes = {
        &e.unit_code, &e.industry_code, &group, &e.production_type, &e.ownership, nullptr};
    const std::string size(SizeClassName(ClassifySize(e.employees, e.revenue_10k_yuan)));
    std::array<uint64_t, kAttributes> value{};
    for (int a = 0; a < kAttributes; ++a) {
      const std::string& v = a == kAttributes - 1 ? size : *attributes[a];
      value[a] = codes[a].try_emplace(v, codes[a].size() + 1).first->second;  // < 256 values each
    }
    for (uint64_t subset = 0; subset < (1u << kAttributes); ++subset) {
      uint64_t cell = subset;
      for (int a = 0; a < kAttributes; ++a) cell = cell << 8 | (subset >> a & 1 ? value[a] : 0);
      Counts& c = cells[cell];
      if (c.known.empty()) c.known.assign(keys.size(), 0), c.yes.assign(keys.size(), 0);
      for (size_t i = 0; i < keys.size(); ++i) {
        const double v = r.key_indicators[keys[i]];
        if (std::isnan(v)) continue;
        ++c.known[i];
        c.yes[i] += v == 1 ? 1 : 0;
      }
    }
  }
  ASSERT_GT(scored, 90000);
  auto at = [&](int key) { return static_cast<size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin()); };
  size_t checked = 0;
  for (const auto& [cell, c] : cells) {
    for (const auto& [lower, upper] : implied) {
      const size_t lo = at(lower), up = at(upper);
      if (c.known[lo] == 0 || c.known[up] == 0) continue;
      // yes[lo] / known[lo] <= yes[up] / known[up], without division.
      ASSERT_LE(static_cast<double>(c.yes[lo]) * static_cast<double>(c.known[up]),
                static_cast<double>(c.yes[up]) * static_cast<double>(c.known[lo]))
          << m->key_indicators[lower].id << " above " << m->key_indicators[upper].id << " in cell " << cell;
      ++checked;
    }
  }
  EXPECT_GT(cells.size(), 10000u);
  EXPECT_EQ(checked, cells.size() * implied.size());
}

TEST(AnswersGen, Gbt23020SharesAreRealistic) {
  auto m = LoadShipped("gbt23020-2013");
  ASSERT_TRUE(m);
  AnswerGenerator gen(m);
  auto population = Population(5000, 1);
  auto r0 = Measure(gen, population, 0, 1);
  ASSERT_EQ(r0.level_share.size(), 4u);
  const double integration_or_above = r0.level_share[2] + r0.level_share[3];
  EXPECT_GE(integration_or_above, 10);
  EXPECT_LE(integration_or_above, 20);
  EXPECT_GE(r0.level_share[3], 2);
  EXPECT_LE(r0.level_share[3], 5);
  const double nc = r0.key[KeyIndex(*m, "key_process_nc_rate")];
  EXPECT_GE(nc, 45);
  EXPECT_LE(nc, 55);
  const double rd = r0.key[KeyIndex(*m, "rd_tools_rate")];
  EXPECT_GE(rd, 55);
  EXPECT_LE(rd, 70);
  const double smart = r0.key[KeyIndex(*m, "smart_mfg_readiness")];
  EXPECT_GE(smart, 4);
  EXPECT_LE(smart, 9);

  // Later rounds: a little further along (on a part of the population, to
  // keep the test quick).
  population.resize(1500);
  auto first = Measure(gen, population, 0, 1);
  auto third = Measure(gen, population, 2, 1);
  EXPECT_GT(third.mean_total, first.mean_total);
  EXPECT_LT(third.mean_total, first.mean_total + 8);
  EXPECT_GT(third.level_share[2] + third.level_share[3], first.level_share[2] + first.level_share[3]);
}

// The published national figures of data/reference/national-indicators.csv,
// each within its stated tolerance, on a Guangdong-like population whose
// first round is the 2016 one (a figure of year Y is compared with round
// Y - 2016). The population's seed is not the one the shipped calibration
// was fitted on.
TEST(AnswersGen, GeneratedPopulationMatchesPublishedFigures) {
  auto table = importer::ReadCsv(kNationalIndicatorsCsv);
  ASSERT_TRUE(table.has_value());
  ASSERT_EQ(table->header, (std::vector<std::string>{"model", "indicator", "year", "value",
                                                     "tolerance", "scope", "source"}));
  ASSERT_GE(table->rows.size(), 8u);
  constexpr int kFirstYear = 2016;
  std::map<std::string, std::map<int, Measured>> measured;  // model -> round -> figures
  std::map<std::string, std::unique_ptr<AnswerGenerator>> generators;
  const auto population = Population(8000, 2);
  std::string report;
  int checked = 0;
  for (const auto& row : table->rows) {
    ASSERT_EQ(row.size(), 7u);
    const std::string& model_id = row[0];
    const std::string& indicator = row[1];
    const int year = std::stoi(row[2]);
    const double value = std::stod(row[3]), tolerance = std::stod(row[4]);
    EXPECT_GT(tolerance, 0) << indicator;
    EXPECT_FALSE(row[5].empty() || row[6].empty()) << indicator << ": scope and source are required";
    const int round = year - kFirstYear;
    ASSERT_GE(round, 0) << indicator << " " << year;
    auto& gen = generators[model_id];
    if (!gen) {
      auto m = LoadShipped(model_id);
      ASSERT_TRUE(m);
      gen = std::make_unique<AnswerGenerator>(m);
    }
    const model::Model& m = gen->model();
    auto [it, fresh] = measured[model_id].try_emplace(round);
    if (fresh) it->second = Measure(*gen, population, round, 2);
    const Measured& figures = it->second;
    double got = 0;
    if (indicator.rfind("level:", 0) == 0) {
      const std::string level = indicator.substr(6);
      auto at = std::find_if(m.levels.begin(), m.levels.end(),
                             [&](const auto& l) { return l.id == level; });
      ASSERT_NE(at, m.levels.end()) << "no level " << level << " in " << model_id;
      for (size_t l = static_cast<size_t>(at - m.levels.begin()); l < m.levels.size(); ++l) {
        got += figures.level_share[l];
      }
    } else {
      const int k = KeyIndex(m, indicator);
      ASSERT_GE(k, 0);
      got = figures.key[static_cast<size_t>(k)];
    }
    report += fmt::format("{:<28} {} published {:5.1f} generated {:5.1f} (± {})\n", indicator,
                          year, value, got, tolerance);
    EXPECT_NEAR(got, value, tolerance) << model_id << " " << indicator << " " << year;
    ++checked;
  }
  std::cout << report;
  EXPECT_EQ(checked, static_cast<int>(table->rows.size()));
}

TEST(AnswersGen, SmeLevelsSpreadMostlyLevelOneAndTwo) {
  auto m = LoadShipped("sme-digital-2022");
  ASSERT_TRUE(m);
  AnswerGenerator gen(m);
  auto r = Measure(gen, Population(3000, 1), 0, 1);
  ASSERT_EQ(r.level_share.size(), 5u);  // 未达一级, 一级 .. 四级
  for (size_t l = 1; l < 5; ++l) EXPECT_GT(r.level_share[l], 1) << l;
  EXPECT_GT(r.level_share[1] + r.level_share[2], 55);
  EXPECT_GT(r.level_share[1], r.level_share[3]);
  EXPECT_GT(r.level_share[2], r.level_share[3]);
  EXPECT_GT(r.level_share[3], r.level_share[4]);
}

TEST(AnswersGen, LargerEnterprisesAndLaterRoundsAreFurtherAlong) {
  auto m = LoadShipped("gbt23020-2013");
  ASSERT_TRUE(m);
  AnswerGenerator gen(m);
  double large = 0, small = 0, n_large = 0, n_small = 0, r0 = 0, r2 = 0;
  for (const auto& e : Population(3000, 9)) {
    const double latent = gen.Maturity(e, 0, 9);
    r0 += latent;
    r2 += gen.Maturity(e, 2, 9);
    if (e.employees >= 1000) {
      large += latent;
      ++n_large;
    } else if (e.employees < 100) {
      small += latent;
      ++n_small;
    }
  }
  ASSERT_GT(n_large, 0);
  ASSERT_GT(n_small, 0);
  EXPECT_GT(large / n_large, small / n_small + 0.5);
  EXPECT_GT(r2, r0);
}

TEST(AnswersGen, QuestionLevelsFollowTheLevelRules) {
  auto m = LoadShipped("gbt23020-2013");
  ASSERT_TRUE(m);
  AnswerGenerator gen(m);
  const auto& levels = gen.question_levels();
  EXPECT_EQ(levels[m->QuestionIndex("rd_digital_depth")], 1);
  EXPECT_EQ(levels[m->QuestionIndex("erp_mes_integration")], 2);
  EXPECT_EQ(levels[m->QuestionIndex("networked_collab_level")], 3);
  EXPECT_EQ(levels[m->QuestionIndex("it_planning")], 1);  // no rule reads it
}

TEST(AnswersGen, AnswersToJsonOmitsUnanswered) {
  auto m = LoadShipped("gbt23020-2013");
  ASSERT_TRUE(m);
  scoring::Answers a;
  a.values.assign(m->questions.size(), std::nan(""));
  a.texts.assign(m->questions.size(), {});
  EXPECT_EQ(AnswersToJson(*m, a), "{}");
  a.values[m->QuestionIndex("it_planning")] = 2;
  a.values[m->QuestionIndex("nc_rate")] = 47.5;
  a.values[m->QuestionIndex("service_mfg")] = 0;
  a.values[m->QuestionIndex("security_measures")] = 1 + 8;
  EXPECT_EQ(AnswersToJson(*m, a),
            R"({"it_planning":"C","security_measures":["firewall","backup"],"nc_rate":47.5,)"
            R"("service_mfg":false})");
}

TEST(GenCommand, WritesBothFilesAndRejectsBadUsage) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rongping_gen_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(cli::GenCommand(-1, 1, 1, dir.string(), ""), 2);
  EXPECT_EQ(cli::GenCommand(10, -1, 1, dir.string(), ""), 2);
  EXPECT_EQ(cli::GenCommand(10, 1, 1, dir.string(), "no-such-model"), 2);
  ASSERT_EQ(cli::GenCommand(50, 2, 1, (dir / "out").string(), ""), 0);
  auto lines = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::string line;
    std::vector<std::string> out;
    while (std::getline(in, line)) out.push_back(line);
    return out;
  };
  auto csv = lines(dir / "out" / "enterprises.csv");
  ASSERT_EQ(csv.size(), 51u);
  EXPECT_EQ(csv[0],
            "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan,"
            "ownership,address,contact_name,contact_phone,contact_email");
  auto jsonl = lines(dir / "out" / "assessments.jsonl");
  ASSERT_EQ(jsonl.size(), 100u);
  EXPECT_NE(jsonl[0].find(R"("round":"gd-2016")"), std::string::npos);
  EXPECT_NE(jsonl[99].find(R"("round":"gd-2017")"), std::string::npos);
  EXPECT_NE(jsonl[0].find(R"("model":"gbt23020-2013")"), std::string::npos);
  EXPECT_NE(jsonl[0].find(R"("updated_at":"2016-)"), std::string::npos);
  // A file where the directory should be: cannot write.
  std::ofstream(dir / "file").put('x');
  EXPECT_EQ(cli::GenCommand(5, 1, 1, (dir / "file").string(), ""), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rongping::demo
