// GET /api/v1/rounds/{round}/datamap: the data map of a round within the
// caller's scope, with small groups withheld.
#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analytics/datamap_scope.h"
#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/lru_cache.h"
#include "campaign/reference.h"
#include "campaign/rounds.h"
#include "core/size_class.h"
#include "domain/enterprise.h"
#include "report/table.h"

namespace rongping::api {
namespace {

Json Number(double v) { return std::isnan(v) ? Json(nullptr) : Json(std::round(v * 100) / 100); }

std::string Label(analytics::Attribute by, const std::string& key, const domain::ReferenceIndex& index) {
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

// The data map as a table for CSV and XLSX: withheld figures are "—"
// (被抑制), never the number; an empty group's count is 0.
report::Table ExportTable(const analytics::DataMap& map, const std::vector<std::string>& labels,
                          const std::string& total_label) {
  const auto& m = *map.model;
  report::Table table;
  table.title = "数据地图";
  table.header = {"分组", "企业数", "平均发展水平"};
  for (const auto& l : m.levels) table.header.push_back(l.title + "（家）");
  for (const auto& k : m.key_indicators) table.header.push_back(k.title + (k.share ? "（%）" : ""));
  using Cell = report::TableCell;
  auto row = [&](const analytics::DataMapCell& cell, const std::string& label) {
    std::vector<Cell> r = {Cell::Text(label)};
    if (!cell.n) {
      r.resize(table.header.size(), Cell::Text(cell.status == "empty" ? "" : "—"));
      r[1] = cell.status == "empty" ? Cell::Number(0) : Cell::Text("—");
    } else {
      r.push_back(Cell::Number(static_cast<double>(*cell.n)));
      r.push_back(Cell::Number(*cell.mean_total, 1));
      for (int64_t v : cell.level_counts) r.push_back(Cell::Number(static_cast<double>(v)));
      for (double v : cell.key_indicators) r.push_back(std::isnan(v) ? Cell::Text("") : Cell::Number(v, 1));
    }
    table.rows.push_back(std::move(r));
  };
  row(map.total, total_label);
  for (size_t i = 0; i < map.cells.size(); ++i) row(map.cells[i], labels[i]);
  return table;
}

// The table as a download named for what it shows: 数据地图（广东省，2016年评估）.xlsx.
http::Response ExportDataMap(const report::Table& table, std::string_view format, const domain::Round& round,
                             const std::string& region) {
  http::Response r;
  if (format == "csv") {
    r.content_type = "text/csv; charset=utf-8";
    r.body = report::TableToCsv(table);
  } else {
    auto bytes = report::TableToXlsx(table);
    if (!bytes) return ErrorToResponse(bytes.error());
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.body = std::move(*bytes);
  }
  r.SetHeader("Content-Disposition",
              AttachmentDisposition(fmt::format("datamap-{}.{}", round.code, format),
                                    fmt::format("{}（{}，{}）.{}", table.title, region, round.name, format)));
  return r;
}

// A data-map request checked against the caller's scope: the query (its
// round left to the caller), the unit it is rooted at ("" = nation) and the
// reference data for labels.
struct DataMapRequest {
  analytics::DataMapQuery query;
  std::string by_name;
  std::string root;
  std::shared_ptr<const domain::ReferenceIndex> index;  // never null
};

Result<DataMapRequest> ParseDataMapRequest(Context& c, http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return Fail(who.error());
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
    return Fail(Error::Invalid(
        "invalid_parameter", "by 应为 unit、industry、industry_group、size、production_type 或 ownership", "by"));
  }
  std::string size(req.Query("size"));
  if (!size.empty() && !ParseSizeClass(size)) {
    return Fail(Error::Invalid("invalid_parameter", "size 应为 large、medium、small 或 micro", "size"));
  }
  auto index = campaign::LoadReference(c.db);
  if (!index) return Fail(index.error());
  DataMapRequest out{{}, by->first, "", std::move(*index)};
  analytics::DataMapQuery& q = out.query;
  q.model = std::string(req.Query("model"));
  q.industry_group = std::string(req.Query("industry_group"));
  q.size = size;
  q.by = by->second;
  q.k = c.options.min_group_size;
  auto root = analytics::ScopeDataMapQuery(*out.index, *who, std::string(req.Query("unit")), &q);
  if (!root) return Fail(root.error());
  out.root = std::move(*root);
  if (auto r = c.results.Current(c.db); !r) return Fail(r.error());
  return out;
}

// The model's levels, dimensions and key indicators, for a legend.
void DescribeModel(const model::Model& m, Json& out) {
  Json levels = Json::array(), dims = Json::array(), keys = Json::array();
  for (const auto& l : m.levels) levels.push_back({{"id", l.id}, {"title", l.title}});
  for (const auto& d : m.dimensions) dims.push_back({{"id", d.id}, {"title", d.title}});
  for (const auto& k : m.key_indicators) {
    keys.push_back({{"id", k.id}, {"title", k.title}, {"type", k.share ? "share" : "mean"}, {"unit", k.unit}});
  }
  out["model"] = {{"id", m.id}, {"title", m.title}, {"reference_only", m.reference_only}};
  out["levels"] = std::move(levels);
  out["dimensions"] = std::move(dims);
  out["key_indicators"] = std::move(keys);
}

std::string TotalLabel(const DataMapRequest& r) {
  return r.root.empty() ? "全国" : r.index->units.at(r.root).name;
}

// Finished JSON data maps. A response is a pure function of the scoped
// query, the results snapshot's position in the change feed and the
// reference lists it is labelled with, which are all in its key (the lists
// by address, held by the entry); a kept one is never stale.
LruCache<KeptJson>& KeptDataMaps() {
  static LruCache<KeptJson> kept(256);  // a map is 5-40 KB: at most ~10 MB
  return kept;
}

std::string DataMapKey(const DataMapRequest& r, int64_t feed_seq) {
  const analytics::DataMapQuery& q = r.query;
  auto set = [](const std::optional<std::set<std::string>>& values) {
    return values ? fmt::format("{}", fmt::join(*values, ",")) : std::string("*");
  };
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", feed_seq,
                     static_cast<const void*>(r.index.get()), q.round, q.model, r.root, r.by_name, q.industry_group,
                     q.size, q.k, set(q.units), set(q.divisions), set(q.parent_units));
}

http::Response DataMapHandler(Context& c, http::Request& req) {
  auto parsed = ParseDataMapRequest(c, req);
  if (!parsed) return ErrorToResponse(parsed.error());
  analytics::DataMapQuery& q = parsed->query;
  q.round = req.path_params["round"];
  std::string_view format = req.Query("format");
  const bool json = format.empty() || format == "json";
  // Read before the map is built: the map shows this position or a later one.
  const std::string key = json ? DataMapKey(*parsed, c.results.last_seq()) : "";
  if (json) {
    if (auto kept = KeptDataMaps().Get(key)) return kept->Response();
  }
  auto map = analytics::BuildDataMap(c.results, q);
  if (!map) return ErrorToResponse(map.error());
  const std::string total_label = TotalLabel(*parsed);
  if (format == "csv" || format == "xlsx") {
    std::vector<std::string> labels;
    for (const auto& cell : map->cells) labels.push_back(Label(q.by, cell.key, *parsed->index));
    auto round = campaign::GetRound(c.db, q.round);
    if (!round) return ErrorToResponse(round.error());
    return ExportDataMap(ExportTable(*map, labels, total_label), format, *round, total_label);
  }
  if (!json) {
    return ErrorToResponse(Error::Invalid("invalid_parameter", "format 应为 json、csv 或 xlsx", "format"));
  }
  Json cells = Json::array();
  for (const auto& cell : map->cells) cells.push_back(CellJson(cell, Label(q.by, cell.key, *parsed->index)));
  Json out{{"round", q.round}, {"unit", parsed->root}, {"by", parsed->by_name}, {"min_group_size", q.k}};
  DescribeModel(*map->model, out);
  out["cells"] = std::move(cells);
  out["total"] = CellJson(map->total, total_label);
  http::Response r = JsonResponse(out);
  KeptDataMaps().Put(key, std::make_shared<const KeptJson>(KeptJson{{parsed->index}, r.body}));
  return r;
}

// GET /api/v1/datamap/trend: the same figures for every round with results
// of one model (the latest round's first, unless `model` says), oldest
// first; each round's table withheld as on its own.
http::Response DataMapTrendHandler(Context& c, http::Request& req) {
  auto parsed = ParseDataMapRequest(c, req);
  if (!parsed) return ErrorToResponse(parsed.error());
  analytics::DataMapQuery& q = parsed->query;
  auto rounds = campaign::ListRounds(c.db);
  if (!rounds) return ErrorToResponse(rounds.error());
  std::sort(rounds->begin(), rounds->end(), [](const domain::Round& a, const domain::Round& b) {
    return std::tie(a.year, a.opens_on, a.code) < std::tie(b.year, b.opens_on, b.code);
  });
  if (q.model.empty()) {
    for (auto r = rounds->rbegin(); r != rounds->rend() && q.model.empty(); ++r) {
      auto models = c.results.ModelsOf(r->code);
      if (!models.empty()) q.model = models.front();
    }
    if (q.model.empty()) return ErrorToResponse(Error::NotFound("尚无已完成的评估结果"));
  }
  const std::string total_label = TotalLabel(*parsed);
  Json points = Json::array(), round_list = Json::array();
  std::map<std::string, Json> series;  // key -> points
  std::shared_ptr<const model::Model> model;
  for (const auto& round : *rounds) {
    q.round = round.code;
    auto map = analytics::BuildDataMap(c.results, q);
    if (!map) {
      if (map.error().kind == ErrorKind::kNotFound) continue;  // no results of the model in this round
      return ErrorToResponse(map.error());
    }
    model = map->model;
    round_list.push_back({{"code", round.code}, {"name", round.name}, {"year", round.year}});
    Json total = CellJson(map->total, total_label);
    total["round"] = round.code;
    points.push_back(std::move(total));
    for (const auto& cell : map->cells) {
      Json point = CellJson(cell, Label(q.by, cell.key, *parsed->index));
      point["round"] = round.code;
      series[cell.key].push_back(std::move(point));
    }
  }
  if (!model) return ErrorToResponse(Error::NotFound("该模型尚无已完成的评估结果"));
  Json out{{"unit", parsed->root}, {"by", parsed->by_name}, {"min_group_size", q.k}, {"rounds", round_list}};
  DescribeModel(*model, out);
  out["total"] = {{"label", total_label}, {"points", std::move(points)}};
  Json groups = Json::array();
  for (auto& [key, group_points] : series) {
    groups.push_back({{"key", key}, {"label", Label(q.by, key, *parsed->index)}, {"points", std::move(group_points)}});
  }
  out["series"] = std::move(groups);
  return JsonResponse(out);
}

}  // namespace

void RegisterDataMapRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/rounds/{round}/datamap", AggregateReaders(), [&c](http::Request& r) { return DataMapHandler(c, r); });
  router.Add("GET", "/api/v1/datamap/trend", AggregateReaders(), [&c](http::Request& r) { return DataMapTrendHandler(c, r); });
}

}  // namespace rongping::api
