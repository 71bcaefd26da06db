// Enterprise self-registration (enterprise/registration.h):
//   GET  /api/v1/registration-form                 (anyone) the lists the form offers
//   POST /api/v1/registrations                     (anyone) register; always the same answer
//   GET  /api/v1/registrations?state=              the caller's region's registrations
//   POST /api/v1/registrations/{id}/approve        {"username"?}: the account, its password shown once
//   POST /api/v1/registrations/{id}/reject         {"reason"}
#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/reference.h"
#include "core/text.h"
#include "enterprise/enterprise_json.h"
#include "enterprise/registration.h"

namespace rongping::api {
namespace {

constexpr std::string_view kSubmitted =
    "注册申请已提交。如所填信息与属地主管部门已登记的一致，登录密码将发送到联系人邮箱；否则待属地主管部门审核，"
    "审核结果将发送到联系人邮箱。";

http::Response FormHandler(Context& c, http::Request&) {
  auto index = campaign::LoadReference(c.db);
  if (!index) return ErrorToResponse(index.error());
  Json units = Json::array();
  for (const auto& [code, u] : (*index)->units) {
    if ((*index)->IsLeafUnit(code)) units.push_back({{"code", code}, {"name", u.name}});
  }
  Json industries = Json::array();
  for (const auto& [code, i] : (*index)->industries) industries.push_back({{"code", i.code}, {"name", i.name}});
  Json types = Json::array();
  for (const auto& t : ProductionTypes()) types.push_back({{"value", t.value}, {"label", t.label}});
  return JsonResponse({{"units", std::move(units)}, {"industries", std::move(industries)}, {"production_types", std::move(types)}});
}

http::Response SubmitHandler(Context& c, http::Request& req) {
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  std::vector<std::string_view> known = EnterpriseFieldNames();
  known.push_back("username");
  if (auto r = CheckKnownFields(*body, known); !r) return ErrorToResponse(r.error());
  auto username = StringField(*body, "username");
  if (!username) return ErrorToResponse(username.error());
  auto fields = EnterpriseFieldsFromJson(*body, "username");
  if (!fields) return ErrorToResponse(fields.error());
  std::vector<Error> details;
  auto r = SubmitRegistration(c.db, c.auth, c.clock, c.registration_settings(), *fields, *username,
                              req.remote_address, &details);
  if (!r) return ErrorToResponse(r.error(), details);
  c.mail.Wake();  // a registration approved at once has its password to send
  return JsonResponse({{"message", kSubmitted}}, 202);
}

Json RegistrationJson(const RegistrationView& v) {
  const auto& r = v.record;
  return {{"id", r.id},
          {"uscc", r.uscc},
          {"unit_code", r.unit_code},
          {"username", r.username},
          {"contact_email", r.contact_email},
          {"created_at", r.created_at},
          {"state", r.state},
          {"decided_by", OptionalJson(r.decided_by)},
          {"decided_at", OptionalJson(r.decided_at)},
          {"reason", OptionalJson(r.reason)},
          {"submitted", EnterpriseToJson(v.submitted)},
          {"on_record", v.on_record ? EnterpriseToJson(*v.on_record) : Json(nullptr)},
          {"held_elsewhere", v.held_elsewhere},
          {"has_account", v.has_account},
          {"username_taken", v.username_taken}};
}

http::Response ListHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  const std::string state = req.Query("state").empty() ? "pending" : std::string(req.Query("state"));
  auto found = ListRegistrations(c.db, *who, state);
  if (!found) return ErrorToResponse(found.error());
  Json items = Json::array();
  for (const auto& v : *found) items.push_back(RegistrationJson(v));
  return JsonResponse({{"state", state}, {"items", std::move(items)}});
}

Result<int64_t> RegistrationId(http::Request& req) {
  auto id = ParseInteger(req.path_params["id"]);
  if (!id || *id <= 0) return Fail(Error::NotFound("注册申请不存在"));
  return *id;
}

// The decision's body: {"username"} to approve, {"reason"} to reject.
Result<std::string> DecisionField(const http::Request& req, std::string_view name, bool required) {
  auto body = req.body.empty() && !required ? Result<Json>(Json::object()) : ParseJsonObject(req);
  if (!body) return Fail(body.error());
  if (auto r = CheckKnownFields(*body, {name}); !r) return Fail(r.error());
  return StringField(*body, name, required);
}

http::Response DecideHandler(Context& c, http::Request& req, bool approve) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = RegistrationId(req);
  if (!id) return ErrorToResponse(id.error());
  auto value = DecisionField(req, approve ? "username" : "reason", !approve);
  if (!value) return ErrorToResponse(value.error());
  if (!approve) {
    auto rejected = RejectRegistration(c.db, c.clock, c.registration_settings(), *who, *id, *value, req.request_id);
    if (!rejected) return ErrorToResponse(rejected.error());
    c.mail.Wake();
    return JsonResponse({{"id", rejected->id}, {"state", rejected->state}, {"reason", *rejected->reason}});
  }
  auto approved =
      ApproveRegistration(c.db, c.auth, c.clock, c.registration_settings(), *who, *id, *value, req.request_id);
  if (!approved) return ErrorToResponse(approved.error());
  c.mail.Wake();
  const auto& u = approved->account.user;
  return JsonResponse({{"id", *id},
                       {"state", "approved"},
                       {"user", {{"id", u.id}, {"username", u.username}, {"scope", u.scope_code}}},
                       {"one_time_password", approved->account.one_time_password},
                       {"mailed", approved->mailed}});
}

}  // namespace

void RegisterRegistrationRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/registration-form", Anyone(), [&c](http::Request& r) { return FormHandler(c, r); });
  router.Add("POST", "/api/v1/registrations", Anyone(), [&c](http::Request& r) { return SubmitHandler(c, r); });
  router.Add("GET", "/api/v1/registrations", RegionAdmins(), [&c](http::Request& r) { return ListHandler(c, r); });
  router.Add("POST", "/api/v1/registrations/{id}/approve", RegionAdmins(),
             [&c](http::Request& r) { return DecideHandler(c, r, true); });
  router.Add("POST", "/api/v1/registrations/{id}/reject", RegionAdmins(),
             [&c](http::Request& r) { return DecideHandler(c, r, false); });
}

}  // namespace rongping::api
