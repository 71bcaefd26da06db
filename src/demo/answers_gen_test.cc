#include "demo/answers_gen.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/gen_command.h"
#include "model/model.h"
#include "scoring/scorer.h"

namespace rongping::demo {
namespace {

std::shared_ptr<const model::Model> LoadShipped(const std::string& id) {
  auto m = model::ResolveModel(id);
  EXPECT_TRUE(m.has_value()) << id;
  return m ? *m : nullptr;
}

std::vector<SyntheticEnterprise> Population(int64_t n, uint64_t seed) {
  return GeneratePopulation(ShippedGuangdongUnits(), ShippedIndustries(), {n, seed});
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
      if (on(control) || on(sps)) EXPECT_TRUE(on(erp)) << g.json;
      if (on(smart)) EXPECT_TRUE(on(control) && on(sps)) << g.json;
    }
  }
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
