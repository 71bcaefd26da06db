// The shipped models for the questionnaire and the what-if simulator:
// GET /api/v1/models: every shipped model's id, version and title (what a
// province may name in a round);
// GET /api/v1/models/{id}/questionnaire?production_type=: the sections and
// the questions that apply to that production type, with their options and
// bounds (not their scores); POST /api/v1/models/{id}/score
// {"production_type", "answers"}: the score and stage of answers, saving
// nothing. Only models compiled into the program are served (never a path).
#include <cmath>

#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/lifecycle.h"
#include "scoring/result_json.h"
#include "scoring/model_loading.h"

namespace rongping::api {
namespace {

Result<std::shared_ptr<const model::Model>> ShippedModel(const std::string& id) {
  for (const auto& [shipped, text] : model::BuiltinModelFiles()) {
    if (shipped == id) return scoring::SharedModel(id);
  }
  return Fail(Error::NotFound(fmt::format("未找到模型“{}”", id)));
}

Result<int> ProductionType(std::string_view name) {
  int pt = scoring::ProductionTypeIndex(name);
  if (pt < 0) {
    std::string known;
    for (const auto& t : model::ProductionTypes()) known += (known.empty() ? "" : "、") + t;
    return Fail(Error::Invalid("invalid_parameter", fmt::format("production_type 应为 {}", known), "production_type"));
  }
  return pt;
}

Json QuestionJson(const model::Question& q) {
  Json j{{"id", q.id}, {"text", q.text}, {"type", model::QuestionTypeName(q.type)}, {"required", q.required}};
  if (!q.help.empty()) j["help"] = q.help;
  if (!q.options.empty()) {
    Json options = Json::array();
    for (const auto& o : q.options) options.push_back({{"id", o.id}, {"text", o.text}, {"exclusive", o.exclusive}});
    j["options"] = std::move(options);
  }
  if (q.type == model::QuestionType::kNumber || q.type == model::QuestionType::kPercent) {
    if (std::isfinite(q.min)) j["min"] = q.min;
    if (std::isfinite(q.max)) j["max"] = q.max;
    j["integer"] = q.integer;
    if (!q.unit.empty()) j["unit"] = q.unit;
  }
  if (q.type == model::QuestionType::kText) j["max_length"] = q.max_length;
  return j;
}

http::Response Questionnaire(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto m = ShippedModel(req.path_params["id"]);
  if (!m) return ErrorToResponse(m.error());
  auto pt = ProductionType(req.Query("production_type"));
  if (!pt) return ErrorToResponse(pt.error());
  const model::Model& model = **m;
  Json sections = Json::array();
  for (const auto& s : model.sections) {
    Json questions = Json::array();
    for (size_t i = 0; i < model.questions.size(); ++i) {
      const auto& q = model.questions[i];
      if (q.section == s.id && model.applies[*pt][i]) questions.push_back(QuestionJson(q));
    }
    if (questions.empty()) continue;
    sections.push_back({{"id", s.id}, {"title", s.title}, {"description", s.description}, {"questions", std::move(questions)}});
  }
  return JsonResponse({{"model", {{"id", model.id}, {"title", model.title}, {"version", model.version},
                                  {"reference_only", model.reference_only}}},
                       {"production_type", req.Query("production_type")},
                       {"sections", std::move(sections)}});
}

http::Response ScoreAnswers(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto m = ShippedModel(req.path_params["id"]);
  if (!m) return ErrorToResponse(m.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"production_type", "answers"}); !r) return ErrorToResponse(r.error());
  auto pt_name = StringField(*body, "production_type");
  if (!pt_name) return ErrorToResponse(pt_name.error());
  auto pt = ProductionType(*pt_name);
  if (!pt) return ErrorToResponse(pt.error());
  auto answers = body->find("answers");
  if (answers == body->end() || !answers->is_object()) {
    return ErrorToResponse(Error::Invalid("invalid_field", "answers 应为对象：题目标识 → 答案", "answers"));
  }
  auto parsed = campaign::ParseAnswersStrictly(**m, answers->dump(), nullptr);
  if (!parsed) return ErrorToResponse(parsed.error());
  return JsonResponse(scoring::ResultToJson(**m, scoring::Score(**m, parsed->answers, *pt), false));
}

http::Response ListModels(Context& c, http::Request& req) {
  if (auto who = Authenticate(c, req); !who) return ErrorToResponse(who.error());
  Json items = Json::array();
  for (const auto& [id, text] : model::BuiltinModelFiles()) {
    auto m = scoring::SharedModel(std::string(id));
    if (!m) return ErrorToResponse(m.error());
    items.push_back({{"id", (*m)->id}, {"version", (*m)->version}, {"title", (*m)->title},
                     {"reference_only", (*m)->reference_only}});
  }
  return JsonResponse({{"items", std::move(items)}});
}

}  // namespace

void RegisterModelRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/models", LoggedIn(), [&c](http::Request& r) { return ListModels(c, r); });
  router.Add("GET", "/api/v1/models/{id}/questionnaire", LoggedIn(), [&c](http::Request& r) { return Questionnaire(c, r); });
  router.Add("POST", "/api/v1/models/{id}/score", LoggedIn(), [&c](http::Request& r) { return ScoreAnswers(c, r); });
}

}  // namespace rongping::api
