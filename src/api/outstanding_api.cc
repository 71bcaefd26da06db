// GET /api/v1/rounds/{round}/outstanding: 督办, the enterprises of an
// official's region that have not done their part in a round yet, and the
// submissions waiting for review too long; as JSON a page at a time, or the
// whole list (up to kMaxExported rows) as a workbook to telephone from.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/outstanding.h"
#include "report/table.h"

namespace rongping::api {
namespace {

constexpr int64_t kMaxExported = 100'000;

Json OutstandingJson(const campaign::OutstandingList& list, int64_t page, int64_t per_page) {
  Json counts = Json::object();
  Json labels = Json::object();
  for (auto state : store::kOutstandingKinds) {
    const std::string name(store::OutstandingName(state));
    auto n = list.page.counts.find(state);
    counts[name] = n == list.page.counts.end() ? 0 : n->second;
    labels[name] = campaign::OutstandingLabel(state, list.waiting_days);
  }
  Json items = Json::array();
  for (const auto& r : list.page.rows) {
    items.push_back({{"uscc", r.uscc},
                     {"name", r.name},
                     {"unit_code", r.unit_code},
                     {"unit_name", list.unit_names.at(r.unit_code)},
                     {"state", store::OutstandingName(r.state)},
                     {"state_label", campaign::OutstandingLabel(r.state, list.waiting_days)},
                     {"since", OptionalJson(r.since)},
                     {"reminded_at", OptionalJson(r.reminded_at)},
                     {"contact_name", OptionalJson(r.contact_name)},
                     {"contact_phone", OptionalJson(r.contact_phone)},
                     {"contact_email", OptionalJson(r.contact_email)}});
  }
  return {{"round", list.round.code},
          {"region_name", list.region_name},
          {"waiting_days", list.waiting_days},
          {"as_of", list.as_of},
          {"counts", std::move(counts)},
          {"labels", std::move(labels)},
          {"total", list.page.total},
          {"page", page},
          {"per_page", per_page},
          {"items", std::move(items)}};
}

http::Response OutstandingHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  const std::string_view format = req.Query("format");
  if (!format.empty() && format != "json" && format != "xlsx") {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "format 应为 json 或 xlsx", "format"));
  }
  auto paging = PagingQuery(req);
  if (!paging) return ErrorToResponse(paging.error());
  auto waiting_days = IntQuery(req, "waiting_days", 7, 0, 365);
  if (!waiting_days) return ErrorToResponse(waiting_days.error());
  const bool workbook = format == "xlsx";
  campaign::OutstandingRequest request{req.path_params["round"],
                                       std::string(req.Query("unit")),
                                       std::string(req.Query("state")),
                                       *waiting_days,
                                       workbook ? kMaxExported : paging->per_page,
                                       workbook ? 0 : paging->offset()};
  auto list = campaign::ListOutstanding(c.db, c.clock, *who, request);
  if (!list) return ErrorToResponse(list.error());
  if (!workbook) return JsonResponse(OutstandingJson(*list, paging->page, paging->per_page));
  const report::Table table = campaign::OutstandingTable(*list);
  auto bytes = report::TableToXlsx(table);
  if (!bytes) return ErrorToResponse(bytes.error());
  http::Response r;
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.body = std::move(*bytes);
  r.SetHeader("Content-Disposition",
              AttachmentDisposition(fmt::format("outstanding-{}-{}.xlsx", list->round.code, list->as_of),
                                    fmt::format("{}（{}，{}，截至{}）.xlsx", table.title, list->region_name,
                                                list->round.name, domain::Date::Parse(list->as_of)->ToChinese())));
  return r;
}

}  // namespace

void RegisterOutstandingRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/rounds/{round}/outstanding", RegionAdmins(),
             [&c](http::Request& r) { return OutstandingHandler(c, r); });
}

}  // namespace rongping::api
