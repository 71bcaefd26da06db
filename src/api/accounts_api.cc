// Account administration (auth/account_admin.h):
//   GET   /api/v1/users                       the accounts the caller administers
//   POST  /api/v1/users                       create one, with an issued password
//   PATCH /api/v1/users/{id}                  {"disabled": true|false}
//   POST  /api/v1/users/{id}/password-reset   issue a new password
#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "auth/account_admin.h"
#include "core/text.h"

namespace rongping::api {
namespace {

Json AccountJson(const store::UserRecord& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", RoleName(u.role)},
          {"role_label", RoleLabel(u.role)},
          {"scope", u.scope_code},
          {"industries", u.industries},
          {"email", u.email.empty() ? Json(nullptr) : Json(u.email)},
          {"disabled", u.disabled},
          {"must_change_password", u.must_change_password},
          {"last_login_at", OptionalJson(u.last_login_at)},
          {"created_at", u.created_at}};
}

Json IssuedJson(const IssuedAccount& issued) {
  return {{"user", AccountJson(issued.user)}, {"one_time_password", issued.one_time_password}};
}

http::Response ListHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto paging = PagingQuery(req);
  if (!paging) return ErrorToResponse(paging.error());
  store::UserQuery query{std::string(req.Query("q")), std::string(req.Query("role")), paging->per_page,
                         paging->offset()};
  auto found = c.accounts.List(*who, query);
  if (!found) return ErrorToResponse(found.error());
  Json items = Json::array();
  for (const auto& u : found->items) items.push_back(AccountJson(u));
  return JsonResponse({{"total", found->total}, {"page", paging->page}, {"per_page", paging->per_page}, {"items", std::move(items)}});
}

Result<NewAccount> ParseNewAccount(const http::Request& req) {
  auto body = ParseJsonObject(req);
  if (!body) return Fail(body.error());
  if (auto r = CheckKnownFields(*body, {"username", "role", "scope", "industries", "display_name", "email"}); !r) {
    return Fail(r.error());
  }
  NewAccount account;
  for (auto [name, field, required] :
       {std::tuple{"username", &account.username, true}, {"role", &account.role, true},
        {"scope", &account.scope, false}, {"display_name", &account.display_name, false},
        {"email", &account.email, false}}) {
    auto value = StringField(*body, name, required);
    if (!value) return Fail(value.error());
    *field = std::move(*value);
  }
  if (const auto it = body->find("industries"); it != body->end() && !it->is_null()) {
    const Error wrong = Error::Invalid("invalid_field", "industries 应为行业大类代码的数组", "industries");
    if (!it->is_array() || it->size() > 100) return Fail(wrong);
    for (const auto& v : *it) {
      if (!v.is_string()) return Fail(wrong);
      account.industries.push_back(v.get<std::string>());
    }
  }
  return account;
}

http::Response CreateHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto account = ParseNewAccount(req);
  if (!account) return ErrorToResponse(account.error());
  auto issued = c.accounts.Create(*who, *account, req.request_id);
  if (!issued) return ErrorToResponse(issued.error());
  return JsonResponse(IssuedJson(*issued), 201);
}

Result<int64_t> AccountId(http::Request& req) {
  auto id = ParseInteger(req.path_params["id"]);
  if (!id || *id <= 0) return Fail(Error::NotFound("账号不存在"));
  return *id;
}

http::Response UpdateHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = AccountId(req);
  if (!id) return ErrorToResponse(id.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, {"disabled"}); !r) return ErrorToResponse(r.error());
  const auto disabled = body->find("disabled");
  if (disabled == body->end() || !disabled->is_boolean()) {
    return ErrorToResponse(Error::Invalid("invalid_field", "disabled 应为 true 或 false", "disabled"));
  }
  auto user = c.accounts.SetDisabled(*who, *id, disabled->get<bool>(), req.request_id);
  if (!user) return ErrorToResponse(user.error());
  return JsonResponse(AccountJson(*user));
}

http::Response ResetHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = AccountId(req);
  if (!id) return ErrorToResponse(id.error());
  auto issued = c.accounts.ResetPassword(*who, *id, req.request_id);
  if (!issued) return ErrorToResponse(issued.error());
  return JsonResponse(IssuedJson(*issued));
}

}  // namespace

void RegisterAccountRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/users", RegionAdmins(), [&c](http::Request& r) { return ListHandler(c, r); });
  router.Add("POST", "/api/v1/users", RegionAdmins(), [&c](http::Request& r) { return CreateHandler(c, r); });
  router.Add("PATCH", "/api/v1/users/{id}", RegionAdmins(), [&c](http::Request& r) { return UpdateHandler(c, r); });
  router.Add("POST", "/api/v1/users/{id}/password-reset", RegionAdmins(),
             [&c](http::Request& r) { return ResetHandler(c, r); });
}

}  // namespace rongping::api
