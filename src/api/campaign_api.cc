// /api/v1/rounds: rounds, targets, progress (附件2), the assessment
// lifecycle and review queues.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/lru_cache.h"
#include "campaign/progress.h"
#include "campaign/rounds.h"
#include "core/text.h"
#include "core/time.h"
#include "core/uscc.h"
#include "report/html.h"
#include "report/progress_export.h"
#include "scoring/result_json.h"

namespace rongping::api {
namespace {

Json AssessmentJson(const campaign::AssessmentView& v, bool with_history) {
  const auto& a = v.record;
  Json j = {{"round", a.round_code},
            {"uscc", a.uscc},
            {"model", a.model_id},
            {"production_type", a.production_type},
            {"status", domain::AssessmentStatusName(a.status)},
            {"status_label", domain::AssessmentStatusLabel(a.status)},
            {"round_state", domain::RoundStateName(v.guide.round_state)},
            {"actions",
             {{"edit", v.guide.can_edit},
              {"submit", v.guide.can_submit},
              {"withdraw", v.guide.can_withdraw}}},
            {"next_step", v.guide.next_step},
            {"version", a.version},
            {"answers", Json::parse(a.answers_json, nullptr, false)},
            {"submitted_at", OptionalJson(a.submitted_at)},
            {"reviewed_at", OptionalJson(a.reviewed_at)},
            {"reviewer", OptionalJson(a.reviewer)},
            {"review_reason", OptionalJson(a.review_reason)},
            {"updated_at", a.updated_at},
            {"model_hash", OptionalJson(a.model_hash)},
            {"result", scoring::ResultToJson(*v.model, v.result, false)}};
  if (with_history) {
    Json history = Json::array();
    for (const auto& e : v.history) {
      history.push_back({{"at", e.at},
                         {"actor", e.actor},
                         {"from", e.from_status ? Json(domain::AssessmentStatusName(*e.from_status)) : Json(nullptr)},
                         {"to", domain::AssessmentStatusName(e.to_status)},
                         {"reason", OptionalJson(e.reason)}});
    }
    j["history"] = std::move(history);
  }
  if (v.pledge) j["pledge"] = {{"text", v.pledge->text}, {"username", v.pledge->username}, {"at", v.pledge->at}};
  return j;
}

std::string PathUscc(http::Request& req) { return NormalizeUscc(req.path_params["uscc"]); }

http::Response ListRoundsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto rounds = campaign::ListRounds(c.db);
  if (!rounds) return ErrorToResponse(rounds.error());
  Json items = Json::array();
  const auto today = domain::Date::TodayInChina(c.clock);
  for (const auto& r : *rounds) items.push_back(campaign::RoundToJson(r, today));
  return JsonResponse({{"items", items}});
}

http::Response GetRoundHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto round = campaign::GetRound(c.db, req.path_params["round"]);
  if (!round) return ErrorToResponse(round.error());
  return JsonResponse(campaign::RoundToJson(*round, domain::Date::TodayInChina(c.clock)));
}

// The round's dates from the body; 422 naming a field that is not a date.
Result<void> ReadRoundDates(const Json& body, domain::Round& round) {
  for (auto [field, target] : {std::pair{"opens_on", &round.opens_on},
                               {"closes_on", &round.closes_on},
                               {"deadline", &round.deadline}}) {
    auto v = StringField(body, field);
    if (!v) return Fail(v.error());
    auto date = campaign::ParseRoundDate(field, *v);
    if (!date) return Fail(date.error());
    *target = *date;
  }
  auto due = StringField(body, "contacts_due", false);
  if (!due) return Fail(due.error());
  if (due->empty()) return {};
  auto date = campaign::ParseRoundDate("contacts_due", *due);
  if (!date) return Fail(date.error());
  round.contacts_due = *date;
  return {};
}

// The round as the body describes it, its values typed but not yet checked
// (campaign::ValidateRound does that); 422 naming a field of the wrong type.
Result<domain::Round> RoundFromBody(const Json& body, const std::string& code,
                                         campaign::CountingRules* rules) {
  if (auto r = CheckKnownFields(body, {"name", "year", "province_code", "models", "opens_on", "closes_on",
                                       "deadline", "review_required", "contacts_due", "completion", "entries",
                                       "pledge"});
      !r) {
    return Fail(r.error());
  }
  domain::Round round;
  round.code = code;
  for (auto [field, target] :
       {std::pair{"name", &round.name}, {"province_code", &round.province_code}}) {
    auto v = StringField(body, field);
    if (!v) return Fail(v.error());
    *target = *v;
  }
  if (auto r = ReadRoundDates(body, round); !r) return Fail(r.error());
  auto pledge = StringField(body, "pledge", false);
  if (!pledge) return Fail(pledge.error());
  round.pledge = *pledge;
  auto year = body.find("year");
  if (year == body.end() || !year->is_number_integer()) {
    return Fail(Error::Invalid("invalid_field", "year 应为 2000 至 2100 的整数", "year"));
  }
  round.year = year->get<int64_t>();  // out of int64 range wraps and is refused as a year
  auto review = body.find("review_required");
  if (review != body.end() && !review->is_boolean()) {
    return Fail(Error::Invalid("wrong_type", "review_required 应为 true 或 false", "review_required"));
  }
  round.review_required = review == body.end() || review->get<bool>();
  // An optional rule given by name: left out, it stays as stored.
  auto rule = [&](const char* field, auto parse, auto& target, const char* expected) -> Result<void> {
    auto text = StringField(body, field, false);
    if (!text) return Fail(text.error());
    if (text->empty()) return {};
    target = parse(*text);
    if (!target) return Fail(Error::Invalid("invalid_field", fmt::format("{} 应为{}", field, expected), field));
    return {};
  };
  if (auto r = rule("completion", domain::ParseCompletion, rules->completion,
                    "submitted（上报即计为完成）或 approved（审核通过才计）");
      !r) {
    return Fail(r.error());
  }
  if (auto r = rule("entries", domain::ParseEntryCount, rules->entries,
                    "enterprise（每家企业计一条）或 assessment（每份答卷计一条）");
      !r) {
    return Fail(r.error());
  }
  auto models = body.find("models");
  if (models == body.end() || !models->is_array()) {
    return Fail(Error::Invalid("invalid_field", "models 应为至少含一个模型标识的数组", "models"));
  }
  for (const auto& m : *models) {
    if (!m.is_string()) return Fail(Error::Invalid("unknown_model", "未知的模型“?”", "models"));
    round.models.push_back(m.get<std::string>());
  }
  return round;
}

http::Response PutRoundHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (!campaign::MaySetRounds(*who)) {
    return ErrorToResponse(Error::Forbidden("只有省级及以上管理员可以设置评估周期"));
  }
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  campaign::CountingRules rules;
  auto round = RoundFromBody(*body, req.path_params["round"], &rules);
  if (!round) return ErrorToResponse(round.error());
  auto saved = campaign::PutRound(c.db, *who, *round, req.request_id, rules);
  if (!saved) return ErrorToResponse(saved.error());
  return JsonResponse(campaign::RoundToJson(*saved));
}

http::Response PutTargetHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (!campaign::MaySetRounds(*who)) {
    return ErrorToResponse(Error::Forbidden("只有省级及以上管理员可以设置目标"));
  }
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"rule"}); !r) return ErrorToResponse(r.error());
  auto text = StringField(*body, "rule");
  if (!text) return ErrorToResponse(text.error());
  auto rule = campaign::ParseTargetRule(*text);
  if (!rule) return ErrorToResponse(rule.error());
  const std::string round = req.path_params["round"], unit = req.path_params["unit"];
  if (auto r = campaign::PutTarget(c.db, *who, round, unit, *rule, req.request_id); !r) {
    return ErrorToResponse(r.error());
  }
  return JsonResponse({{"round", round}, {"unit", unit}, {"rule", rule->ToString()},
                       {"description", rule->Describe()}});
}

// Finished JSON progress tables counted from the snapshot, by
// campaign::ProgressKey (which names the reference lists by address).
http::Response KeptProgressResponse(Context& c, const campaign::ProgressInputs& inputs) {
  static LruCache<KeptJson> kept(256);  // a table is 2-10 KB
  const std::string key = campaign::ProgressKey(inputs);
  if (auto hit = key.empty() ? nullptr : kept.Get(key)) return hit->Response();
  http::Response r = JsonResponse(report::ProgressToJson(campaign::BuildProgress(inputs, &c.progress)));
  if (!key.empty()) kept.Put(key, std::make_shared<const KeptJson>(KeptJson{{inputs.index}, r.body}));
  return r;
}

http::Response ProgressHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  std::string as_of(req.Query("as_of"));
  if (as_of.empty()) as_of = c.clock.TodayInChina();
  if (!ParseDateDays(as_of)) {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "as_of 应为日期，如 2016-06-30", "as_of"));
  }
  auto inputs = campaign::ReadProgressInputs(c.db, &*who, req.path_params["round"], std::string(req.Query("unit")),
                                             as_of, &c.progress, c.clock.TodayInChina());
  if (!inputs) return ErrorToResponse(inputs.error());
  std::string_view format = req.Query("format");
  if (format.empty() || format == "json") return KeptProgressResponse(c, *inputs);
  auto table = campaign::BuildProgress(*inputs, &c.progress);
  http::Response r;
  constexpr std::string_view kTitle = "两化融合评估诊断和对标引导情况表";
  if (format == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.body = report::ProgressToCsv(table);
  } else if (format == "xlsx") {
    auto bytes = report::ProgressToXlsx(table, std::string(kTitle));
    if (!bytes) return ErrorToResponse(bytes.error());
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.body = std::move(*bytes);
  } else {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "format 应为 json、csv 或 xlsx", "format"));
  }
  r.SetHeader("Content-Disposition",
              AttachmentDisposition(fmt::format("progress-{}-{}.{}", table.round_code, table.as_of, format),
                                    fmt::format("{}（{}，截至{}）.{}", kTitle, table.total.unit_name,
                                                report::ChineseDate(table.as_of), format)));
  return r;
}

http::Response ListAssessmentsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto paging = PagingQuery(req);
  if (!paging) return ErrorToResponse(paging.error());
  campaign::AssessmentListRequest request{req.path_params["round"],
                                          std::string(req.Query("unit")),
                                          std::string(req.Query("status")),
                                          std::string(req.Query("industry")),
                                          std::string(req.Query("level")),
                                          std::string(req.Query("submitted_from")),
                                          std::string(req.Query("submitted_to")),
                                          std::string(req.Query("q")),
                                          paging->per_page,
                                          paging->offset(),
                                          std::string(req.Query("sort"))};
  auto found = c.lifecycle.List(*who, request);
  if (!found) return ErrorToResponse(found.error());
  Json out = Json::array();
  for (const auto& i : found->items) {
    const auto& a = i.assessment;
    out.push_back({{"uscc", a.uscc},
                   {"enterprise_name", i.enterprise_name},
                   {"unit_code", a.unit_code},
                   {"model", a.model_id},
                   {"status", domain::AssessmentStatusName(a.status)},
                   {"status_label", domain::AssessmentStatusLabel(a.status)},
                   {"total", a.total ? Json(*a.total) : Json(nullptr)},
                   {"level", a.level_id ? Json(*a.level_id) : Json(nullptr)},
                   {"level_title", LevelTitleJson(a.model_id, a.level_id)},
                   {"submitted_at", a.submitted_at ? Json(*a.submitted_at) : Json(nullptr)},
                   {"updated_at", a.updated_at}});
  }
  return JsonResponse(
      {{"items", out}, {"total", found->total}, {"page", paging->page}, {"per_page", paging->per_page}});
}

http::Response GetAssessmentHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto view = c.lifecycle.GetWithHistory(*who, req.path_params["round"], PathUscc(req));
  if (!view) return ErrorToResponse(view.error());
  return JsonResponse(AssessmentJson(*view, true));
}

http::Response SaveDraftHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"answers", "version"}); !r) return ErrorToResponse(r.error());
  auto answers = body->find("answers");
  if (answers == body->end() || !answers->is_object()) {
    return ErrorToResponse(Error::Invalid("invalid_field", "answers 应为对象：题目标识 → 答案", "answers"));
  }
  auto version = body->find("version");
  if (version == body->end() || !version->is_number_integer() || *version < 0) {
    return ErrorToResponse(Error::Invalid(
        "missing_version", "请提供 version：首次保存为 0，之后为上次读取的版本号", "version"));
  }
  std::vector<Error> details;
  auto view = c.lifecycle.SaveDraft(*who, req.path_params["round"], PathUscc(req), answers->dump(),
                                    version->get<int64_t>(), req.request_id, &details);
  if (!view) return ErrorToResponse(view.error(), details);
  return JsonResponse(AssessmentJson(*view, false));
}

http::Response SubmitHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  bool override_close = false;
  bool pledged = false;
  if (!req.body.empty()) {
    auto body = ParseJsonObject(req);
    if (!body) return ErrorToResponse(body.error());
    if (auto r = CheckKnownFields(*body, {"override", "pledge"}); !r) return ErrorToResponse(r.error());
    for (auto [field, target] : {std::pair{"override", &override_close}, {"pledge", &pledged}}) {
      auto o = body->find(field);
      if (o == body->end()) continue;
      if (!o->is_boolean()) {
        return ErrorToResponse(Error::Invalid("wrong_type", fmt::format("{} 应为 true 或 false", field), field));
      }
      *target = o->get<bool>();
    }
  }
  std::vector<Error> details;
  auto view = c.lifecycle.Submit(*who, req.path_params["round"], PathUscc(req), override_close, pledged,
                                 req.request_id, &details);
  if (!view) return ErrorToResponse(view.error(), details);
  return JsonResponse(AssessmentJson(*view, false));
}

http::Response ReviewHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"decision", "reason"}); !r) return ErrorToResponse(r.error());
  auto decision = StringField(*body, "decision");
  if (!decision) return ErrorToResponse(decision.error());
  if (*decision != "approve" && *decision != "reject") {
    return ErrorToResponse(Error::Invalid("invalid_field", "decision 应为 approve 或 reject", "decision"));
  }
  auto reason = StringField(*body, "reason", false);
  if (!reason) return ErrorToResponse(reason.error());
  std::string r = Trim(*reason);
  if (!IsValidUtf8(r) || HasControlCharacter(r) || CountCodePoints(r) > 500) {
    return ErrorToResponse(Error::Invalid("invalid_field", "原因最多500个字符，不含控制字符", "reason"));
  }
  auto view = c.lifecycle.Review(*who, req.path_params["round"], PathUscc(req), *decision == "approve",
                                 r, req.request_id);
  if (!view) return ErrorToResponse(view.error());
  return JsonResponse(AssessmentJson(*view, false));
}

http::Response WithdrawHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto view = c.lifecycle.Withdraw(*who, req.path_params["round"], PathUscc(req), req.request_id);
  if (!view) return ErrorToResponse(view.error());
  return JsonResponse(AssessmentJson(*view, false));
}

}  // namespace

void RegisterCampaignRoutes(http::Router& router, Context& c) {
  auto bind = [&c](http::Response (*f)(Context&, http::Request&)) {
    return [&c, f](http::Request& r) { return f(c, r); };
  };
  const std::string a = "/api/v1/rounds/{round}/enterprises/{uscc}/assessment";
  router.Add("GET", "/api/v1/rounds", LoggedIn(), bind(ListRoundsHandler));
  router.Add("GET", "/api/v1/rounds/{round}", LoggedIn(), bind(GetRoundHandler));
  router.Add("PUT", "/api/v1/rounds/{round}", ProvinceAdmins(), bind(PutRoundHandler));
  router.Add("PUT", "/api/v1/rounds/{round}/targets/{unit}", ProvinceAdmins(), bind(PutTargetHandler));
  router.Add("GET", "/api/v1/rounds/{round}/progress", AggregateReaders(), bind(ProgressHandler));
  router.Add("GET", "/api/v1/rounds/{round}/assessments", LoggedIn(), bind(ListAssessmentsHandler));
  router.Add("GET", a, LoggedIn(), bind(GetAssessmentHandler));
  router.Add("PUT", a, FillersIn(), bind(SaveDraftHandler));
  router.Add("POST", a + "/submit", FillersIn(), bind(SubmitHandler));
  router.Add("POST", a + "/review", RegionAdmins(), bind(ReviewHandler));
  router.Add("POST", a + "/withdraw", FillersIn(), bind(WithdrawHandler));
}

}  // namespace rongping::api
