// Golden cases on a small model with the arithmetic written out, and
// property tests over random answers on the shipped models.
#include "scoring/scorer.h"
#include "scoring/model_loading.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rongping::scoring {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const model::Model> Tiny() {
  static auto m = [] {
    auto outcome = scoring::LoadModel(
        ReadFile(std::string(RONGPING_SOURCE_DIR) + "/src/model/testdata/tiny.json"), "tiny.json");
    EXPECT_TRUE(outcome.model) << (outcome.problems.empty() ? "" : outcome.problems[0]);
    return outcome.model;
  }();
  return m;
}

ScoreResult ScoreJson(const model::Model& m, const std::string& json, const std::string& type) {
  auto parsed = ParseAnswers(m, json);
  EXPECT_TRUE(parsed.problems.empty()) << parsed.problems[0].message;
  return Score(m, parsed.answers, ProductionTypeIndex(type));
}

// The tiny model with two consistency rules: a PLM tool needs MES (error),
// a high NC rate a plan (warning).
std::shared_ptr<const model::Model> TinyWithRules() {
  static auto m = [] {
    auto j = nlohmann::json::parse(ReadFile(std::string(RONGPING_SOURCE_DIR) + "/src/model/testdata/tiny.json"));
    j["consistency_rules"] = nlohmann::json::parse(R"J([
      {"id":"plm_needs_mes","severity":"error","message":"勾选了PLM，但未使用MES","questions":["tools","mes"],
       "expr":"not selected(tools, 'plm') or mes"},
      {"id":"nc_needs_plan","severity":"warning","message":"数控化率高但没有规划","questions":["nc","plan"],
       "expr":"nc < 80 or at_least(plan, 'B')"}])J");
    auto outcome = scoring::LoadModel(j.dump(), "tiny-rules.json");
    EXPECT_TRUE(outcome.model) << (outcome.problems.empty() ? "" : outcome.problems[0]);
    return outcome.model;
  }();
  return m;
}

TEST(Consistency, RulesAreCheckedOnceTheirQuestionsAreAnswered) {
  const auto& m = *TinyWithRules();
  auto broken = [&](const std::string& json, const std::string& type = "discrete_mass") {
    return ScoreJson(m, json, type).broken_rules;
  };
  EXPECT_EQ(broken(R"({"tools":["plm"],"mes":false})"), std::vector<int>{0});
  EXPECT_EQ(broken(R"({"tools":["plm"],"mes":true})"), std::vector<int>{});
  EXPECT_EQ(broken(R"({"tools":["plm"]})"), std::vector<int>{});  // mes not answered yet: not checked
  EXPECT_EQ(broken(R"({"nc":90,"plan":"A","tools":["plm"],"mes":false})"), (std::vector<int>{0, 1}));
  // nc does not apply to process enterprises: the warning is not checked.
  EXPECT_EQ(broken(R"({"nc":90,"plan":"A"})", "process"), std::vector<int>{});
  auto r = ScoreJson(m, R"({"nc":90,"plan":"A"})", "discrete_mass");
  EXPECT_FALSE(r.HasInconsistency(m));  // a warning only
  r = ScoreJson(m, R"({"tools":["plm"],"mes":false})", "discrete_mass");
  EXPECT_TRUE(r.HasInconsistency(m));
}

// A text question is applicable by its applies_if alone (its answer is
// text, never a value): a required one is missing where it applies and not
// elsewhere.
TEST(Scoring, ARequiredTextQuestionIsMissingWhereItApplies) {
  auto j = nlohmann::json::parse(ReadFile(std::string(RONGPING_SOURCE_DIR) + "/src/model/testdata/tiny.json"));
  for (auto& q : j["questions"]) {
    if (q["id"] == "note") {
      q["required"] = true;
      q["applies_if"] = "production_type == 'process'";
    }
  }
  auto outcome = scoring::LoadModel(j.dump(), "tiny-note.json");
  ASSERT_TRUE(outcome.model) << outcome.problems[0];
  const auto& m = *outcome.model;
  auto process = ScoreJson(m, R"({"plan":"C","pcs":20,"ac":10,"tools":["cad2d"],"mes":true})", "process");
  EXPECT_TRUE(process.questions[6].applicable);
  EXPECT_EQ(process.missing, std::vector<std::string>{"note"});
  auto discrete = ScoreJson(m, R"({"plan":"C","pcs":20,"nc":65,"tools":["cad2d"],"mes":true})", "discrete_mass");
  EXPECT_FALSE(discrete.questions[6].applicable);
  EXPECT_TRUE(discrete.missing.empty());
  auto answered = ScoreJson(m, R"({"plan":"C","pcs":20,"ac":10,"tools":["cad2d"],"mes":true,"note":"有"})", "process");
  EXPECT_TRUE(answered.missing.empty());
}

TEST(ScoringGolden, DiscreteEnterpriseReachesIntegration) {
  auto r = ScoreJson(*Tiny(), R"({"plan":"C","pcs":20,"nc":65,"ac":10,"tools":["cad2d","plm"],"mes":true})",
                     "discrete_mass");
  // plan C = 70. pcs 20 lies between (10,30) and (30,70): 30 + 40*(20-10)/20 = 50.
  // nc 65 between (50,60) and (80,100): 60 + 40*15/30 = 80. ac does not apply.
  // tools cad2d+plm = 30+50 = 80. mes yes = 100.
  EXPECT_DOUBLE_EQ(r.questions[0].score, 70);
  EXPECT_DOUBLE_EQ(r.questions[1].score, 50);
  EXPECT_DOUBLE_EQ(r.questions[2].score, 80);
  EXPECT_TRUE(std::isnan(r.questions[3].score));
  EXPECT_FALSE(r.questions[3].applicable);
  EXPECT_DOUBLE_EQ(r.questions[4].score, 80);
  EXPECT_DOUBLE_EQ(r.questions[5].score, 100);
  // strategy = 70; equipment = (50*1 + 80*2)/3 = 70; base = (70*1 + 70*3)/4 = 70.
  // apps_ind = (80*1 + 100*3)/4 = 95; apps = 95. total = (70*60 + 95*40)/100 = 80.
  EXPECT_DOUBLE_EQ(r.indicators[0], 70);
  EXPECT_DOUBLE_EQ(r.indicators[1], 70);
  EXPECT_DOUBLE_EQ(r.dimensions[0], 70);
  EXPECT_DOUBLE_EQ(r.dimensions[1], 95);
  EXPECT_DOUBLE_EQ(r.total, 80);
  // core = 2 tools + mes = 3 >= 2; control = nc = 65 >= 50 and base 70 >= 60.
  EXPECT_EQ(r.level, 2);
  // nc's share of the total: (2/3 within equipment) * (3/4 within base) *
  // (60/100) = 0.3, so 80 * 0.3 = 24 of at most 30 points.
  EXPECT_DOUBLE_EQ(r.questions[2].contribution, 24);
  EXPECT_DOUBLE_EQ(r.questions[2].max_contribution, 30);
  double sum = 0;
  for (const auto& q : r.questions) sum += q.contribution;
  EXPECT_NEAR(sum, r.total, 1e-9);
  EXPECT_EQ(r.key_indicators[0], 1.0);
  EXPECT_DOUBLE_EQ(r.key_indicators[1], 65);
  EXPECT_TRUE(r.missing.empty());
}

TEST(ScoringGolden, ProcessEnterpriseUsesAutomaticControl) {
  auto r = ScoreJson(*Tiny(), R"({"plan":"A","pcs":0,"nc":90,"ac":40,"tools":["none"],"mes":false})",
                     "process");
  // nc does not apply to 流程型 and is left out: equipment = (0*1 + 40*1)/2 = 20.
  // base = (0*1 + 20*3)/4 = 15; apps = (0 + 0)/4 = 0; total = 15*0.6 = 9.
  EXPECT_DOUBLE_EQ(r.indicators[1], 20);
  EXPECT_DOUBLE_EQ(r.dimensions[0], 15);
  EXPECT_DOUBLE_EQ(r.total, 9);
  EXPECT_EQ(r.level, 0);  // core = 0
  EXPECT_EQ(r.key_indicators[0], 0.0);
  EXPECT_DOUBLE_EQ(r.key_indicators[1], 40);
}

TEST(ScoringGolden, StageBoundaries) {
  const auto& m = *Tiny();
  // coverage needs core >= 2: one tool and MES make exactly 2.
  EXPECT_EQ(ScoreJson(m, R"({"plan":"A","pcs":0,"nc":0,"tools":["cad2d"],"mes":true})", "mixed").level,
            1);
  EXPECT_EQ(ScoreJson(m, R"({"plan":"A","pcs":0,"nc":0,"tools":["cad2d"],"mes":false})", "mixed").level,
            0);
  // integration needs control >= 50 and base >= 60. plan C = 70; pcs 25 scores
  // 30 + 40*15/20 = 60; nc 50 scores 60: equipment = (60 + 2*60)/3 = 60,
  // base = (70 + 3*60)/4 = 62.5, control = 50 exactly.
  auto at = ScoreJson(m, R"({"plan":"C","pcs":25,"nc":50,"tools":["cad2d"],"mes":true})", "mixed");
  EXPECT_DOUBLE_EQ(at.dimensions[0], 62.5);
  EXPECT_EQ(at.level, 2);
  // nc 49.9: control below 50, so coverage only.
  EXPECT_EQ(ScoreJson(m, R"({"plan":"C","pcs":25,"nc":49.9,"tools":["cad2d"],"mes":true})", "mixed")
                .level,
            1);
  // plan B = 40: base = (40 + 180)/4 = 55 < 60, so coverage only.
  EXPECT_EQ(
      ScoreJson(m, R"({"plan":"B","pcs":25,"nc":50,"tools":["cad2d"],"mes":true})", "mixed").level, 1);
  // A stage is cumulative: integration's rule holds but coverage's does not.
  EXPECT_EQ(ScoreJson(m, R"({"plan":"D","pcs":60,"nc":80,"tools":["none"],"mes":false})", "mixed").level,
            0);
}

TEST(ScoringGolden, DraftsScoreWhatIsThereAndListWhatIsMissing) {
  auto r = ScoreJson(*Tiny(), R"({"pcs":60,"mes":true})", "discrete_mass");
  // Unanswered applicable questions score 0: equipment = (100 + 0)/3,
  // base = (0 + 100)/4 = 25; apps = 300/4 = 75; total = 15 + 30 = 45.
  EXPECT_DOUBLE_EQ(r.dimensions[0], 25);
  EXPECT_DOUBLE_EQ(r.total, 45);
  EXPECT_EQ(r.missing, (std::vector<std::string>{"plan", "nc", "tools"}));
}

TEST(ParseAnswers, RejectsEveryKindOfBadAnswer) {
  const auto& m = *Tiny();
  auto p = ParseAnswers(m, R"({"plan":"E","pcs":-1,"nc":"50","tools":["cad2d","none"],
      "mes":1,"note":"一二三四五六七八九十一二三四五六七八九十一","bogus":1,"ac":"x"})");
  std::map<std::string, std::string> by_question;
  for (const auto& x : p.problems) by_question[x.question] = x.message;
  EXPECT_EQ(by_question.size(), 8u) << p.problems.size();
  EXPECT_NE(by_question["plan"].find("没有选项"), std::string::npos);
  EXPECT_NE(by_question["pcs"].find("0 至 1000"), std::string::npos);
  EXPECT_NE(by_question["nc"].find("数值"), std::string::npos);
  EXPECT_NE(by_question["tools"].find("不能与其他选项"), std::string::npos);
  EXPECT_NE(by_question["mes"].find("true"), std::string::npos);
  EXPECT_NE(by_question["note"].find("20"), std::string::npos);
  EXPECT_NE(by_question["bogus"].find("未知的题目"), std::string::npos);
  EXPECT_TRUE(by_question.count("ac"));
  EXPECT_FALSE(ParseAnswers(m, "[1,2]").problems.empty());
  EXPECT_FALSE(ParseAnswers(m, R"({"pcs": NaN})").problems.empty());
  EXPECT_FALSE(ParseAnswers(m, R"({"pcs": 1e400})").problems.empty());
}

// Random complete answers for any model, deterministic for a seed.
std::vector<double> RandomAnswers(const model::Model& m, std::mt19937_64& rng) {
  std::vector<double> values;
  for (const auto& q : m.questions) {
    std::uniform_real_distribution<double> u(0, 1);
    switch (q.type) {
      case model::QuestionType::kSingle:
        values.push_back(static_cast<double>(rng() % q.options.size()));
        break;
      case model::QuestionType::kMultiple: {
        uint64_t bits = 0;
        for (size_t i = 0; i < q.options.size(); ++i) {
          if (!q.options[i].exclusive && rng() % 2) bits |= uint64_t{1} << i;
        }
        values.push_back(static_cast<double>(bits));
        break;
      }
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent: {
        double hi = std::min(q.max, q.points.back().first * 1.5);
        values.push_back(std::round((q.min + u(rng) * (hi - q.min)) * 10) / 10);
        break;
      }
      case model::QuestionType::kYesNo: values.push_back(static_cast<double>(rng() % 2)); break;
      case model::QuestionType::kText: values.push_back(std::nan("")); break;
    }
  }
  return values;
}

class ShippedModels : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedModels, PropertiesHoldOverRandomAnswers) {
  auto m = scoring::ResolveModel(GetParam());
  ASSERT_TRUE(m) << m.error().message;
  const model::Model& model = **m;
  std::mt19937_64 rng(20161);
  const int kCases = 300;
  std::vector<std::vector<double>> columns(model.questions.size());
  std::vector<int> types;
  std::vector<ScoreResult> singles;
  for (int c = 0; c < kCases; ++c) {
    Answers a{RandomAnswers(model, rng), std::vector<std::string>(model.questions.size())};
    int type = static_cast<int>(rng() % model::ProductionTypes().size());
    auto r = Score(model, a, type);
    ASSERT_GE(r.total, 0);
    ASSERT_LE(r.total, 100);
    // Identical on a second run.
    auto again = Score(model, a, type);
    ASSERT_EQ(std::memcmp(&r.total, &again.total, sizeof(double)), 0);
    // Improving any single answer never lowers the total or the stage.
    for (size_t q = 0; q < model.questions.size(); ++q) {
      const auto& question = model.questions[q];
      if (!question.scored()) continue;
      Answers better = a;
      better.values[q] = BestAnswer(question);
      auto rb = Score(model, better, type);
      ASSERT_GE(rb.total, r.total - 1e-9) << "question " << question.id;
      ASSERT_GE(rb.level, r.level) << "question " << question.id;
    }
    for (size_t q = 0; q < model.questions.size(); ++q) columns[q].push_back(a.values[q]);
    types.push_back(type);
    singles.push_back(std::move(r));
  }
  // Batch on 1 and 2 threads is bit-identical to scoring one by one.
  for (int threads : {1, 2}) {
    auto batch = ScoreBatch(model, columns, types, threads);
    for (int c = 0; c < kCases; ++c) {
      ASSERT_EQ(std::memcmp(&batch.totals[c], &singles[c].total, sizeof(double)), 0);
      ASSERT_EQ(batch.levels[c], singles[c].level);
    }
  }
}

TEST_P(ShippedModels, BestAnswersReachTheTopLevelAndWorstStayAtTheFirst) {
  auto m = scoring::ResolveModel(GetParam());
  ASSERT_TRUE(m);
  Answers best, none;
  for (const auto& q : (*m)->questions) {
    best.values.push_back(BestAnswer(q));
    none.values.push_back(std::nan(""));
  }
  best.texts.resize(best.values.size());
  none.texts.resize(none.values.size());
  auto top = Score(**m, best, 0);
  EXPECT_EQ(top.level, static_cast<int>((*m)->levels.size()) - 1);
  EXPECT_DOUBLE_EQ(top.total, 100);
  auto bottom = Score(**m, none, 0);
  EXPECT_EQ(bottom.level, 0);
  EXPECT_DOUBLE_EQ(bottom.total, 0);
  EXPECT_FALSE(bottom.missing.empty());
}

INSTANTIATE_TEST_SUITE_P(All, ShippedModels, ::testing::ValuesIn([] {
                           std::vector<std::string> ids;
                           for (const auto& [id, text] : model::BuiltinModelFiles()) {
                             ids.emplace_back(id);
                           }
                           return ids;
                         }()));

}  // namespace
}  // namespace rongping::scoring
