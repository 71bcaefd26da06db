// GET /api/v1/rounds/{round}/selection: province and ministry admins find
// enterprises for policy support, pilots and demonstrations (评估结果与优惠
// 政策支持相结合) by stage, score, key indicator, industry and unit, within
// their region; as JSON or CSV for Excel.
#include <cmath>

#include <fmt/format.h>

#include "analytics/results_snapshot.h"
#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/text.h"
#include "report/spreadsheet.h"
#include "store/enterprises.h"
#include "store/units.h"

namespace rongping::api {
namespace {

constexpr size_t kMaxRows = 5000;

struct Selected {
  std::string uscc;
  std::string unit;
  std::string division;
  double total;
  int level;
};

http::Response SelectionHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (who->role != Role::kProvince && who->role != Role::kMinistry) {
    return ErrorToResponse(Error::Forbidden("只有省级及以上管理员可以按评估结果遴选企业"));
  }
  const std::string round = req.path_params["round"];
  std::string model_id(req.Query("model"));
  if (model_id.empty()) {
    if (auto r = c.results.CatchUp(c.db); !r) return ErrorToResponse(r.error());
    auto models = c.results.ModelsOf(round);
    if (models.empty()) return ErrorToResponse(Error::NotFound("该评估周期尚无已完成的评估结果"));
    model_id = models.front();
  }
  auto min_total = ParseDecimal(req.Query("min_total").empty() ? "0" : req.Query("min_total"));
  if (!min_total || *min_total < 0 || *min_total > 100) {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "min_total 应为 0 至 100 之间的数值", "min_total"));
  }
  auto index = InTx(c.db, store::TxMode::kRead, [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
  if (!index) return ErrorToResponse(index.error());
  std::string root(req.Query("unit"));
  if (root.empty() && who->role == Role::kProvince) root = who->scope_code;
  if (!root.empty() && (!index->units.count(root) ||
                        (who->role != Role::kMinistry && !index->UnitInScope(*who, root)))) {
    return ErrorToResponse(Error::NotFound("单位不存在"));
  }
  std::string industry_group(req.Query("industry_group"));
  if (!industry_group.empty() && !index->IsIndustryGroup(industry_group)) {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "industry_group 不是已知的行业组", "industry_group"));
  }
  std::string min_level_id(req.Query("min_level")), key_id(req.Query("key_indicator"));
  if (auto r = c.results.CatchUp(c.db); !r) return ErrorToResponse(r.error());
  std::vector<Selected> rows;
  std::optional<Error> problem;
  std::shared_ptr<const model::Model> model;
  bool found = c.results.Read(round, model_id, [&](const analytics::ResultColumns& col,
                                                    const analytics::ResultsSnapshot& s) {
    model = col.model;
    int min_level = 0;
    if (!min_level_id.empty()) {
      min_level = -1;
      for (size_t i = 0; i < model->levels.size(); ++i) {
        if (model->levels[i].id == min_level_id) min_level = static_cast<int>(i);
      }
      if (min_level < 0) {
        problem = Error::Invalid("invalid_parameter", "min_level 不是该模型的阶段（等级）标识", "min_level");
        return;
      }
    }
    int key = -1;
    if (!key_id.empty()) {
      for (size_t i = 0; i < model->key_indicators.size(); ++i) {
        if (model->key_indicators[i].id == key_id && model->key_indicators[i].share) key = static_cast<int>(i);
      }
      if (key < 0) {
        problem = Error::Invalid("invalid_parameter", "key_indicator 应为该模型的布尔型关键指标标识", "key_indicator");
        return;
      }
    }
    auto value = [&](analytics::Attribute a, size_t row) -> const std::string& {
      return s.Dictionary(a)[col.attributes[static_cast<int>(a)][row]];
    };
    for (size_t row = 0; row < col.total.size(); ++row) {
      const std::string& unit = value(analytics::Attribute::kUnit, row);
      if (!root.empty() && !index->InSubtree(unit, root)) continue;
      if (col.level[row] < min_level || col.total[row] < *min_total) continue;
      if (key >= 0 && !(col.key_indicators[key][row] == 1.0)) continue;
      if (!industry_group.empty() && value(analytics::Attribute::kIndustryGroup, row) != industry_group) continue;
      rows.push_back({analytics::ToString(col.uscc[row]), unit, value(analytics::Attribute::kDivision, row), col.total[row],
                      col.level[row]});
    }
  });
  if (problem) return ErrorToResponse(*problem);
  if (!found) return ErrorToResponse(Error::NotFound("该评估周期尚无该模型的已完成评估结果"));
  std::sort(rows.begin(), rows.end(), [](const Selected& a, const Selected& b) {
    return a.total != b.total ? a.total > b.total : a.uscc < b.uscc;
  });
  size_t matched = rows.size();
  if (rows.size() > kMaxRows) rows.resize(kMaxRows);
  // Names from the store, scoped as every read is.
  std::map<std::string, std::string> names;
  auto loaded = InTx(c.db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<bool> {
    for (const auto& r : rows) {
      auto e = store::FindEnterprise(tx, *who, r.uscc);
      if (!e) return Fail(e.error());
      if (*e) names[r.uscc] = (*e)->name;
    }
    return true;
  });
  if (!loaded) return ErrorToResponse(loaded.error());
  if (req.Query("format") == "csv") {
    std::string csv = "\xEF\xBB\xBF统一社会信用代码,企业名称,所属单位,行业大类,总分,发展阶段\r\n";
    for (const auto& r : rows) {
      if (!names.count(r.uscc)) continue;
      csv += fmt::format("{},{},{},{},{:.1f},{}\r\n", r.uscc, report::CsvCell(names[r.uscc]),
                         report::CsvCell(index->units.at(r.unit).name), r.division, r.total,
                         model->levels[r.level].title);
    }
    http::Response resp;
    resp.content_type = "text/csv; charset=utf-8";
    resp.SetHeader("Content-Disposition", "attachment; filename=\"selection.csv\"");
    resp.body = std::move(csv);
    return resp;
  }
  Json items = Json::array();
  for (const auto& r : rows) {
    if (!names.count(r.uscc)) continue;
    items.push_back({{"uscc", r.uscc},
                     {"name", names[r.uscc]},
                     {"unit_code", r.unit},
                     {"industry_code", r.division},
                     {"total", std::round(r.total * 100) / 100},
                     {"level", {{"id", model->levels[r.level].id}, {"title", model->levels[r.level].title}}}});
  }
  return JsonResponse({{"round", round}, {"model", model->id}, {"matched", matched},
                       {"truncated", matched > rows.size()}, {"items", items}});
}

}  // namespace

void RegisterSelectionRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/rounds/{round}/selection", ProvinceAdmins(),
             [&c](http::Request& r) { return SelectionHandler(c, r); });
}

}  // namespace rongping::api
