// /api/v1/enterprises: list, search, detail, create, update, export, import.
// Handlers parse and map; rules live in EnterpriseService and the importer.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/text.h"
#include "core/uscc.h"
#include "enterprise/enterprise_json.h"
#include "importer/enterprise_import.h"
#include "report/table.h"

namespace rongping::api {
namespace {

std::vector<std::string_view> AllowedFields(bool with_version) {
  std::vector<std::string_view> allowed = EnterpriseFieldNames();
  if (with_version) allowed.push_back("version");
  return allowed;
}

Result<EnterpriseQuery> QueryFrom(const http::Request& req) {
  EnterpriseQuery q;
  q.unit = std::string(req.Query("unit"));
  q.industry = std::string(req.Query("industry"));
  q.q = Trim(req.Query("q"));
  q.size = std::string(req.Query("size"));
  if (!IsValidUtf8(q.q) || HasControlCharacter(q.q) || CountCodePoints(q.q) > 100) {
    return Fail(Error::Invalid("invalid_parameter", "搜索词无效：最多100个字符，不含控制字符", "q"));
  }
  // A pasted USCC in any form finds its enterprise.
  if (auto code = ValidateUscc(q.q)) q.q = *code;
  std::string sort(req.Query("sort"));
  if (!sort.empty()) {
    q.descending = sort[0] == '-';
    q.sort = q.descending ? sort.substr(1) : sort;
  }
  auto paging = PagingQuery(req, 20);
  if (!paging) return Fail(paging.error());
  q.page = paging->page;
  q.per_page = paging->per_page;
  return q;
}

http::Response List(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto q = QueryFrom(req);
  if (!q) return ErrorToResponse(q.error());
  auto page = c.enterprises.List(*who, *q);
  if (!page) return ErrorToResponse(page.error());
  Json items = Json::array();
  for (const auto& e : page->items) items.push_back(EnterpriseToJson(e));
  return JsonResponse(
      {{"items", items}, {"total", page->total}, {"page", q->page}, {"per_page", q->per_page}});
}

http::Response Get(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto code = NormalizeUscc(req.path_params["uscc"]);
  auto e = c.enterprises.Get(*who, code);
  if (!e) return ErrorToResponse(e.error());
  return JsonResponse(EnterpriseToJson(*e));
}

http::Response Create(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, AllowedFields(false)); !r) return ErrorToResponse(r.error());
  auto fields = EnterpriseFieldsFromJson(*body, "");
  if (!fields) return ErrorToResponse(fields.error());
  std::vector<Error> details;
  auto e = c.enterprises.Create(*who, *fields, req.request_id, &details);
  if (!e) return ErrorToResponse(e.error(), details);
  auto r = JsonResponse(EnterpriseToJson(*e), 201);
  r.SetHeader("Location", "/api/v1/enterprises/" + e->uscc.str());
  return r;
}

http::Response Update(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto body = ParseJsonObject(req);
  if (!body) return ErrorToResponse(body.error());
  if (auto r = CheckKnownFields(*body, AllowedFields(true)); !r) return ErrorToResponse(r.error());
  auto version = body->find("version");
  if (version == body->end() || !version->is_number_integer()) {
    return ErrorToResponse(Error::Invalid(
        "missing_version", "请提供 version（整数）：修改基于的版本号，用于防止覆盖他人的修改",
        "version"));
  }
  auto fields = EnterpriseFieldsFromJson(*body, "version");
  if (!fields) return ErrorToResponse(fields.error());
  std::vector<Error> details;
  auto e = c.enterprises.Update(*who, NormalizeUscc(req.path_params["uscc"]), *fields,
                                version->get<int64_t>(), req.request_id, &details);
  if (!e) return ErrorToResponse(e.error(), details);
  return JsonResponse(EnterpriseToJson(*e));
}


http::Response Export(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  std::string_view format = req.Query("format");
  if (!format.empty() && format != "csv") {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "format 只支持 csv", "format"));
  }
  auto q = QueryFrom(req);
  if (!q) return ErrorToResponse(q.error());
  q->page = 1;
  q->per_page = 1'000'000;
  auto page = c.enterprises.List(*who, *q);
  if (!page) return ErrorToResponse(page.error());
  report::Table table;
  table.title = "企业名录";
  table.header = {
      "统一社会信用代码", "企业名称", "所属单位代码", "行业代码",   "生产类型", "从业人数",
      "营业收入（万元）", "企业规模", "规模以上",     "所有制类型", "地址",     "联系人",
      "联系电话",         "电子邮箱"};
  using Cell = report::TableCell;
  for (const auto& e : page->items) {
    table.rows.push_back({Cell::Text(e.uscc), Cell::Text(e.name), Cell::Text(e.unit_code),
                          Cell::Text(e.industry_code), Cell::Text(std::string(ProductionTypeLabel(e.production_type))),
                          Cell::Number(static_cast<double>(e.employees)), Cell::Number(e.revenue_10k_yuan, 1),
                          Cell::Text(std::string(SizeClassLabel(e.size_class))), Cell::Text(e.above_scale ? "是" : "否"),
                          Cell::Text(e.ownership ? std::string(OwnershipLabel(*e.ownership)) : ""),
                          Cell::Text(e.address.value_or("")), Cell::Text(e.contact_name.value_or("")),
                          Cell::Text(e.contact_phone.value_or("")), Cell::Text(e.contact_email.value_or(""))});
  }
  std::string csv = report::TableToCsv(table);
  http::Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.SetHeader("Content-Disposition",
              AttachmentDisposition("enterprises.csv", "企业名录.csv"));
  r.body = std::move(csv);
  return r;
}

http::Response Import(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (!IsRegionAdmin(who->role)) {
    return ErrorToResponse(Error::Forbidden("只有主管部门管理员可以导入企业"));
  }
  std::string_view format = req.Query("format");
  if (format.empty()) format = req.body.rfind("PK\x03\x04", 0) == 0 ? "xlsx" : "csv";
  if (format != "csv" && format != "xlsx") {
    return ErrorToResponse(Error::Invalid("unsupported_format", "format 应为 csv 或 xlsx", "format"));
  }
  auto skip = req.Query("skip_invalid");
  if (!skip.empty() && skip != "true" && skip != "false" && skip != "1" && skip != "0") {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "skip_invalid 应为 true 或 false", "skip_invalid"));
  }
  ImportOptions options;
  options.skip_invalid = skip == "true" || skip == "1";
  options.principal = &*who;
  options.actor = who->username;
  options.request_id = req.request_id;
  auto report = ImportEnterprisesFromFile(c.db, req.body, format == "xlsx" ? FileFormat::kXlsx : FileFormat::kCsv,
                                          kUploadLimits, options);
  if (!report) return ErrorToResponse(report.error());
  Json body{{"report", ReportJson(*report)}};
  if (!report->written) {
    body["error"] = {{"code", "invalid_rows"},
                     {"message", fmt::format("{}行数据有误，未导入任何数据；请修正后重新导入，或选择只导入正确的行",
                                             report->invalid_rows)}};
    if (report->invalid_rows == 0) body["error"]["message"] = "表头有误，未导入任何数据";
    return JsonResponse(body, 422);
  }
  return JsonResponse(body);
}

}  // namespace

void RegisterEnterpriseRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/enterprises", LoggedIn(), [&c](http::Request& r) { return List(c, r); });
  router.Add("POST", "/api/v1/enterprises", RegionAdmins(), [&c](http::Request& r) { return Create(c, r); });
  router.Add("GET", "/api/v1/enterprises/export", LoggedIn(), [&c](http::Request& r) { return Export(c, r); });
  router.Add("POST", "/api/v1/enterprises/import", RegionAdmins(), [&c](http::Request& r) { return Import(c, r); });
  router.Add("GET", "/api/v1/enterprises/{uscc}", LoggedIn(), [&c](http::Request& r) { return Get(c, r); });
  router.Add("PATCH", "/api/v1/enterprises/{uscc}", OnlyRoles({Role::kMinistry, Role::kProvince, Role::kUnit, Role::kEnterprise}), [&c](http::Request& r) { return Update(c, r); });
}

}  // namespace rongping::api
