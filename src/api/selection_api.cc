// GET /api/v1/rounds/{round}/selection: province and ministry admins find
// enterprises for policy support, pilots and demonstrations (评估结果与优惠
// 政策支持相结合) by stage, score, key indicator, industry and unit, within
// their region; as JSON or CSV for Excel.
#include <fmt/format.h>

#include <cmath>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/selection.h"
#include "core/text.h"
#include "report/table.h"

namespace rongping::api {
namespace {

http::Response SelectionCsv(const campaign::Selection& selection) {
  report::Table table;
  table.title = "遴选结果";
  table.header = {"统一社会信用代码", "企业名称", "所属单位", "行业大类", "总分", "发展阶段"};
  using Cell = report::TableCell;
  for (const auto& r : selection.items) {
    table.rows.push_back({Cell::Text(r.uscc), Cell::Text(r.name), Cell::Text(r.unit_name), Cell::Text(r.industry_code),
                          Cell::Number(r.total, 1), Cell::Text(selection.model->levels[r.level].title)});
  }
  http::Response resp;
  resp.content_type = "text/csv; charset=utf-8";
  resp.SetHeader("Content-Disposition", AttachmentDisposition("selection.csv", "遴选结果.csv"));
  resp.body = report::TableToCsv(table);
  return resp;
}

Json SelectionJson(const campaign::Selection& selection) {
  const model::Model& m = *selection.model;
  Json items = Json::array();
  for (const auto& r : selection.items) {
    items.push_back(
        {{"uscc", r.uscc},
         {"name", r.name},
         {"unit_code", r.unit_code},
         {"industry_code", r.industry_code},
         {"total", std::round(r.total * 100) / 100},
         {"level", {{"id", m.levels[r.level].id}, {"title", m.levels[r.level].title}}}});
  }
  return {{"round", selection.round},
          {"model", m.id},
          {"matched", selection.matched},
          {"truncated", selection.truncated},
          {"items", items}};
}

http::Response SelectionHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto min_total = ParseDecimal(req.Query("min_total").empty() ? "0" : req.Query("min_total"));
  if (!min_total) {
    return ErrorToResponse(
        Error::Invalid("invalid_parameter", "min_total 应为 0 至 100 之间的数值", "min_total"));
  }
  campaign::SelectionQuery q{req.path_params["round"],
                             std::string(req.Query("model")),
                             *min_total,
                             std::string(req.Query("unit")),
                             std::string(req.Query("industry_group")),
                             std::string(req.Query("min_level")),
                             std::string(req.Query("key_indicator"))};
  auto selection = campaign::SelectEnterprises(c.db, c.results, *who, q);
  if (!selection) return ErrorToResponse(selection.error());
  if (req.Query("format") == "csv") return SelectionCsv(*selection);
  return JsonResponse(SelectionJson(*selection));
}

}  // namespace

void RegisterSelectionRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/rounds/{round}/selection", ProvinceAdmins(),
             [&c](http::Request& r) { return SelectionHandler(c, r); });
}

}  // namespace rongping::api
