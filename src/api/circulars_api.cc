// /api/v1/rounds/{round}/circulars and /api/v1/circulars/{id}: quarterly
// circulars (按季度通报) — generate (province and ministry admins), list and
// read as JSON, the stored print-ready HTML, or XLSX rendered from the frozen
// snapshot.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/circulars.h"
#include "core/text.h"
#include "report/progress_export.h"

namespace rongping::api {
namespace {

namespace circ = campaign::circulars;

Json PreviousJson(const circ::Circular& c) {
  if (!c.previous) return nullptr;
  return {{"id", c.previous->id}, {"as_of", c.previous->as_of}, {"title", c.previous->title}};
}

Json ChangesJson(const circ::Circular& c) {
  return c.changes ? circ::ChangesToJson(*c.changes) : Json(nullptr);
}

Json SummaryJson(const circ::CircularSummary& s) {
  return {{"id", s.id},
          {"round", s.round_code},
          {"unit", s.unit_code},
          {"unit_name", s.unit_name},
          {"as_of", s.as_of},
          {"title", s.title},
          {"created_by", s.created_by},
          {"created_at", s.created_at},
          {"links",
           {{"json", fmt::format("/api/v1/circulars/{}", s.id)},
            {"html", fmt::format("/api/v1/circulars/{}?format=html", s.id)},
            {"xlsx", fmt::format("/api/v1/circulars/{}?format=xlsx", s.id)}}}};
}

Json HeaderJson(const circ::Circular& c) {
  return SummaryJson({c.id, c.round_code, c.unit_code, c.unit_name, c.as_of, c.title, c.created_by,
                      c.created_at});
}

http::Response CreateHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (who->role != Role::kProvince && who->role != Role::kMinistry) {
    return ErrorToResponse(Error::Forbidden("只有省级及以上管理员可以发布通报"));
  }
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"as_of", "title", "unit"}); !r) {
    return ErrorToResponse(r.error());
  }
  auto as_of = StringField(*body, "as_of");
  if (!as_of) return ErrorToResponse(as_of.error());
  auto title = StringField(*body, "title", false);
  if (!title) return ErrorToResponse(title.error());
  auto unit = StringField(*body, "unit", false);
  if (!unit) return ErrorToResponse(unit.error());
  auto circular = circ::Generate(c.db, &*who, req.path_params["round"], *unit, *as_of, *title,
                                 req.request_id, c.clock);
  if (!circular) return ErrorToResponse(circular.error());
  Json out = HeaderJson(*circular);
  out["total"] = report::ProgressToJson(circular->table)["total"];
  out["previous"] = PreviousJson(*circular);
  out["changes"] = ChangesJson(*circular);
  http::Response r = JsonResponse(out, 201);
  r.SetHeader("Location", fmt::format("/api/v1/circulars/{}", circular->id));
  return r;
}

http::Response ListHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto items = circ::List(c.db, &*who, req.path_params["round"]);
  if (!items) return ErrorToResponse(items.error());
  Json out = Json::array();
  for (const auto& s : *items) out.push_back(SummaryJson(s));
  return JsonResponse({{"items", std::move(out)}});
}

http::Response GetHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "id", "通报不存在");
  if (!id) return ErrorToResponse(id.error());
  std::string_view format = req.Query("format");
  if (!format.empty() && format != "json" && format != "html" && format != "xlsx") {
    return ErrorToResponse(
        Error::Invalid("invalid_parameter", "format 应为 json、html 或 xlsx", "format"));
  }
  auto circular = circ::Get(c.db, &*who, *id);
  if (!circular) return ErrorToResponse(circular.error());
  if (format.empty() || format == "json") {
    Json out = HeaderJson(*circular);
    out["previous"] = PreviousJson(*circular);
    out["progress"] = report::ProgressToJson(circular->table);
    out["changes"] = ChangesJson(*circular);
    return JsonResponse(out);
  }
  if (format == "html") return HtmlPageResponse(circular->html, fmt::format("circular-{}.html", circular->id));
  http::Response r;
  auto bytes = circ::ToXlsx(*circular);
  if (!bytes) return ErrorToResponse(bytes.error());
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.body = std::move(*bytes);
  r.SetHeader("Content-Disposition",
              AttachmentDisposition(fmt::format("circular-{}-{}.xlsx", circular->round_code, circular->as_of),
                                    circular->title + ".xlsx"));
  return r;
}

}  // namespace

void RegisterCircularRoutes(http::Router& router, Context& c) {
  auto bind = [&c](http::Response (*f)(Context&, http::Request&)) {
    return [&c, f](http::Request& r) { return f(c, r); };
  };
  router.Add("POST", "/api/v1/rounds/{round}/circulars", ProvinceAdmins(), bind(CreateHandler));
  router.Add("GET", "/api/v1/rounds/{round}/circulars", RegionAdmins(), bind(ListHandler));
  router.Add("GET", "/api/v1/circulars/{id}", RegionAdmins(), bind(GetHandler));
}

}  // namespace rongping::api
