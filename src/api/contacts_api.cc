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

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/contacts.h"
#include "core/time.h"
#include "store/audit.h"
#include "store/campaign.h"
#include "store/units.h"

namespace rongping::api {
namespace {

constexpr std::string_view kForbidden = "只有工信部、省级和地市管理员可以查看或填报联系人表";
constexpr std::string_view kUnitNotFound =
    "该评估周期中没有这个单位的联系人表，或该单位不在您的管辖范围内";

// The round, the reference index and the units of the round the caller
// handles, read in `tx`. 404 when the round is absent or none of its units
// is the caller's (a province admin of another province, a unit admin of a
// unit the round does not ask).
struct RoundView {
  store::RoundRecord round;
  store::ReferenceIndex index;
  std::vector<std::string> units;  // campaign::ContactUnitsFor
  bool Has(std::string_view unit) const {
    return std::find(units.begin(), units.end(), unit) != units.end();
  }
};

Result<RoundView> LoadRoundView(store::Tx& tx, const Principal& who, const std::string& code) {
  auto round = store::FindRound(tx, code);
  if (!round) return Fail(round.error());
  if (!*round) return Fail(Error::NotFound("评估周期不存在"));
  auto index = store::LoadReferenceIndex(tx);
  if (!index) return Fail(index.error());
  RoundView v{std::move(**round), std::move(*index), {}};
  v.units = campaign::ContactUnitsFor(who, v.round, v.index);
  bool visible = who.role == Role::kMinistry ||
                 (who.role == Role::kProvince && v.index.UnitInScope(who, v.round.province_code)) ||
                 !v.units.empty();
  if (!visible) return Fail(Error::NotFound("评估周期不存在"));
  return v;
}

const std::string& UnitName(const store::ReferenceIndex& index, const std::string& code) {
  auto it = index.units.find(code);
  return it == index.units.end() ? code : it->second.name;
}

http::Response PutContactsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (!campaign::MayHandleContacts(*who))
    return ErrorToResponse(Error::Forbidden(std::string(kForbidden)));
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  const std::string round_code = req.path_params["round"], unit = req.path_params["unit"];
  std::vector<Error> details;
  // Scope first (404 before 422: nothing about a unit outside the caller's
  // scope is revealed), then the form; an invalid form writes nothing.
  auto saved = InTx(c.db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<Json> {
    auto view = LoadRoundView(tx, *who, round_code);
    if (!view) return Fail(view.error());
    if (!view->Has(unit)) return Fail(Error::NotFound(std::string(kUnitNotFound)));
    campaign::ContactForm form;
    details = campaign::ValidateContactForm(*body, &form);
    if (!details.empty()) return Fail(details.front());
    auto before = campaign::LoadUnitContacts(tx, round_code, unit);
    if (!before) return Fail(before.error());
    auto stored =
        campaign::SaveUnitContacts(tx, round_code, unit, form, who->username, NowRfc3339());
    if (!stored) return Fail(stored.error());
    Json after = campaign::ContactFormToJson(stored->form);
    std::optional<std::string> before_json;
    if (*before) before_json = campaign::ContactFormToJson((*before)->form).dump();
    if (auto a = store::RecordAudit(
            tx, {0, "", who->username, "contacts.put", "contacts", round_code + "/" + unit,
                 before_json, after.dump(), req.request_id});
        !a) {
      return Fail(a.error());
    }
    return campaign::UnitContactsToJson(round_code, unit, UnitName(view->index, unit), *stored,
                                        view->round.contacts_due);
  });
  if (!saved) return ErrorToResponse(saved.error(), details);
  return JsonResponse(*saved);
}

http::Response GetContactsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (!campaign::MayHandleContacts(*who))
    return ErrorToResponse(Error::Forbidden(std::string(kForbidden)));
  const std::string round_code = req.path_params["round"], unit = req.path_params["unit"];
  auto out = InTx(c.db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<Json> {
    auto view = LoadRoundView(tx, *who, round_code);
    if (!view) return Fail(view.error());
    if (!view->Has(unit)) return Fail(Error::NotFound(std::string(kUnitNotFound)));
    auto stored = campaign::LoadUnitContacts(tx, round_code, unit);
    if (!stored) return Fail(stored.error());
    return campaign::UnitContactsToJson(round_code, unit, UnitName(view->index, unit), *stored,
                                        view->round.contacts_due);
  });
  if (!out) return ErrorToResponse(out.error());
  return JsonResponse(*out);
}

http::Response ListContactsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (!campaign::MayHandleContacts(*who))
    return ErrorToResponse(Error::Forbidden(std::string(kForbidden)));
  std::string_view format = req.Query("format");
  if (!format.empty() && format != "json" && format != "csv" && format != "xlsx") {
    return ErrorToResponse(
        Error::Invalid("invalid_parameter", "format 应为 json、csv 或 xlsx", "format"));
  }
  std::string as_of(req.Query("as_of"));
  if (as_of.empty()) as_of = TodayInChina();
  if (!ParseDateDays(as_of)) {
    return ErrorToResponse(
        Error::Invalid("invalid_parameter", "as_of 应为日期，如 2016-05-10", "as_of"));
  }
  const std::string round_code = req.path_params["round"];
  auto overview =
      InTx(c.db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<campaign::ContactsOverview> {
        auto view = LoadRoundView(tx, *who, round_code);
        if (!view) return Fail(view.error());
        auto stored = campaign::ListRoundContacts(tx, round_code);
        if (!stored) return Fail(stored.error());
        return campaign::BuildContactsOverview(view->round, view->index, view->units, *stored,
                                               as_of);
      });
  if (!overview) return ErrorToResponse(overview.error());
  if (format.empty() || format == "json")
    return JsonResponse(campaign::ContactsOverviewToJson(*overview));
  http::Response r;
  std::string filename = fmt::format("contacts-{}", overview->round_code);
  if (format == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.body = campaign::ContactsToCsv(*overview);
    filename += ".csv";
  } else {
    auto bytes = campaign::ContactsToXlsx(*overview);
    if (!bytes) return ErrorToResponse(bytes.error());
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.body = std::move(*bytes);
    filename += ".xlsx";
  }
  r.SetHeader("Content-Disposition", fmt::format("attachment; filename=\"{}\"", filename));
  return r;
}

}  // namespace

void RegisterContactRoutes(http::Router& router, Context& c) {
  auto bind = [&c](http::Response (*f)(Context&, http::Request&)) {
    return [&c, f](http::Request& r) { return f(c, r); };
  };
  router.Add("GET", "/api/v1/rounds/{round}/contacts", RegionAdmins(), bind(ListContactsHandler));
  router.Add("GET", "/api/v1/rounds/{round}/contacts/{unit}", RegionAdmins(), bind(GetContactsHandler));
  router.Add("PUT", "/api/v1/rounds/{round}/contacts/{unit}", RegionAdmins(), bind(PutContactsHandler));
}

}  // namespace rongping::api
