#include "scoring/stored_answers.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "scoring/model_loading.h"

namespace rongping::scoring {
namespace {

std::shared_ptr<const model::Model> Tiny() {
  static auto m = [] {
    std::ifstream in(std::string(RONGPING_SOURCE_DIR) + "/src/model/testdata/tiny.json");
    std::ostringstream ss;
    ss << in.rdbuf();
    return scoring::LoadModel(ss.str(), "tiny.json").model;
  }();
  return m;
}

TEST(ScoreStored, EqualsParsingAndScoringAndIsMadeOncePerAnswers) {
  const model::Model& m = *Tiny();
  const std::string answers = R"({"plan":"B","pcs":40,"nc":10,"tools":["cad2d"],"mes":true})";
  const auto direct = Score(m, ParseAnswers(m, answers).answers, ProductionTypeIndex("discrete_mass"));
  auto stored = ScoreStored(m, "discrete_mass", answers);
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->total, direct.total);
  EXPECT_EQ(stored->level, direct.level);
  EXPECT_EQ(stored->missing, direct.missing);
  EXPECT_EQ(ScoreStored(m, "discrete_mass", answers), stored);  // kept
  // Other answers, or the same answers under another production type, are
  // other keys.
  auto other = ScoreStored(m, "discrete_mass", R"({"plan":"D","pcs":40,"nc":10,"tools":["cad2d"],"mes":true})");
  EXPECT_NE(other, stored);
  EXPECT_GT(other->total, stored->total);
  EXPECT_NE(AnswersDigest(m, "process", answers), AnswersDigest(m, "discrete_mass", answers));
  EXPECT_NE(AnswersDigest(m, "discrete_mass", answers + " "), AnswersDigest(m, "discrete_mass", answers));
  EXPECT_EQ(AnswersDigest(m, "discrete_mass", answers).size(), 32u);
}

}  // namespace
}  // namespace rongping::scoring
