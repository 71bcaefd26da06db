#include "scoring/whatif.h"
#include "scoring/model_loading.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace rongping::scoring {
namespace {

const model::Model& Tiny() {
  static auto m = [] {
    std::ifstream in(std::string(RONGPING_SOURCE_DIR) + "/src/model/testdata/tiny.json");
    std::ostringstream ss;
    ss << in.rdbuf();
    return scoring::LoadModel(ss.str(), "tiny.json").model;
  }();
  return *m;
}

Answers Parse(const std::string& json) {
  auto p = ParseAnswers(Tiny(), json);
  EXPECT_TRUE(p.problems.empty());
  return p.answers;
}

TEST(WhatIf, AppliesChangesWithoutTouchingTheBase) {
  Answers a = Parse(R"({"plan":"A","pcs":0,"nc":0,"tools":["cad2d"],"mes":false})");
  auto before = Score(Tiny(), a, 0);
  // plan D: strategy 100, base = (100 + 0)/4 = 25 → +25*0.6 = +15 points.
  auto after = WhatIf(Tiny(), a, 0, {{0, 3}});
  EXPECT_DOUBLE_EQ(after.total - before.total, 15);
  EXPECT_EQ(a.values[0], 0);
}

TEST(PathToNextLevel, OneChangeWhenOneSuffices) {
  // core = 1 tool + no MES = 1; coverage needs 2. Adding a tool (effort 1)
  // or MES (effort 1) both work; the first in question order is kept.
  Answers a = Parse(R"({"plan":"A","pcs":0,"nc":0,"tools":["cad2d"],"mes":false})");
  auto path = PathToNextLevel(Tiny(), a, 0);
  ASSERT_TRUE(path.reachable);
  EXPECT_EQ(path.current_level, 0);
  EXPECT_EQ(path.target_level, 1);
  ASSERT_EQ(path.steps.size(), 1u);
  EXPECT_EQ(Tiny().questions[path.steps[0].question].id, "tools");
  EXPECT_DOUBLE_EQ(path.total_cost, 1);
  auto check = WhatIf(Tiny(), a, 0, {{path.steps[0].question, path.steps[0].to}});
  EXPECT_EQ(check.level, 1);
}

TEST(PathToNextLevel, CheapestPairWhenTwoAreNeeded) {
  // At coverage; integration needs control (nc) >= 50 and base >= 60.
  // nc to 80 (crossing two points, cost 2) gives equipment (0 + 2*100)/3 and
  // base (s + 200)/4, so strategy needs >= 40: plan B (effort 1). Cost 3;
  // every other pair costs more or fails.
  Answers a = Parse(R"({"plan":"A","pcs":0,"nc":0,"tools":["cad2d","cad3d"],"mes":true})");
  auto path = PathToNextLevel(Tiny(), a, 0);
  ASSERT_TRUE(path.reachable);
  EXPECT_EQ(path.target_level, 2);
  ASSERT_EQ(path.steps.size(), 2u);
  EXPECT_EQ(Tiny().questions[path.steps[0].question].id, "plan");
  EXPECT_EQ(path.steps[0].to, 1);  // option B
  EXPECT_EQ(Tiny().questions[path.steps[1].question].id, "nc");
  EXPECT_EQ(path.steps[1].to, 80);
  EXPECT_DOUBLE_EQ(path.total_cost, 3);
  // Counting changes instead of effort: still two changes.
  EXPECT_EQ(PathToNextLevel(Tiny(), a, 0, PathCost::kCount).steps.size(), 2u);
}

TEST(PathToNextLevel, NothingAboveTheTop) {
  Answers a = Parse(R"({"plan":"D","pcs":60,"nc":80,"tools":["cad2d","plm"],"mes":true})");
  auto path = PathToNextLevel(Tiny(), a, 0);
  EXPECT_EQ(path.current_level, 2);
  EXPECT_FALSE(path.reachable);
  EXPECT_TRUE(path.steps.empty());
}

TEST(PathToNextLevel, GreedyPathOnTheReferenceModelIsMinimalAndReaches) {
  auto m = scoring::ResolveModel("gbt23020-2013");
  ASSERT_TRUE(m);
  Answers a;
  for (const auto& q : (*m)->questions) {
    a.values.push_back(q.type == model::QuestionType::kSingle ? 0 : std::nan(""));
    a.texts.emplace_back();
  }
  auto path = PathToNextLevel(**m, a, 0);
  ASSERT_TRUE(path.reachable);
  std::vector<AnswerChange> changes;
  for (const auto& s : path.steps) changes.push_back({s.question, s.to});
  EXPECT_GE(WhatIf(**m, a, 0, changes).level, path.target_level);
  // Minimal: dropping any one step misses the level.
  for (size_t i = 0; i < changes.size(); ++i) {
    auto fewer = changes;
    fewer.erase(fewer.begin() + i);
    EXPECT_LT(WhatIf(**m, a, 0, fewer).level, path.target_level) << "step " << i;
  }
}

}  // namespace
}  // namespace rongping::scoring
