// /api/v1/enterprises/{uscc}/grants: an enterprise lets a service agency
// (服务机构) fill in its assessments, and optionally submit them.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/uscc.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/campaign.h"
#include "store/enterprises.h"

namespace rongping::api {
namespace {

// The enterprise must be visible to the caller (404 otherwise); only the
// enterprise itself may change its grants (403 for other roles in scope).
Result<Enterprise> Visible(Context& c, const Principal& who, const std::string& uscc, bool change) {
  auto e = c.enterprises.Get(who, uscc);
  if (!e) return e;
  if (change && who.role != Role::kEnterprise) {
    return Fail(Error::Forbidden("只有企业本身可以授权或取消服务机构"));
  }
  return e;
}

http::Response ListGrantsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto uscc = NormalizeUscc(req.path_params["uscc"]);
  if (auto e = Visible(c, *who, uscc, false); !e) return ErrorToResponse(e.error());
  auto grants = InTx(c.db, store::TxMode::kRead, [&](store::Tx& tx) { return store::ListGrants(tx, uscc); });
  if (!grants) return ErrorToResponse(grants.error());
  Json items = Json::array();
  for (const auto& g : *grants) {
    items.push_back({{"agency", g.agency_username},
                     {"agency_name", g.agency_name},
                     {"can_submit", g.can_submit},
                     {"granted_at", g.granted_at}});
  }
  return JsonResponse({{"items", items}});
}

Result<store::UserRecord> FindAgency(store::Tx& tx, const std::string& username) {
  auto user = store::FindUserByName(tx, username);
  if (!user) return Fail(user.error());
  if (!*user || (*user)->role != Role::kAgency) {
    return Fail(Error::Invalid("unknown_agency", fmt::format("“{}”不是已登记的服务机构账号", username.substr(0, 64)),
                               "agency"));
  }
  return **user;
}

http::Response PutGrantHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto uscc = NormalizeUscc(req.path_params["uscc"]);
  if (auto e = Visible(c, *who, uscc, true); !e) return ErrorToResponse(e.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"can_submit"}); !r) return ErrorToResponse(r.error());
  auto can_submit = body->find("can_submit");
  if (can_submit != body->end() && !can_submit->is_boolean()) {
    return ErrorToResponse(Error::Invalid("wrong_type", "can_submit 应为 true 或 false", "can_submit"));
  }
  bool submit = can_submit != body->end() && can_submit->get<bool>();
  std::string agency = req.path_params["agency"];
  auto done = InTx(c.db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    auto a = FindAgency(tx, agency);
    if (!a) return Fail(a.error());
    if (auto r = store::PutGrant(tx, a->id, uscc, submit); !r) return Fail(r.error());
    if (auto r = store::RecordAudit(tx, {0, "", who->username, "grant.put", "enterprise", uscc, std::nullopt,
                                         Json{{"agency", agency}, {"can_submit", submit}}.dump(),
                                         req.request_id});
        !r) {
      return Fail(r.error());
    }
    return true;
  });
  if (!done) return ErrorToResponse(done.error());
  return JsonResponse({{"agency", agency}, {"can_submit", submit}});
}

http::Response DeleteGrantHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto uscc = NormalizeUscc(req.path_params["uscc"]);
  if (auto e = Visible(c, *who, uscc, true); !e) return ErrorToResponse(e.error());
  std::string agency = req.path_params["agency"];
  auto done = InTx(c.db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    auto a = FindAgency(tx, agency);
    if (!a) return Fail(a.error());
    auto removed = store::DeleteGrant(tx, a->id, uscc);
    if (!removed) return Fail(removed.error());
    if (!*removed) return Fail(Error::NotFound("该服务机构没有授权"));
    if (auto r = store::RecordAudit(tx, {0, "", who->username, "grant.delete", "enterprise", uscc,
                                         Json{{"agency", agency}}.dump(), std::nullopt, req.request_id});
        !r) {
      return Fail(r.error());
    }
    return true;
  });
  if (!done) return ErrorToResponse(done.error());
  return JsonResponse({{"status", "revoked"}});
}

}  // namespace

void RegisterGrantRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/enterprises/{uscc}/grants", LoggedIn(),
             [&c](http::Request& r) { return ListGrantsHandler(c, r); });
  router.Add("PUT", "/api/v1/enterprises/{uscc}/grants/{agency}", OnlyRoles({Role::kEnterprise}),
             [&c](http::Request& r) { return PutGrantHandler(c, r); });
  router.Add("DELETE", "/api/v1/enterprises/{uscc}/grants/{agency}", OnlyRoles({Role::kEnterprise}),
             [&c](http::Request& r) { return DeleteGrantHandler(c, r); });
}

}  // namespace rongping::api
