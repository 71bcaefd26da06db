// /api/v1/support-measures and /api/v1/typical-cases: 政策联动. Region admins
// record support measures and the enterprises that received each (by hand,
// from the selection, or from a spreadsheet), read a measure's before and
// after against comparable enterprises (JSON or Excel), and mark cases as
// examples (典型经验) for the yearly report.
#include <fmt/format.h>

#include <cmath>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/reference.h"
#include "campaign/support.h"
#include "campaign/support_effect.h"
#include "core/text.h"
#include "core/uscc.h"
#include "importer/support_import.h"
#include "report/table.h"

namespace rongping::api {
namespace {

namespace cs = campaign;

Json Amount(const std::optional<double>& amount) { return amount ? Json(*amount) : Json(nullptr); }

Json MeasureJson(const domain::SupportMeasure& m, const std::string& unit_name) {
  return {{"id", m.id},
          {"name", m.name},
          {"kind", m.kind},
          {"kind_label", domain::SupportKindLabel(m.kind)},
          {"year", m.year},
          {"amount_10k_yuan", Amount(m.amount_10k_yuan)},
          {"unit_code", m.unit_code},
          {"unit_name", unit_name},
          {"note", m.note},
          {"recipients", m.recipients},
          {"created_by", m.created_by},
          {"created_at", m.created_at},
          {"updated_at", m.updated_at},
          {"version", m.version}};
}

// An integer member; nullopt when absent (or null and not required).
Result<std::optional<int64_t>> IntField(const Json& body, std::string_view name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (!required) return std::optional<int64_t>();
    return Fail(
        Error::Invalid("missing_field", fmt::format("缺少字段 {}", name), std::string(name)));
  }
  if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX)) {
    return Fail(
        Error::Invalid("wrong_type", fmt::format("字段 {} 应为整数", name), std::string(name)));
  }
  return std::optional<int64_t>(it->get<int64_t>());
}

// A number member; nullopt when absent or null.
Result<std::optional<double>> NumberField(const Json& body, std::string_view name,
                                          const std::string& field) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<double>();
  if (!it->is_number()) return Fail(Error::Invalid("wrong_type", "金额（万元）应为数值", field));
  return std::optional<double>(it->get<double>());
}

Result<cs::MeasureInput> MeasureFromBody(const http::Request& req, bool update) {
  auto body = ParseJsonObject(req);
  if (!body) return Fail(body.error());
  std::vector<std::string_view> allowed = {"name", "kind", "year", "amount_10k_yuan", "note"};
  allowed.push_back(update ? "version" : "unit_code");
  if (auto ok = CheckKnownFields(*body, allowed); !ok) return Fail(ok.error());
  cs::MeasureInput in;
  auto name = StringField(*body, "name");
  auto kind = StringField(*body, "kind");
  auto note = StringField(*body, "note", false);
  auto unit = StringField(*body, "unit_code", false);
  for (const auto* r : {&name, &kind, &note, &unit}) {
    if (!*r) return Fail(r->error());
  }
  auto year = IntField(*body, "year", true);
  if (!year) return Fail(year.error());
  if (**year < 0 || **year > 9999)
    return Fail(Error::Invalid("invalid_field", "年度应为 2000 至 2100 之间的年份", "year"));
  auto amount = NumberField(*body, "amount_10k_yuan", "amount_10k_yuan");
  if (!amount) return Fail(amount.error());
  auto version = IntField(*body, "version", update);
  if (!version) return Fail(version.error());
  in.name = *name;
  in.kind = *kind;
  in.note = *note;
  in.unit_code = *unit;
  in.year = static_cast<int>(**year);
  in.amount_10k_yuan = *amount;
  in.version = version->value_or(0);
  return in;
}

http::Response ListHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto year = IntQuery(req, "year", 0, 0, 9999);
  if (!year) return ErrorToResponse(year.error());
  std::vector<std::string> unit_names;
  auto measures = cs::ListMeasures(c.db, *who, static_cast<int>(*year), &unit_names);
  if (!measures) return ErrorToResponse(measures.error());
  Json items = Json::array();
  for (size_t i = 0; i < measures->size(); ++i)
    items.push_back(MeasureJson((*measures)[i], unit_names[i]));
  Json kinds = Json::array();
  for (const auto& k : domain::SupportKinds()) kinds.push_back({{"id", k.id}, {"label", k.label}});
  return JsonResponse({{"items", items}, {"kinds", kinds}});
}

http::Response CreateHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto in = MeasureFromBody(req, false);
  if (!in) return ErrorToResponse(in.error());
  auto m = cs::CreateMeasure(c.db, *who, *in, req.request_id);
  if (!m) return ErrorToResponse(m.error());
  auto index = cs::LoadReference(c.db);
  if (!index) return ErrorToResponse(index.error());
  return JsonResponse(MeasureJson(*m, (*index)->UnitName(m->unit_code)), 201);
}

Json DetailJson(const cs::MeasureDetail& d) {
  Json out = MeasureJson(d.measure, d.unit_name);
  Json recipients = Json::array();
  for (const auto& r : d.recipients) {
    recipients.push_back({{"uscc", r.recipient.uscc},
                          {"name", r.name},
                          {"unit_code", r.unit_code},
                          {"unit_name", r.unit_name},
                          {"amount_10k_yuan", Amount(r.recipient.amount_10k_yuan)},
                          {"note", r.recipient.note},
                          {"added_by", r.recipient.added_by},
                          {"added_at", r.recipient.added_at}});
  }
  out["recipients"] = std::move(recipients);
  return out;
}

http::Response GetHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "id", "支持措施不存在");
  if (!id) return ErrorToResponse(id.error());
  auto detail = cs::GetMeasure(c.db, *who, *id);
  if (!detail) return ErrorToResponse(detail.error());
  return JsonResponse(DetailJson(*detail));
}

http::Response UpdateHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "id", "支持措施不存在");
  if (!id) return ErrorToResponse(id.error());
  auto in = MeasureFromBody(req, true);
  if (!in) return ErrorToResponse(in.error());
  auto m = cs::UpdateMeasure(c.db, *who, *id, *in, req.request_id);
  if (!m) return ErrorToResponse(m.error());
  auto index = cs::LoadReference(c.db);
  if (!index) return ErrorToResponse(index.error());
  return JsonResponse(MeasureJson(*m, (*index)->UnitName(m->unit_code)));
}

http::Response DeleteHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "id", "支持措施不存在");
  if (!id) return ErrorToResponse(id.error());
  if (auto r = cs::DeleteMeasure(c.db, *who, *id, req.request_id); !r)
    return ErrorToResponse(r.error());
  return JsonResponse({{"deleted", true}});
}

// The items of a request to add recipients; 422 naming `items[i].field`.
Result<std::vector<cs::RecipientInput>> RecipientsFromBody(const Json& body) {
  if (auto ok = CheckKnownFields(body, {"items"}); !ok) return Fail(ok.error());
  auto items = body.find("items");
  if (items == body.end())
    return Fail(Error::Invalid("missing_field", "缺少字段 items（企业列表）", "items"));
  if (!items->is_array()) return Fail(Error::Invalid("wrong_type", "items 应为企业列表", "items"));
  if (items->size() > cs::kMaxRecipientsAdded) {
    return Fail(Error::TooLarge(fmt::format("一次最多添加 {} 家企业", cs::kMaxRecipientsAdded)));
  }
  std::vector<cs::RecipientInput> out;
  for (size_t i = 0; i < items->size(); ++i) {
    const Json& item = (*items)[i];
    const std::string at = fmt::format("items[{}]", i);
    if (!item.is_object()) return Fail(Error::Invalid("wrong_type", "每一项应为对象", at));
    if (auto ok = CheckKnownFields(item, {"uscc", "amount_10k_yuan", "note"}); !ok) {
      Error e = ok.error();
      e.field = at + "." + e.field;
      return Fail(e);
    }
    auto uscc = StringField(item, "uscc");
    auto note = StringField(item, "note", false);
    auto amount = NumberField(item, "amount_10k_yuan", at + ".amount_10k_yuan");
    if (!uscc) return Fail(Error::Invalid("missing_field", "请填写统一社会信用代码", at + ".uscc"));
    if (!note) return Fail(Error::Invalid("wrong_type", "备注应为文字", at + ".note"));
    if (!amount) return Fail(amount.error());
    out.push_back({*uscc, *amount, *note, static_cast<int>(i)});
  }
  return out;
}

http::Response AddRecipientsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "id", "支持措施不存在");
  if (!id) return ErrorToResponse(id.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  auto inputs = RecipientsFromBody(*body);
  if (!inputs) return ErrorToResponse(inputs.error());
  std::vector<cs::RecipientProblem> problems;
  auto added = cs::AddRecipients(c.db, *who, *id, *inputs, req.request_id, &problems);
  if (!added) {
    std::vector<Error> details;
    for (const auto& p : problems) {
      details.push_back(
          Error::Invalid("invalid_field", p.message, fmt::format("items[{}].{}", p.row, p.field)));
    }
    Error e = added.error();
    if (!details.empty()) e.field = details.front().field;
    return ErrorToResponse(e, details);
  }
  return JsonResponse(
      {{"added", added->added}, {"updated", added->updated}, {"unchanged", added->unchanged}});
}

http::Response ImportRecipientsHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "id", "支持措施不存在");
  if (!id) return ErrorToResponse(id.error());
  std::string_view format = req.Query("format");
  if (format.empty()) format = req.body.rfind("PK\x03\x04", 0) == 0 ? "xlsx" : "csv";
  if (format != "csv" && format != "xlsx") {
    return ErrorToResponse(
        Error::Invalid("unsupported_format", "format 应为 csv 或 xlsx", "format"));
  }
  auto report = ImportSupportRecipients(c.db, *who, *id, req.body,
                                        format == "xlsx" ? FileFormat::kXlsx : FileFormat::kCsv,
                                        kUploadLimits, req.request_id);
  if (!report) return ErrorToResponse(report.error());
  Json body{{"report", ReportJson(*report)}};
  if (!report->written) {
    body["error"] = {{"code", "invalid_rows"},
                     {"message", report->invalid_rows == 0
                                     ? std::string("表头有误，未导入任何企业")
                                     : fmt::format("{}行数据有误，未导入任何企业；请修正后重新导入",
                                                   report->invalid_rows)}};
    return JsonResponse(body, 422);
  }
  return JsonResponse(body);
}

http::Response RemoveRecipientHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto id = PathId(req, "id", "支持措施不存在");
  if (!id) return ErrorToResponse(id.error());
  auto r =
      cs::RemoveRecipient(c.db, *who, *id, NormalizeUscc(req.path_params["uscc"]), req.request_id);
  if (!r) return ErrorToResponse(r.error());
  return JsonResponse({{"deleted", true}});
}

}  // namespace

void RegisterSupportEffectRoutes(http::Router& router, Context& c);
void RegisterTypicalCaseRoutes(http::Router& router, Context& c);

void RegisterSupportRoutes(http::Router& router, Context& c) {
  auto bind = [&c](http::Response (*h)(Context&, http::Request&)) {
    return [&c, h](http::Request& r) { return h(c, r); };
  };
  router.Add("GET", "/api/v1/support-measures", RegionAdmins(), bind(ListHandler));
  router.Add("POST", "/api/v1/support-measures", RegionAdmins(), bind(CreateHandler));
  router.Add("GET", "/api/v1/support-measures/{id}", RegionAdmins(), bind(GetHandler));
  router.Add("PUT", "/api/v1/support-measures/{id}", RegionAdmins(), bind(UpdateHandler));
  router.Add("DELETE", "/api/v1/support-measures/{id}", RegionAdmins(), bind(DeleteHandler));
  router.Add("POST", "/api/v1/support-measures/{id}/recipients", RegionAdmins(),
             bind(AddRecipientsHandler));
  router.Add("POST", "/api/v1/support-measures/{id}/recipients/import", RegionAdmins(),
             bind(ImportRecipientsHandler));
  router.Add("DELETE", "/api/v1/support-measures/{id}/recipients/{uscc}", RegionAdmins(),
             bind(RemoveRecipientHandler));
  RegisterSupportEffectRoutes(router, c);
  RegisterTypicalCaseRoutes(router, c);
}

}  // namespace rongping::api
