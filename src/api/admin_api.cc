// Reference data (/api/v1/units, /api/v1/industries) and the audit trail
// (/api/v1/audit, province and ministry admins only).
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "auth/audit_trail.h"
#include "campaign/reference.h"
#include "domain/enterprise.h"

namespace rongping::api {
namespace {

http::Response Units(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto index = campaign::LoadReference(c.db);
  if (!index) return ErrorToResponse(index.error());
  Json items = Json::array();
  for (const domain::Unit* u : campaign::UnitsVisibleTo(**index, *who)) {
    items.push_back({{"code", u->code},
                     {"name", u->name},
                     {"parent_code", u->parent_code.empty() ? Json(nullptr) : Json(u->parent_code)},
                     {"admin_parent_code", u->admin_parent_code.empty() ? Json(nullptr) : Json(u->admin_parent_code)},
                     {"kind", u->kind},
                     {"group", u->group},
                     {"above_scale", u->above_scale ? Json(*u->above_scale) : Json(nullptr)},
                     {"leaf", (*index)->IsLeafUnit(u->code)}});
  }
  return JsonResponse({{"items", items}});
}

http::Response Industries(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto index = campaign::LoadReference(c.db);
  if (!index) return ErrorToResponse(index.error());
  Json items = Json::array();
  for (const auto& [code, i] : (*index)->industries) {
    items.push_back({{"code", i.code}, {"name", i.name}, {"section", i.section}, {"group", i.group}});
  }
  return JsonResponse({{"items", items}});
}

http::Response ProductionTypes(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  Json items = Json::array();
  for (const auto& t : rongping::ProductionTypes()) items.push_back({{"value", t.value}, {"label", t.label}});
  return JsonResponse({{"items", items}});
}

Json ParsedOrNull(const std::optional<std::string>& json_text) {
  return json_text ? Json::parse(*json_text, nullptr, false) : Json(nullptr);
}

http::Response Audit(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  domain::AuditQuery q;
  q.object_type = std::string(req.Query("object_type"));
  q.object_id = std::string(req.Query("object_id"));
  q.actor = std::string(req.Query("actor"));
  q.since = std::string(req.Query("since"));
  q.until = std::string(req.Query("until"));
  auto limit = IntQuery(req, "limit", 100, 1, 1000);
  if (!limit) return ErrorToResponse(limit.error());
  auto before = IntQuery(req, "before_id", 0, 0, INT64_MAX);
  if (!before) return ErrorToResponse(before.error());
  q.limit = *limit;
  q.before_id = *before;
  auto entries = ReadAuditTrail(c.db, *who, q);
  if (!entries) return ErrorToResponse(entries.error());
  Json items = Json::array();
  for (const auto& e : *entries) {
    items.push_back({{"id", e.id},
                     {"at", e.at},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"object_type", e.object_type},
                     {"object_id", e.object_id},
                     {"before", ParsedOrNull(e.before_json)},
                     {"after", ParsedOrNull(e.after_json)},
                     {"request_id", e.request_id}});
  }
  return JsonResponse({{"items", items}});
}

}  // namespace

void RegisterAdminRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/units", LoggedIn(), [&c](http::Request& r) { return Units(c, r); });
  router.Add("GET", "/api/v1/industries", LoggedIn(), [&c](http::Request& r) { return Industries(c, r); });
  router.Add("GET", "/api/v1/production-types", LoggedIn(), [&c](http::Request& r) { return ProductionTypes(c, r); });
  router.Add("GET", "/api/v1/audit", ProvinceAdmins(), [&c](http::Request& r) { return Audit(c, r); });
}

}  // namespace rongping::api
