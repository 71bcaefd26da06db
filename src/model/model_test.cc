// The model loader and validator: the small test model loads, and each of
// the broken variants below is rejected with the right message and path.
#include "model/model.h"
#include "scoring/model_loading.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rongping::model {
namespace {

using Json = nlohmann::ordered_json;

std::string TinyText() {
  std::ifstream in(std::string(RONGPING_SOURCE_DIR) + "/src/model/testdata/tiny.json");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ModelLoader, LoadsTheTinyModelWithSlotsAndHash) {
  auto outcome = scoring::LoadModel(TinyText(), "tiny.json");
  ASSERT_TRUE(outcome.model) << outcome.problems.front();
  const Model& m = *outcome.model;
  EXPECT_EQ(m.questions.size(), 7u);
  EXPECT_EQ(m.indicators.size(), 3u);
  EXPECT_EQ(m.levels.size(), 3u);
  EXPECT_EQ(m.hash.size(), 64u);
  EXPECT_EQ(m.questions[2].indicator, 1);
  EXPECT_DOUBLE_EQ(m.questions[2].weight, 2);
  EXPECT_FALSE(m.questions[6].scored());
  // The hash is of the bytes: a changed byte changes it.
  std::string changed = TinyText();
  changed.back() = ' ';
  changed += "\n";
  EXPECT_NE(scoring::LoadModel(changed, "x").model->hash, m.hash);
}

// One consistency rule, as the model format has it.
Json Rules(const char* severity, const char* expr, std::vector<const char*> questions) {
  Json list = Json::array();
  for (const char* q : questions) list.push_back(q);
  return Json::array({{{"id", "r1"}, {"severity", severity}, {"message", "前后矛盾"}, {"questions", list}, {"expr", expr}}});
}

struct Broken {
  const char* name;
  std::function<void(Json&)> mutate;
  const char* expected_path;     // substring of the problem's JSON path
  const char* expected_message;  // substring of the problem's message
};

void PrintTo(const Broken& b, std::ostream* os) { *os << b.name; }

class BrokenModels : public ::testing::TestWithParam<Broken> {};

TEST_P(BrokenModels, AreRejectedWithThePathAndReason) {
  Json j = Json::parse(TinyText());
  GetParam().mutate(j);
  auto outcome = scoring::LoadModel(j.dump(), "broken.json");
  ASSERT_FALSE(outcome.model) << GetParam().name;
  bool found = false;
  std::string all;
  for (const auto& p : outcome.problems) {
    all += p + "\n";
    found = found || (p.find(GetParam().expected_path) != std::string::npos &&
                      p.find(GetParam().expected_message) != std::string::npos);
  }
  EXPECT_TRUE(found) << GetParam().name << " gave:\n" << all;
  for (const auto& p : outcome.problems) EXPECT_EQ(p.rfind("broken.json: ", 0), 0u) << p;
}

Json& Q(Json& j, int i) { return j["questions"][i]; }

INSTANTIATE_TEST_SUITE_P(
    All, BrokenModels,
    ::testing::Values(
        Broken{"wrong_format", [](Json& j) { j["format"] = "other/2"; }, "/format", "不支持的模型格式"},
        Broken{"rule_bad_severity", [](Json& j) { j["consistency_rules"] = Rules("fatal", "mes or not selected(tools, 'plm')", {"mes", "tools"}); },
               "/consistency_rules/0/severity", "error"},
        Broken{"rule_unknown_question", [](Json& j) { j["consistency_rules"] = Rules("error", "mes", {"mes", "nope"}); },
               "/consistency_rules/0/questions/1", "题目标识"},
        Broken{"rule_text_question", [](Json& j) { j["consistency_rules"] = Rules("error", "mes", {"mes", "note"}); },
               "/consistency_rules/0/questions/1", "文本题"},
        Broken{"rule_reads_an_unlisted_question", [](Json& j) { j["consistency_rules"] = Rules("error", "mes or nc > 50", {"mes"}); },
               "/consistency_rules/0/questions", "nc"},
        Broken{"rule_without_questions", [](Json& j) { j["consistency_rules"] = Rules("error", "true", {}); },
               "/consistency_rules/0/questions", "至少"},
        Broken{"rule_not_bool", [](Json& j) { j["consistency_rules"] = Rules("error", "nc + 1", {"nc"}); },
               "/consistency_rules/0/expr", "布尔"},
        Broken{"missing_id", [](Json& j) { j.erase("id"); }, "/", "缺少字段 id"},
        Broken{"bad_model_id", [](Json& j) { j["id"] = "Bad Id"; }, "/id", "模型标识"},
        Broken{"duplicate_question", [](Json& j) { Q(j, 1)["id"] = "plan"; }, "/questions/1/id", "重复"},
        Broken{"unknown_section", [](Json& j) { Q(j, 0)["section"] = "s9"; }, "/questions/0/section",
               "未知的部分"},
        Broken{"option_without_score", [](Json& j) { Q(j, 0)["options"][1].erase("score"); },
               "/questions/0/options/1", "缺少分值"},
        Broken{"option_score_out_of_range", [](Json& j) { Q(j, 0)["options"][3]["score"] = 120; },
               "/questions/0/options/3/score", "0 至 100"},
        Broken{"duplicate_option", [](Json& j) { Q(j, 0)["options"][1]["id"] = "A"; },
               "/questions/0/options/1/id", "重复"},
        Broken{"points_not_increasing", [](Json& j) { Q(j, 1)["points"][2][0] = 5; },
               "/questions/1/points/2", "严格递增"},
        Broken{"unknown_type", [](Json& j) { Q(j, 5)["type"] = "slider"; }, "/questions/5/type",
               "未知的题型"},
        Broken{"cap_unreachable", [](Json& j) { Q(j, 4)["cap"] = 200; }, "/questions/4/options",
               "拿不到满分"},
        Broken{"number_min_above_max", [](Json& j) { Q(j, 1)["min"] = 2000; }, "/questions/1/max",
               "max 应大于 min"},
        Broken{"unknown_question_in_indicator",
               [](Json& j) { j["dimensions"][0]["indicators"][0]["questions"][0] = "plann"; },
               "/dimensions/0/indicators/0/questions/0", "未知的题目"},
        Broken{"question_in_two_indicators",
               [](Json& j) { j["dimensions"][1]["indicators"][0]["questions"].push_back("plan"); },
               "/dimensions/1/indicators/0/questions/2", "只能属于一个指标"},
        Broken{"question_in_no_indicator",
               [](Json& j) { j["dimensions"][1]["indicators"][0]["questions"].erase(1); },
               "/questions/5", "不属于任何指标"},
        Broken{"zero_weight", [](Json& j) { j["dimensions"][1]["weight"] = 0; }, "/dimensions/1/weight",
               "权重应为正数"},
        Broken{"typo_key", [](Json& j) { j["dimensions"][0]["wieght"] = 3; }, "/dimensions/0",
               "未知字段“wieght”"},
        Broken{"unknown_name_in_rule",
               [](Json& j) { j["levels"]["rules"]["coverage"] = "cores >= 2"; },
               "/levels/rules/coverage", "未知的名称"},
        Broken{"rule_not_boolean", [](Json& j) { j["levels"]["rules"]["coverage"] = "core + 2"; },
               "/levels/rules/coverage", "布尔"},
        Broken{"unknown_option_in_expression",
               [](Json& j) {
                 j["key_indicators"][0]["expr"] = "selected(tools, 'cad4d')";
               },
               "/key_indicators/0/expr", "cad4d"},
        Broken{"derived_cycle",
               [](Json& j) {
                 j["derived"][0]["expr"] = "control + 1";
                 j["derived"][1]["expr"] = "core";
               },
               "/derived/", "循环引用"},
        Broken{"unreachable_level",
               [](Json& j) { j["levels"]["rules"]["integration"] = "control >= 101"; }, "/levels",
               "不可达"},
        Broken{"first_level_with_rule",
               [](Json& j) { j["levels"]["rules"]["starting"] = "true"; },
               "/levels/rules/starting", "起点"},
        Broken{"level_without_rule", [](Json& j) { j["levels"]["rules"].erase("integration"); },
               "/levels/rules", "缺少规则"},
        Broken{"applicability_reads_answers",
               [](Json& j) { Q(j, 3)["applies_if"] = "mes"; }, "/questions/3/applies_if",
               "适用条件只能引用 production_type"},
        Broken{"advice_for_unknown_indicator",
               [](Json& j) { j["recommendations"]["indicators"]["strategyy"] = "x"; },
               "/recommendations/indicators/strategyy", "未知的标识"},
        Broken{"aggregate_mismatch", [](Json& j) { j["key_indicators"][1]["aggregate"] = "share"; },
               "/key_indicators/1/aggregate", "汇总"},
        Broken{"unknown_production_type",
               [](Json& j) { j["applies_to"]["production_types"] = Json::array({"batch"}); },
               "/applies_to/production_types/0", "未知的生产类型"},
        Broken{"text_question_in_indicator",
               [](Json& j) { j["dimensions"][0]["indicators"][0]["questions"].push_back("note"); },
               "/dimensions/0/indicators/0/questions/1", "不计分"}));

TEST(ModelLoader, SyntaxErrorsGiveLineAndColumn) {
  auto outcome = scoring::LoadModel("{\n  \"format\": \"rongping-model/1\",\n  \"id\": tiny\n}", "x.json");
  ASSERT_FALSE(outcome.model);
  EXPECT_NE(outcome.problems[0].find("第3行"), std::string::npos) << outcome.problems[0];
}

TEST(ModelLoader, EveryProblemIsListedNotJustTheFirst) {
  Json j = Json::parse(TinyText());
  j["questions"][0]["options"][3]["score"] = 120;
  j["dimensions"][1]["weight"] = -1;
  j["levels"]["rules"]["coverage"] = "nope";
  auto outcome = scoring::LoadModel(j.dump(), "x");
  EXPECT_GE(outcome.problems.size(), 3u);
}

TEST(ModelLoader, ShippedModelsLoad) {
  ASSERT_FALSE(BuiltinModelFiles().empty());
  for (const auto& [id, text] : BuiltinModelFiles()) {
    auto outcome = scoring::LoadModel(text, id);
    EXPECT_TRUE(outcome.model) << id << ": " << outcome.problems.front();
    if (outcome.model) {
      EXPECT_TRUE(outcome.model->reference_only) << id;
      EXPECT_EQ(outcome.model->id, id);
    }
  }
}

}  // namespace
}  // namespace rongping::model
