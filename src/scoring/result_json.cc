#include "scoring/result_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace rongping::scoring {
namespace {

using Json = nlohmann::ordered_json;

Json Number(double v) { return std::isnan(v) ? Json(nullptr) : Json(v); }

}  // namespace

Json ResultToJson(const model::Model& m, const ScoreResult& r, bool with_questions) {
  Json j;
  j["model"] = {{"id", m.id},
                {"version", m.version},
                {"hash", m.hash},
                {"reference_only", m.reference_only}};
  j["total"] = r.total;
  const auto& level = m.levels[r.level];
  j["level"] = {{"name", m.level_name}, {"index", r.level}, {"id", level.id}, {"title", level.title}};
  Json dims = Json::array();
  for (size_t i = 0; i < m.dimensions.size(); ++i) {
    dims.push_back({{"id", m.dimensions[i].id},
                    {"title", m.dimensions[i].title},
                    {"weight", m.dimensions[i].weight},
                    {"score", Number(r.dimensions[i])}});
  }
  j["dimensions"] = std::move(dims);
  Json inds = Json::array();
  for (size_t i = 0; i < m.indicators.size(); ++i) {
    const auto& ind = m.indicators[i];
    inds.push_back({{"id", ind.id},
                    {"title", ind.title},
                    {"dimension", m.dimensions[ind.dimension].id},
                    {"score", Number(r.indicators[i])}});
  }
  j["indicators"] = std::move(inds);
  Json keys = Json::array();
  for (size_t i = 0; i < m.key_indicators.size(); ++i) {
    const auto& k = m.key_indicators[i];
    Json value = Number(r.key_indicators[i]);
    if (k.share && !std::isnan(r.key_indicators[i])) value = r.key_indicators[i] != 0;
    keys.push_back({{"id", k.id},
                    {"title", k.title},
                    {"type", k.share ? "bool" : "number"},
                    {"value", value},
                    {"unit", k.unit}});
  }
  j["key_indicators"] = std::move(keys);
  j["missing"] = r.missing;
  j["consistency"] = ConsistencyToJson(m, r.broken_rules);
  if (with_questions) {
    Json qs = Json::array();
    for (size_t i = 0; i < m.questions.size(); ++i) {
      const auto& q = r.questions[i];
      qs.push_back({{"id", m.questions[i].id},
                    {"applicable", q.applicable},
                    {"answered", q.answered},
                    {"score", Number(q.score)},
                    {"contribution", q.contribution},
                    {"max_contribution", q.max_contribution}});
    }
    j["questions"] = std::move(qs);
  }
  return j;
}

Json ConsistencyToJson(const model::Model& m, const std::vector<int>& broken_rules) {
  Json out = Json::array();
  for (bool errors : {true, false}) {
    for (int i : broken_rules) {
      const auto& rule = m.consistency_rules[i];
      if (rule.error != errors) continue;
      Json questions = Json::array();
      for (int q : rule.questions) questions.push_back(m.questions[q].id);
      out.push_back({{"id", rule.id},
                     {"severity", rule.error ? "error" : "warning"},
                     {"message", rule.message},
                     {"questions", std::move(questions)}});
    }
  }
  return out;
}

std::string DescribeAnswer(const model::Question& q, double v) {
  if (std::isnan(v)) return "未作答";
  switch (q.type) {
    case model::QuestionType::kSingle: return q.options[static_cast<size_t>(v)].text;
    case model::QuestionType::kMultiple: {
      std::string out;
      auto bits = static_cast<uint64_t>(v);
      for (size_t i = 0; i < q.options.size(); ++i) {
        if (bits & (uint64_t{1} << i)) out += (out.empty() ? "" : "、") + q.options[i].text;
      }
      return out.empty() ? "未选择" : out;
    }
    case model::QuestionType::kYesNo: return v != 0 ? "是" : "否";
    case model::QuestionType::kText: return "";
    default: {
      Json n = v;
      return n.dump() + q.unit;
    }
  }
}

Json PathToJson(const model::Model& m, const PathResult& path) {
  Json steps = Json::array();
  for (const auto& s : path.steps) {
    const auto& q = m.questions[s.question];
    steps.push_back({{"question", q.id},
                     {"text", q.text},
                     {"from", DescribeAnswer(q, s.from)},
                     {"to", DescribeAnswer(q, s.to)},
                     {"cost", s.cost}});
  }
  const auto& target = m.levels[path.target_level];
  return {{"current_level", m.levels[path.current_level].id},
          {"target_level", {{"id", target.id}, {"title", target.title}}},
          {"reachable", path.reachable},
          {"total_cost", path.total_cost},
          {"total_after", path.total_after},
          {"steps", std::move(steps)}};
}

}  // namespace rongping::scoring
