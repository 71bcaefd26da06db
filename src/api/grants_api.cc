// /api/v1/enterprises/{uscc}/grants: an enterprise lets a service agency
// (服务机构) fill in its assessments, and optionally submit them.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/uscc.h"

namespace rongping::api {
namespace {

http::Response ListGrantsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto grants = c.enterprises.ListGrants(*who, NormalizeUscc(req.path_params["uscc"]));
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

http::Response PutGrantHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"can_submit"}); !r) return ErrorToResponse(r.error());
  auto can_submit = body->find("can_submit");
  if (can_submit != body->end() && !can_submit->is_boolean()) {
    return ErrorToResponse(
        Error::Invalid("wrong_type", "can_submit 应为 true 或 false", "can_submit"));
  }
  bool submit = can_submit != body->end() && can_submit->get<bool>();
  const std::string agency = req.path_params["agency"];
  if (auto r = c.enterprises.PutGrant(*who, NormalizeUscc(req.path_params["uscc"]), agency, submit,
                                      req.request_id);
      !r) {
    return ErrorToResponse(r.error());
  }
  return JsonResponse({{"agency", agency}, {"can_submit", submit}});
}

http::Response DeleteGrantHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (auto r = c.enterprises.RevokeGrant(*who, NormalizeUscc(req.path_params["uscc"]),
                                         req.path_params["agency"], req.request_id);
      !r) {
    return ErrorToResponse(r.error());
  }
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
