#include "scoring/stored_answers.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <sodium.h>

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

TEST(AnswersDigest, IsTheSha256OfTheModelHashProductionTypeAndAnswersEachEndedByUnitSeparator) {
  const model::Model& m = *Tiny();
  const std::string answers = R"({"plan":"B","pcs":40,"nc":10,"tools":["cad2d"],"mes":true})";
  const std::string joined = m.hash + "\x1f" + "process" + "\x1f" + answers + "\x1f";
  std::string expected(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(expected.data()),
                     reinterpret_cast<const unsigned char*>(joined.data()), joined.size());
  EXPECT_EQ(AnswersDigest(m, "process", answers), expected);
  const std::string big(100000, 'x');  // many blocks
  const std::string joined_big = m.hash + "\x1f\x1f" + big + "\x1f";
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(expected.data()),
                     reinterpret_cast<const unsigned char*>(joined_big.data()), joined_big.size());
  EXPECT_EQ(AnswersDigest(m, "", big), expected);
}

}  // namespace
}  // namespace rongping::scoring
