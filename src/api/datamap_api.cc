// GET /api/v1/rounds/{round}/datamap: the data map of a round within the
// caller's scope, with small groups withheld.
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "analytics/datamap.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/size_class.h"
#include "enterprise/enterprise.h"
#include "report/spreadsheet.h"
#include "store/units.h"

namespace rongping::api {
namespace {

Json Number(double v) { return std::isnan(v) ? Json(nullptr) : Json(std::round(v * 100) / 100); }

std::string Label(analytics::Attribute by, const std::string& key, const store::ReferenceIndex& index) {
  switch (by) {
    case analytics::Attribute::kUnit: {
      auto u = index.units.find(key);
      return u == index.units.end() ? key : u->second.name;
    }
    case analytics::Attribute::kDivision: {
      auto i = index.industries.find(key);
      return i == index.industries.end() ? key : i->second.name;
    }
    case analytics::Attribute::kSize: {
      auto s = ParseSizeClass(key);
      return s ? std::string(SizeClassLabel(*s)) : key;
    }
    case analytics::Attribute::kProductionType: return std::string(ProductionTypeLabel(key));
    case analytics::Attribute::kOwnership: return key.empty() ? "未填报" : std::string(OwnershipLabel(key));
    default: return key;
  }
}

Json CellJson(const analytics::DataMapCell& cell, const std::string& label) {
  Json j{{"key", cell.key}, {"label", label}, {"status", cell.status}};
  if (!cell.n) {
    j["n"] = nullptr;
    return j;
  }
  j["n"] = *cell.n;
  j["mean_total"] = Number(*cell.mean_total);
  j["level_counts"] = cell.level_counts;
  Json dims = Json::array(), keys = Json::array();
  for (double v : cell.dimension_means) dims.push_back(Number(v));
  for (double v : cell.key_indicators) keys.push_back(Number(v));
  j["dimension_means"] = std::move(dims);
  j["key_indicators"] = std::move(keys);
  return j;
}

// The table as rows of text for CSV and XLSX: withheld figures are "—"
// (被抑制), never the number.
std::vector<std::vector<std::string>> ExportRows(const analytics::DataMap& map,
                                                 const std::vector<std::string>& labels,
                                                 const std::string& total_label) {
  const auto& m = *map.model;
  std::vector<std::string> header = {"分组", "企业数", "平均发展水平"};
  for (const auto& l : m.levels) header.push_back(l.title + "（家）");
  for (const auto& k : m.key_indicators) header.push_back(k.title + (k.share ? "（%）" : ""));
  std::vector<std::vector<std::string>> rows = {header};
  auto row = [&](const analytics::DataMapCell& cell, const std::string& label) {
    std::vector<std::string> r = {label};
    if (!cell.n) {
      r.resize(header.size(), cell.status == "empty" ? "" : "—");
      r[1] = cell.status == "empty" ? "0" : "—";
    } else {
      r.push_back(std::to_string(*cell.n));
      r.push_back(fmt::format("{:.1f}", *cell.mean_total));
      for (int64_t v : cell.level_counts) r.push_back(std::to_string(v));
      for (double v : cell.key_indicators) r.push_back(std::isnan(v) ? "" : fmt::format("{:.1f}", v));
    }
    rows.push_back(std::move(r));
  };
  row(map.total, total_label);
  for (size_t i = 0; i < map.cells.size(); ++i) row(map.cells[i], labels[i]);
  return rows;
}

http::Response ExportDataMap(const std::vector<std::vector<std::string>>& rows, std::string_view format) {
  http::Response r;
  if (format == "csv") {
    std::string csv = "\xEF\xBB\xBF";
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) csv += (i ? "," : "") + report::CsvCell(row[i]);
      csv += "\r\n";
    }
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(csv);
    r.SetHeader("Content-Disposition", "attachment; filename=\"datamap.csv\"");
    return r;
  }
  report::XlsxFile file;
  if (!file.ok()) return ErrorToResponse(Error::Internal("无法创建 Excel 文件"));
  lxw_worksheet* ws = workbook_add_worksheet(file.workbook(), "数据地图");
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < rows[i].size(); ++j) {
      const std::string& v = rows[i][j];
      double number = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
      auto row = static_cast<lxw_row_t>(i);
      auto col = static_cast<lxw_col_t>(j);
      if (i > 0 && j > 0 && !v.empty() && ec == std::errc() && ptr == v.data() + v.size()) {
        worksheet_write_number(ws, row, col, number, nullptr);
      } else {
        worksheet_write_string(ws, row, col, v.c_str(), nullptr);
      }
    }
  }
  auto bytes = file.Finish();
  if (!bytes) return ErrorToResponse(bytes.error());
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.body = std::move(*bytes);
  r.SetHeader("Content-Disposition", "attachment; filename=\"datamap.xlsx\"");
  return r;
}

http::Response DataMapHandler(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (!IsRegionAdmin(who->role) && who->role != Role::kAssociation) {
    return ErrorToResponse(Error::Forbidden("数据地图仅供主管部门和行业协会查看；企业请查看本企业的诊断与对标"));
  }
  static const std::map<std::string, analytics::Attribute, std::less<>> kBy = {
      {"unit", analytics::Attribute::kUnit},
      {"industry", analytics::Attribute::kDivision},
      {"industry_group", analytics::Attribute::kIndustryGroup},
      {"size", analytics::Attribute::kSize},
      {"production_type", analytics::Attribute::kProductionType},
      {"ownership", analytics::Attribute::kOwnership}};
  std::string_view by_text = req.Query("by");
  if (by_text.empty()) by_text = "unit";
  auto by = kBy.find(by_text);
  if (by == kBy.end()) {
    return ErrorToResponse(Error::Invalid(
        "invalid_parameter", "by 应为 unit、industry、industry_group、size、production_type 或 ownership", "by"));
  }
  std::string size(req.Query("size"));
  if (!size.empty() && !ParseSizeClass(size)) {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "size 应为 large、medium、small 或 micro", "size"));
  }
  auto index = InTx(c.db, store::TxMode::kRead, [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
  if (!index) return ErrorToResponse(index.error());
  std::string root(req.Query("unit"));
  if (root.empty() && who->role != Role::kMinistry) root = who->scope_code;
  if (!root.empty() && (!index->units.count(root) ||
                        (who->role != Role::kMinistry && !index->UnitInScope(*who, root)))) {
    return ErrorToResponse(Error::NotFound("单位不存在"));
  }
  analytics::DataMapQuery q;
  q.round = req.path_params["round"];
  q.model = std::string(req.Query("model"));
  q.industry_group = std::string(req.Query("industry_group"));
  q.size = size;
  q.by = by->second;
  q.k = c.options.min_group_size;
  auto subtree = [&](const std::string& top) {
    std::set<std::string> codes;
    for (const auto& [code, u] : index->units) {
      if (index->InSubtree(code, top)) codes.insert(code);
    }
    return codes;
  };
  if (!root.empty()) {
    q.units = subtree(root);
    const std::string& parent = index->units.at(root).parent_code;
    if (!parent.empty() && index->units.count(parent)) q.parent_units = subtree(parent);
  }
  if (who->role == Role::kAssociation) {
    q.divisions.emplace(who->industries.begin(), who->industries.end());
  }
  if (auto r = c.results.CatchUp(c.db); !r) return ErrorToResponse(r.error());
  auto map = analytics::BuildDataMap(c.results, q);
  if (!map) return ErrorToResponse(map.error());
  const auto& m = *map->model;
  Json levels = Json::array(), dims = Json::array(), keys = Json::array();
  for (const auto& l : m.levels) levels.push_back({{"id", l.id}, {"title", l.title}});
  for (const auto& d : m.dimensions) dims.push_back({{"id", d.id}, {"title", d.title}});
  for (const auto& k : m.key_indicators) {
    keys.push_back({{"id", k.id}, {"title", k.title}, {"type", k.share ? "share" : "mean"}, {"unit", k.unit}});
  }
  const std::string total_label = root.empty() ? "全国" : index->units.at(root).name;
  std::string_view format = req.Query("format");
  if (format == "csv" || format == "xlsx") {
    std::vector<std::string> labels;
    for (const auto& cell : map->cells) labels.push_back(Label(q.by, cell.key, *index));
    return ExportDataMap(ExportRows(*map, labels, total_label), format);
  }
  if (!format.empty() && format != "json") {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "format 应为 json、csv 或 xlsx", "format"));
  }
  Json cells = Json::array();
  for (const auto& cell : map->cells) cells.push_back(CellJson(cell, Label(q.by, cell.key, *index)));
  return JsonResponse({{"round", q.round},
                       {"unit", root},
                       {"by", by->first},
                       {"min_group_size", q.k},
                       {"model", {{"id", m.id}, {"title", m.title}, {"reference_only", m.reference_only}}},
                       {"levels", levels},
                       {"dimensions", dims},
                       {"key_indicators", keys},
                       {"cells", cells},
                       {"total", CellJson(map->total, total_label)}});
}

}  // namespace

void RegisterDataMapRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/rounds/{round}/datamap", [&c](http::Request& r) { return DataMapHandler(c, r); });
}

}  // namespace rongping::api
