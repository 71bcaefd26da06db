// /api/v1/rounds/{round}/contacts: the contacts form (联系人表) of the
// notice's 附件 — 工作负责人, 工作联系人, 省级评估服务分平台管理员 — per
// reporting unit, who has not sent it by the round's contacts_due, and its
// exports (JSON, CSV, XLSX in the form's layout).
//
// Ministry, province and unit admins only (403 for other roles); a unit
// admin reaches its own unit, a province admin the units of its region; a
// unit outside the caller's scope, or not among the units the round asks
// (the reporting children of its province), is 404.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/contacts.h"
#include "report/html.h"
#include "core/time.h"

namespace rongping::api {
namespace {

http::Response PutContactsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  std::vector<Error> details;
  auto saved =
      campaign::PutUnitContacts(c.db, *who, req.path_params["round"], req.path_params["unit"],
                                *body, req.request_id, &details, c.clock);
  if (!saved) return ErrorToResponse(saved.error(), details);
  return JsonResponse(campaign::UnitContactsPageToJson(*saved));
}

http::Response GetContactsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto page =
      campaign::GetUnitContacts(c.db, *who, req.path_params["round"], req.path_params["unit"]);
  if (!page) return ErrorToResponse(page.error());
  return JsonResponse(campaign::UnitContactsPageToJson(*page));
}

http::Response ListContactsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  std::string_view format = req.Query("format");
  if (!format.empty() && format != "json" && format != "csv" && format != "xlsx") {
    return ErrorToResponse(
        Error::Invalid("invalid_parameter", "format 应为 json、csv 或 xlsx", "format"));
  }
  std::string as_of(req.Query("as_of"));
  if (as_of.empty()) as_of = c.clock.TodayInChina();
  if (!ParseDateDays(as_of)) {
    return ErrorToResponse(
        Error::Invalid("invalid_parameter", "as_of 应为日期，如 2016-05-10", "as_of"));
  }
  auto overview = campaign::GetContactsOverview(c.db, *who, req.path_params["round"], as_of);
  if (!overview) return ErrorToResponse(overview.error());
  if (format.empty() || format == "json")
    return JsonResponse(campaign::ContactsOverviewToJson(*overview));
  http::Response r;
  if (format == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.body = campaign::ContactsToCsv(*overview);
  } else {
    auto bytes = campaign::ContactsToXlsx(*overview);
    if (!bytes) return ErrorToResponse(bytes.error());
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.body = std::move(*bytes);
  }
  r.SetHeader("Content-Disposition",
              AttachmentDisposition(fmt::format("contacts-{}-{}.{}", overview->round_code, as_of, format),
                                    fmt::format("{}地方联系人报送情况（截至{}）.{}", overview->round_name,
                                                report::ChineseDate(as_of), format)));
  return r;
}

}  // namespace

void RegisterContactRoutes(http::Router& router, Context& c) {
  auto bind = [&c](http::Response (*f)(Context&, http::Request&)) {
    return [&c, f](http::Request& r) { return f(c, r); };
  };
  router.Add("GET", "/api/v1/rounds/{round}/contacts", RegionAdmins(), bind(ListContactsHandler));
  router.Add("GET", "/api/v1/rounds/{round}/contacts/{unit}", RegionAdmins(),
             bind(GetContactsHandler));
  router.Add("PUT", "/api/v1/rounds/{round}/contacts/{unit}", RegionAdmins(),
             bind(PutContactsHandler));
}

}  // namespace rongping::api
