// Reference data (/api/v1/units, /api/v1/industries) and the audit trail
// (/api/v1/audit, province and ministry admins only).
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/text.h"
#include "domain/enterprise.h"
#include "store/audit.h"
#include "store/units.h"

namespace rongping::api {
namespace {

http::Response Units(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto units = InTx(c.db, store::TxMode::kRead, [](store::Tx& tx) { return store::ListUnits(tx); });
  if (!units) return ErrorToResponse(units.error());
  auto index = InTx(c.db, store::TxMode::kRead,
                    [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
  if (!index) return ErrorToResponse(index.error());
  Json items = Json::array();
  for (const auto& u : *units) {
    bool visible = who->role == Role::kMinistry || who->role == Role::kAgency ||
                   who->role == Role::kEnterprise || index->UnitInScope(*who, u.code);
    if (!visible) continue;
    items.push_back({{"code", u.code},
                     {"name", u.name},
                     {"parent_code", u.parent_code.empty() ? Json(nullptr) : Json(u.parent_code)},
                     {"admin_parent_code",
                      u.admin_parent_code.empty() ? Json(nullptr) : Json(u.admin_parent_code)},
                     {"kind", u.kind},
                     {"group", u.group},
                     {"above_scale", u.above_scale ? Json(*u.above_scale) : Json(nullptr)},
                     {"leaf", index->IsLeafUnit(u.code)}});
  }
  return JsonResponse({{"items", items}});
}

http::Response Industries(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto list =
      InTx(c.db, store::TxMode::kRead, [](store::Tx& tx) { return store::ListIndustries(tx); });
  if (!list) return ErrorToResponse(list.error());
  Json items = Json::array();
  for (const auto& i : *list) {
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

Result<std::string> TimeQuery(const http::Request& req, std::string_view name) {
  std::string v(req.Query(name));
  // Accept a date (2026-12-01) or an RFC 3339 UTC time (2026-12-01T08:00:00Z).
  bool ok = v.empty() || ((v.size() == 10 || (v.size() >= 20 && v.back() == 'Z')) &&
                          v[4] == '-' && v[7] == '-' &&
                          std::all_of(v.begin(), v.end(), [](char ch) {
                            return std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' ||
                                   ch == ':' || ch == 'T' || ch == 'Z' || ch == '.';
                          }));
  if (!ok) {
    return Fail(Error::Invalid("invalid_parameter",
                               fmt::format("参数 {} 应为日期（2026-12-01）或 UTC 时间", name),
                               std::string(name)));
  }
  return v;
}

http::Response Audit(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (who->role != Role::kProvince && who->role != Role::kMinistry) {
    return ErrorToResponse(Error::Forbidden("只有省级及以上管理员可以查看审计记录"));
  }
  store::AuditQuery q;
  q.object_type = std::string(req.Query("object_type"));
  q.object_id = std::string(req.Query("object_id"));
  q.actor = std::string(req.Query("actor"));
  for (auto [name, text] : {std::pair{"object_type", &q.object_type}, {"object_id", &q.object_id},
                             {"actor", &q.actor}}) {
    if (!IsValidUtf8(*text) || HasControlCharacter(*text) || text->size() > 128) {
      return ErrorToResponse(
          Error::Invalid("invalid_parameter", fmt::format("参数 {} 无效：最多128个字符，不含控制字符", name), name));
    }
  }
  auto since = TimeQuery(req, "since");
  if (!since) return ErrorToResponse(since.error());
  auto until = TimeQuery(req, "until");
  if (!until) return ErrorToResponse(until.error());
  q.since = *since;
  q.until = *until;
  auto limit = IntQuery(req, "limit", 100, 1, 1000);
  if (!limit) return ErrorToResponse(limit.error());
  auto before = IntQuery(req, "before_id", 0, 0, INT64_MAX);
  if (!before) return ErrorToResponse(before.error());
  q.limit = *limit;
  q.before_id = *before;
  // A province admin reads the trail of enterprises in its region and of
  // its own users' actions; the ministry reads everything.
  auto entries = InTx(c.db, store::TxMode::kRead, [&](store::Tx& tx) {
    return store::ListAudit(tx, *who, q);
  });
  if (!entries) return ErrorToResponse(entries.error());
  Json items = Json::array();
  for (const auto& e : *entries) {
    auto parse = [](const std::optional<std::string>& s) {
      return s ? Json::parse(*s, nullptr, false) : Json(nullptr);
    };
    items.push_back({{"id", e.id},
                     {"at", e.at},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"object_type", e.object_type},
                     {"object_id", e.object_id},
                     {"before", parse(e.before_json)},
                     {"after", parse(e.after_json)},
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
