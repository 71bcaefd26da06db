// GET /api/v1/support-measures/{id}/effect: a measure's before and after
// against comparable enterprises (JSON, or Excel with format=xlsx); and
// /api/v1/typical-cases: 典型经验 marked for a year.
#include <fmt/format.h>

#include <cmath>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/support.h"
#include "campaign/support_effect.h"
#include "core/text.h"
#include "core/uscc.h"
#include "report/table.h"

namespace rongping::api {
namespace {

namespace cs = campaign;

Json Number(double v) {
  return std::isnan(v) ? Json(nullptr) : Json(std::round(v * 10000) / 10000);
}

Json FiguresJson(const cs::EffectFigures& f) {
  Json dims = Json::array(), keys = Json::array();
  for (double v : f.dimensions) dims.push_back(Number(v));
  for (double v : f.key_indicators) keys.push_back(Number(v));
  return {{"total", Number(f.total)}, {"dimensions", dims}, {"key_indicators", keys}};
}

Json RoundJson(const cs::EffectRound& r) {
  return {{"round", r.code}, {"name", r.name}, {"year", r.year}};
}

Json ScoreJson(const model::Model& m, const std::optional<cs::StagedScore>& s) {
  if (!s) return nullptr;
  return {{"total", Number(s->total)},
          {"level_id", m.levels[s->level].id},
          {"level_title", m.levels[s->level].title}};
}

Json ModelPartsJson(const model::Model& m) {
  Json dims = Json::array(), keys = Json::array(), levels = Json::array();
  for (const auto& d : m.dimensions) dims.push_back({{"id", d.id}, {"title", d.title}});
  for (const auto& k : m.key_indicators) {
    keys.push_back({{"id", k.id},
                    {"title", k.title},
                    {"type", k.share ? "bool" : "number"},
                    {"unit", k.unit}});
  }
  for (const auto& l : m.levels) levels.push_back({{"id", l.id}, {"title", l.title}});
  return {{"dimensions", dims}, {"key_indicators", keys}, {"levels", levels}};
}

Json EffectJson(const cs::MeasureEffect& e) {
  const model::Model& m = *e.model;
  Json rounds = Json::array();
  for (const auto& r : e.rounds) rounds.push_back(RoundJson(r));
  Json enterprises = Json::array();
  for (const auto& x : e.enterprises) {
    const bool both = x.before && x.after;
    enterprises.push_back(
        {{"uscc", x.uscc},
         {"name", x.name},
         {"unit_name", x.unit_name},
         {"before", ScoreJson(m, x.before)},
         {"after", ScoreJson(m, x.after)},
         {"change", both ? Number(x.after->total - x.before->total) : Json(nullptr)},
         {"comparable_change", x.comparable_change ? Number(*x.comparable_change) : Json(nullptr)},
         {"comparable_n", OptionalJson(x.comparable_n)}});
  }
  const auto& d = e.measure;
  Json out = ModelPartsJson(m);
  out["measure"] = {
      {"id", d.measure.id},     {"name", d.measure.name},           {"kind", d.measure.kind},
      {"year", d.measure.year}, {"unit_code", d.measure.unit_code}, {"unit_name", d.unit_name}};
  out["model"] = {{"id", m.id}, {"name", m.title}};
  out["before"] = RoundJson(e.before);
  out["after"] = RoundJson(e.after);
  out["rounds"] = rounds;
  out["min_group_size"] = e.min_group_size;
  out["recipients"] = {{"count", e.recipients},
                       {"with_both", e.with_both},
                       {"before", FiguresJson(e.before_figures)},
                       {"after", FiguresJson(e.after_figures)},
                       {"change", FiguresJson(e.change)},
                       {"levels_before", e.levels_before},
                       {"levels_after", e.levels_after}};
  out["comparable"] = e.matched == 0 ? Json(nullptr)
                                     : Json{{"recipients_matched", e.matched},
                                            {"enterprises", e.comparable_enterprises},
                                            {"recipients_change", FiguresJson(e.matched_change)},
                                            {"change", FiguresJson(e.comparable_change)},
                                            {"difference", FiguresJson(e.difference)}};
  out["enterprises"] = enterprises;
  return out;
}

http::Response EffectHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "id", "支持措施不存在");
  if (!id) return ErrorToResponse(id.error());
  std::string_view format = req.Query("format");
  if (!format.empty() && format != "json" && format != "xlsx") {
    return ErrorToResponse(
        Error::Invalid("invalid_parameter", "format 应为 json 或 xlsx", "format"));
  }
  cs::EffectQuery q{std::string(req.Query("before")), std::string(req.Query("after")),
                    std::string(req.Query("model"))};
  auto effect = cs::ComputeMeasureEffect(c.db, c.results, *who, *id, q, c.options.min_group_size);
  if (!effect) return ErrorToResponse(effect.error());
  if (format != "xlsx") return JsonResponse(EffectJson(*effect));
  std::vector<report::Sheet> sheets;
  for (auto& t : cs::EffectTables(*effect)) sheets.emplace_back(std::move(t));
  auto bytes = report::SheetsToXlsx(sheets);
  if (!bytes) return ErrorToResponse(bytes.error());
  http::Response r;
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.body = std::move(*bytes);
  r.SetHeader(
      "Content-Disposition",
      AttachmentDisposition(fmt::format("support-effect-{}.xlsx", *id),
                            fmt::format("支持前后对比-{}.xlsx", effect->measure.measure.name)));
  return r;
}

Json CaseJson(const cs::CaseView& v) {
  return {{"year", v.c.year},
          {"uscc", v.c.uscc},
          {"name", v.name},
          {"unit_code", v.c.unit_code},
          {"unit_name", v.unit_name},
          {"title", v.c.title},
          {"text", v.c.text},
          {"measure_id", OptionalJson(v.c.measure_id)},
          {"marked_by", v.c.marked_by},
          {"marked_at", v.c.marked_at}};
}

// The year of the path; 404 for anything but a year of four digits.
Result<int> PathYear(http::Request& req) {
  const std::string& text = req.path_params["year"];
  if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string::npos) {
    return Fail(Error::NotFound("年度应为四位数字"));
  }
  return std::stoi(text);
}

http::Response ListCasesHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto year = IntQuery(req, "year", 0, 0, 9999);
  if (!year) return ErrorToResponse(year.error());
  auto cases = cs::ListCases(c.db, *who, static_cast<int>(*year));
  if (!cases) return ErrorToResponse(cases.error());
  Json items = Json::array();
  for (const auto& v : *cases) items.push_back(CaseJson(v));
  return JsonResponse({{"items", items}});
}

http::Response MarkCaseHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto year = PathYear(req);
  if (!year) return ErrorToResponse(year.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto ok = CheckKnownFields(*body, {"title", "text", "measure_id"}); !ok)
    return ErrorToResponse(ok.error());
  auto title = StringField(*body, "title");
  if (!title) return ErrorToResponse(title.error());
  auto text = StringField(*body, "text");
  if (!text) return ErrorToResponse(text.error());
  domain::TypicalCase tc;
  tc.year = *year;
  tc.uscc = NormalizeUscc(req.path_params["uscc"]);
  tc.title = *title;
  tc.text = *text;
  if (auto m = body->find("measure_id"); m != body->end() && !m->is_null()) {
    if (!m->is_number_integer()) {
      return ErrorToResponse(
          Error::Invalid("wrong_type", "measure_id 应为支持措施编号", "measure_id"));
    }
    tc.measure_id = m->get<int64_t>();
  }
  auto saved = cs::MarkCase(c.db, *who, std::move(tc), req.request_id);
  if (!saved) return ErrorToResponse(saved.error());
  return JsonResponse(CaseJson(*saved));
}

http::Response UnmarkCaseHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto year = PathYear(req);
  if (!year) return ErrorToResponse(year.error());
  auto r =
      cs::UnmarkCase(c.db, *who, *year, NormalizeUscc(req.path_params["uscc"]), req.request_id);
  if (!r) return ErrorToResponse(r.error());
  return JsonResponse({{"deleted", true}});
}

}  // namespace

void RegisterSupportEffectRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/support-measures/{id}/effect", RegionAdmins(),
             [&c](http::Request& r) { return EffectHandler(c, r); });
}

void RegisterTypicalCaseRoutes(http::Router& router, Context& c) {
  auto bind = [&c](http::Response (*h)(Context&, http::Request&)) {
    return [&c, h](http::Request& r) { return h(c, r); };
  };
  router.Add("GET", "/api/v1/typical-cases", RegionAdmins(), bind(ListCasesHandler));
  router.Add("PUT", "/api/v1/typical-cases/{year}/{uscc}", RegionAdmins(), bind(MarkCaseHandler));
  router.Add("DELETE", "/api/v1/typical-cases/{year}/{uscc}", RegionAdmins(),
             bind(UnmarkCaseHandler));
}

}  // namespace rongping::api
