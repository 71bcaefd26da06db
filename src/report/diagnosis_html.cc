#include "report/diagnosis_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <optional>
#include <vector>

#include "report/circular_html.h"

namespace rongping::report {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kStyle = R"CSS(
*{box-sizing:border-box}
body{margin:0;background:#f2f2f2;color:#000;
 font-family:"FangSong","仿宋","FangSong_GB2312","仿宋_GB2312","STFangsong","SimSun","宋体","Songti SC",serif;
 font-size:16px;line-height:1.75}
.page{max-width:210mm;margin:24px auto;background:#fff;padding:25mm 20mm;box-shadow:0 0 6px rgba(0,0,0,.15)}
h1{font-family:"SimHei","黑体","Heiti SC","Microsoft YaHei","微软雅黑",sans-serif;font-size:22px;
 font-weight:bold;text-align:center;line-height:1.5;margin:0 0 20px}
h2{font-family:"SimHei","黑体","Heiti SC",sans-serif;font-size:16px;font-weight:bold;margin:22px 0 6px}
h3{font-family:"SimHei","黑体","Heiti SC",sans-serif;font-size:15px;font-weight:bold;margin:12px 0 4px}
p{margin:0 0 8px;text-indent:2em;text-align:justify}
table{width:100%;border-collapse:collapse;margin:10px 0 6px;font-size:13px;line-height:1.4}
th,td{border:1px solid #000;padding:3px 5px}
th{font-weight:bold;text-align:center;background:#f0f0f0}
td.name{text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bar{padding:1px 4px;width:156px}
table.info th{width:9em;text-align:left}
.reference{border:1px solid #000;padding:4px 8px;text-indent:0;font-weight:bold}
.figure{text-align:center;margin:8px 0}
svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}
svg text{font-family:"SimHei","黑体","Heiti SC",sans-serif;font-size:12px;fill:#000}
svg text.tick{font-size:9px;fill:#666}
.grid,.axis{fill:none;stroke:#bbb;stroke-width:.6}
.enterprise{fill:rgba(192,0,0,.15);stroke:#c00000;stroke-width:2}
.peer-median{fill:none;stroke:#1f4e79;stroke-width:1.5}
.peer-p75{fill:none;stroke:#1f4e79;stroke-width:1.2;stroke-dasharray:5 3}
.track{fill:#eee}
.bar-enterprise{fill:#c00000}
.bar-peer{fill:#1f4e79}
ol.advice{margin:0 0 8px;padding-left:2em}
ol.advice li{margin-bottom:4px;text-align:justify}
.note{font-size:13px;text-indent:0;line-height:1.5}
.footer{margin-top:28px;border-top:1px solid #000;padding-top:6px}
@media print{
 @page{size:A4 portrait;margin:25mm 20mm}
 body{background:#fff;font-size:12pt}
 .page{max-width:none;margin:0;padding:0;box-shadow:none}
 h1{font-size:18pt}
 h2{break-after:avoid;page-break-after:avoid}
 table{font-size:10pt}
 th{background:none}
 thead{display:table-header-group}
 tr,.figure,li{page-break-inside:avoid;break-inside:avoid}
}
)CSS";

// Radar layout, in SVG user units.
constexpr double kRadarWidth = 520;
constexpr double kRadarHeight = 350;
constexpr double kRadarCenterX = 260;
constexpr double kRadarCenterY = 170;
constexpr double kRadarRadius = 120;
constexpr double kBarWidth = 150;

// ---- Reading the JSON without throwing on its shape.

const Json& Field(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// The array itself, or an empty one for anything else.
const Json& Items(const Json& array) {
  static const Json kEmpty = Json::array();
  return array.is_array() ? array : kEmpty;
}

// The element of `array` whose "id" is `id`; null when there is none.
const Json& ById(const Json& array, const Json& id) {
  static const Json kNull;
  for (const Json& item : Items(array)) {
    if (id.is_string() && Field(item, "id") == id) return item;
  }
  return kNull;
}

std::optional<double> Number(const Json& value) {
  if (!value.is_number()) return std::nullopt;
  double v = value.get<double>();
  return std::isfinite(v) ? std::optional(v) : std::nullopt;
}

std::string RawText(const Json& value) { return value.is_string() ? value.get<std::string>() : ""; }

std::string Text(const Json& value) { return HtmlEscape(RawText(value)); }

// ---- Formatting.

// One decimal ("33.3"), never "-0.0".
std::string Fixed1(double v) {
  double rounded = std::round(v * 10) / 10;
  return fmt::format("{:.1f}", rounded == 0 ? 0.0 : rounded);
}

std::string OneDecimal(std::optional<double> v) { return v ? Fixed1(*v) : "—"; }

std::string OneDecimal(const Json& value) { return OneDecimal(Number(value)); }

std::string Count(const Json& value) {
  auto v = Number(value);
  return v ? fmt::format("{:.0f}", *v) : "—";
}

std::string StatusText(const Json& status) {
  static const std::map<std::string, std::string, std::less<>> kStatus = {
      {"approved", "已审核"}, {"submitted", "已提交"}, {"draft", "填报中"}, {"rejected", "已退回"}};
  auto it = kStatus.find(RawText(status));
  return it == kStatus.end() ? Text(status) : it->second;
}

std::string Cell(std::string_view css_class, std::string_view escaped_html) {
  return fmt::format("<td class=\"{}\">{}</td>", css_class, escaped_html);
}

std::string HeaderRow(std::initializer_list<std::string_view> titles) {
  std::string html = "<thead><tr>";
  for (auto title : titles) html += fmt::format("<th>{}</th>", title);
  return html + "</tr></thead>\n<tbody>\n";
}

// ---- Charts.

struct Point {
  double x, y;
};

// Axis `axis` of `axes` points at -90° + axis·360°/axes (the first straight
// up); `value` is clamped to [0, 100] and drawn at value/100 of the radius.
Point RadarPoint(size_t axis, size_t axes, double value) {
  double angle = (-90.0 + 360.0 * static_cast<double>(axis) / static_cast<double>(axes)) *
                 std::numbers::pi / 180;
  double r = std::clamp(value, 0.0, 100.0) / 100 * kRadarRadius;
  return {kRadarCenterX + r * std::cos(angle), kRadarCenterY + r * std::sin(angle)};
}

std::string RadarPoints(const std::vector<double>& values) {
  std::string points;
  for (size_t i = 0; i < values.size(); ++i) {
    Point p = RadarPoint(i, values.size(), values[i]);
    if (!points.empty()) points += ' ';
    points += Fixed1(p.x) + "," + Fixed1(p.y);
  }
  return points;
}

struct RadarSeries {
  std::string_view css_class;
  std::string_view legend;
  std::vector<std::optional<double>> values;
};

// Grid rings at 20..100, one labelled axis per title, then each series whose
// every value is known as a polygon (the first on top) with its legend entry.
std::string RadarSvg(const std::vector<std::string>& escaped_titles,
                     const std::vector<RadarSeries>& series) {
  const size_t axes = escaped_titles.size();
  std::string svg = fmt::format(
      "<svg class=\"radar\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\" "
      "aria-label=\"各维度得分雷达图\">\n",
      kRadarWidth, kRadarHeight);
  for (int ring = 20; ring <= 100; ring += 20) {
    svg += fmt::format("<polygon class=\"grid\" points=\"{}\"/>",
                       RadarPoints(std::vector<double>(axes, ring)));
    svg += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\">{}</text>\n",
                       Fixed1(kRadarCenterX + 3), Fixed1(RadarPoint(0, axes, ring).y + 10), ring);
  }
  for (size_t i = 0; i < axes; ++i) {
    Point rim = RadarPoint(i, axes, 100);
    double dx = (rim.x - kRadarCenterX) / kRadarRadius, dy = (rim.y - kRadarCenterY) / kRadarRadius;
    std::string_view anchor = std::abs(dx) < 0.1 ? "middle" : dx > 0 ? "start" : "end";
    double baseline_shift = dy < -0.5 ? -4 : dy > 0.5 ? 12 : 4;
    svg += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                       Fixed1(kRadarCenterX), Fixed1(kRadarCenterY), Fixed1(rim.x), Fixed1(rim.y));
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>\n",
                       Fixed1(rim.x + 10 * dx), Fixed1(rim.y + 10 * dy + baseline_shift), anchor,
                       escaped_titles[i]);
  }
  std::string polygons, legend;
  double legend_x = 40;
  for (const RadarSeries& s : series) {
    if (std::any_of(s.values.begin(), s.values.end(), [](auto v) { return !v; })) continue;
    std::vector<double> values;
    for (auto v : s.values) values.push_back(*v);
    polygons.insert(0, fmt::format("<polygon class=\"{}\" points=\"{}\"/>\n", s.css_class,
                                   RadarPoints(values)));
    legend += fmt::format(
        "<line class=\"{0}\" x1=\"{1}\" y1=\"{3}\" x2=\"{2}\" y2=\"{3}\"/>"
        "<text x=\"{4}\" y=\"{5}\">{6}</text>\n",
        s.css_class, Fixed1(legend_x), Fixed1(legend_x + 24), Fixed1(kRadarHeight - 14),
        Fixed1(legend_x + 30), Fixed1(kRadarHeight - 10), s.legend);
    legend_x += 160;
  }
  return svg + polygons + legend + "</svg>";
}

// The enterprise's bar above the peers', each 0-100 over kBarWidth.
std::string BarSvg(std::optional<double> enterprise, std::optional<double> peers) {
  std::string svg = fmt::format(
      "<svg class=\"bars\" viewBox=\"0 0 {0} 20\" width=\"{0}\" height=\"20\">", kBarWidth);
  auto bar = [&](std::string_view css_class, int y, std::optional<double> value) {
    svg += fmt::format("<rect class=\"track\" x=\"0\" y=\"{}\" width=\"{}\" height=\"8\"/>", y,
                       kBarWidth);
    if (!value) return;
    svg += fmt::format("<rect class=\"{}\" x=\"0\" y=\"{}\" width=\"{}\" height=\"8\"/>", css_class,
                       y, Fixed1(std::clamp(*value, 0.0, 100.0) / 100 * kBarWidth));
  };
  bar("bar-enterprise", 1, enterprise);
  bar("bar-peer", 11, peers);
  return svg + "</svg>";
}

// ---- Sections. Each returns escaped HTML.

std::string HeaderSection(const Json& d, std::string_view issued_on) {
  const Json& model = Field(d, "model");
  std::string model_text = Text(Field(model, "id"));
  if (auto version = Text(Field(model, "version")); !version.empty()) model_text += " v" + version;
  if (auto hash = RawText(Field(model, "hash")); !hash.empty()) {
    model_text += "（校验码 " + HtmlEscape(hash.substr(0, 12)) + "）";
  }
  std::string h = "<h1>两化融合评估诊断报告</h1>\n<table class=\"info\"><tbody>\n";
  auto row = [&h](std::string_view label, const std::string& escaped) {
    h += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", label, escaped);
  };
  row("企业名称", Text(Field(d, "enterprise_name")));
  row("统一社会信用代码", Text(Field(d, "uscc")));
  row("评估周期", Text(Field(d, "round")));
  row("评估状态", StatusText(Field(d, "status")));
  row("评分模型", model_text);
  row("报告日期", HtmlEscape(ChineseDate(issued_on)));
  h += "</tbody></table>\n";
  if (Field(model, "reference_only") == true) {
    h += "<p class=\"reference\">注：本报告所用模型为参考实现，仅供演示和对标参考。</p>\n";
  }
  return h;
}

std::string OverallSection(const Json& d, bool has_peers) {
  const Json& level = Field(d, "level");
  const Json& benchmarks = Field(d, "benchmarks");
  std::string stage_name = Text(Field(level, "name"));
  std::string h =
      fmt::format("<p>总分 <strong>{}</strong> 分，{}：<strong>{}</strong>。</p>\n",
                  OneDecimal(Field(d, "total")), stage_name.empty() ? "发展阶段" : stage_name,
                  Text(Field(level, "title")));
  if (!has_peers) {
    std::string message = Text(Field(benchmarks, "message"));
    return h + "<p>" + (message.empty() ? "暂无对标数据。" : message) + "</p>\n";
  }
  const Json& total = Field(benchmarks, "total");
  return h + fmt::format(
                 "<p>对标组：{}。本企业总分在对标组中的百分位为 {}；对标组总分中位数 {}，P75 {}，"
                 "P90（标杆）{}。</p>\n",
                 Text(Field(Field(benchmarks, "peer_group"), "label")),
                 OneDecimal(Field(total, "percentile_rank")), OneDecimal(Field(total, "median")),
                 OneDecimal(Field(total, "p75")), OneDecimal(Field(total, "p90")));
}

std::string DimensionSection(const Json& d, bool has_peers) {
  const Json& peer_dimensions = Field(Field(d, "benchmarks"), "dimensions");
  std::vector<std::string> titles;
  RadarSeries enterprise{"enterprise", "本企业", {}};
  RadarSeries median{"peer-median", "对标组中位数", {}};
  RadarSeries p75{"peer-p75", "对标组P75", {}};
  std::string rows;
  for (const Json& dimension : Items(Field(d, "dimensions"))) {
    const Json& peers = ById(peer_dimensions, Field(dimension, "id"));
    titles.push_back(Text(Field(dimension, "title")));
    enterprise.values.push_back(Number(Field(dimension, "score")));
    median.values.push_back(Number(Field(peers, "median")));
    p75.values.push_back(Number(Field(peers, "p75")));
    rows += "<tr>" + Cell("name", titles.back());
    for (const Json* value :
         {&Field(dimension, "score"), &Field(dimension, "weight"), &Field(peers, "median"),
          &Field(peers, "p75"), &Field(peers, "p90"), &Field(peers, "percentile_rank")}) {
      rows += Cell("num", OneDecimal(*value));
    }
    rows += "</tr>\n";
  }
  if (titles.empty()) return "";
  std::vector<RadarSeries> series = {enterprise};
  if (has_peers) series.insert(series.end(), {p75, median});
  return "<div class=\"figure\">" + RadarSvg(titles, series) + "</div>\n<table>\n" +
         HeaderRow({"维度", "得分", "权重", "对标组中位数", "P75", "P90（标杆）", "百分位"}) +
         rows + "</tbody>\n</table>\n";
}

std::string KeyIndicatorSection(const Json& d) {
  const Json& peer_indicators = Field(Field(d, "benchmarks"), "key_indicators");
  std::string rows;
  for (const Json& indicator : Items(Field(d, "key_indicators"))) {
    const Json& peers = ById(peer_indicators, Field(indicator, "id"));
    const Json& value = Field(indicator, "value");
    std::string shown = "—";
    std::optional<double> bar_value;
    if (value.is_boolean()) {
      shown = value == true ? "是" : "否";
      bar_value = value == true ? 100 : 0;
    } else if ((bar_value = Number(value))) {
      shown = Fixed1(*bar_value) + Text(Field(indicator, "unit"));
    }
    const bool share = Field(peers, "type") == "share" ||
                       (!peers.contains("type") && Field(indicator, "type") == "bool");
    auto mean = Number(Field(peers, "mean"));
    rows += "<tr>" + Cell("name", Text(Field(indicator, "title"))) + Cell("num", shown) +
            Cell("num", share && mean ? Fixed1(*mean) + "%" : OneDecimal(mean));
    for (std::string_view key : {"median", "p75", "p90"}) {
      rows += Cell("num", share ? "—" : OneDecimal(Field(peers, key)));
    }
    rows +=
        Cell("num", Count(Field(peers, "n"))) + Cell("bar", BarSvg(bar_value, mean)) + "</tr>\n";
  }
  if (rows.empty()) return "";
  constexpr std::string_view kNote =
      "<p class=\"note\">注：是否类指标的对标值为对标组中具备该项的企业比例，中位数和分位数"
      "仅对数值类指标列出；对比条上为本企业（是为满格、否为空），下为对标组均值或比例，"
      "满格为100%。</p>\n";
  return "<table>\n" +
         HeaderRow({"关键指标", "本企业", "对标组均值/比例", "中位数", "P75", "P90", "n", "对比"}) +
         rows + "</tbody>\n</table>\n" + std::string(kNote);
}

std::string PrioritySection(const Json& d) {
  std::string h;
  int number = 0;
  for (const Json& priority : Items(Field(d, "priorities"))) {
    h += fmt::format(
        "<h3>{}. {}</h3>\n<p>得分 {}，距对标组P75差 {} 分，距P90（标杆）差 {} 分。</p>\n", ++number,
        Text(Field(priority, "title")), OneDecimal(Field(priority, "score")),
        OneDecimal(Field(priority, "gap_to_p75")), OneDecimal(Field(priority, "gap_to_p90")));
    std::string advice;
    for (const Json& indicator : Items(Field(priority, "indicators"))) {
      std::string text = Text(Field(indicator, "advice"));
      advice += fmt::format("<li><strong>{}</strong>（得分 {}）{}</li>\n",
                            Text(Field(indicator, "title")), OneDecimal(Field(indicator, "score")),
                            text.empty() ? "" : "：" + text);
    }
    if (!advice.empty()) h += "<ol class=\"advice\">\n" + advice + "</ol>\n";
  }
  return h;
}

std::string PathSection(const Json& path) {
  const Json& target = Field(path, "target_level");
  if (!target.is_object() || Field(target, "id") == Field(path, "current_level")) {
    return "<p>本企业已达到最高阶段。</p>\n";
  }
  const std::string target_title = Text(Field(target, "title"));
  if (Field(path, "reachable") != true) {
    return "<p>经测算，目前尚无可行的改进路径达到“" + target_title + "”阶段。</p>\n";
  }
  std::string rows;
  int number = 0;
  for (const Json& step : Items(Field(path, "steps"))) {
    rows += "<tr>" + Cell("num", std::to_string(++number)) +
            Cell("name", Text(Field(step, "text"))) + Cell("name", Text(Field(step, "from"))) +
            Cell("name", Text(Field(step, "to"))) + "</tr>\n";
  }
  std::string h = fmt::format(
      "<p>下一阶段为“{}”。按下表完成 {} 项改进后，总分预计为 {} 分，可达到该阶段。</p>\n",
      target_title, number, OneDecimal(Field(path, "total_after")));
  if (rows.empty()) return h;
  return h + "<table>\n" + HeaderRow({"序号", "题目", "现状", "改进后"}) + rows +
         "</tbody>\n</table>\n";
}

std::string TrendSection(const Json& d) {
  // Stage titles by level id, from the levels the diagnosis names.
  std::map<std::string, std::string> stage_titles;
  for (const Json* level :
       {&Field(d, "level"), &Field(Field(d, "path_to_next_level"), "target_level")}) {
    if (Field(*level, "id").is_string())
      stage_titles[RawText(Field(*level, "id"))] = Text(Field(*level, "title"));
  }
  std::string rows;
  for (const Json& entry : Items(Field(d, "trend"))) {
    const Json& level = Field(entry, "level");
    auto title = stage_titles.find(RawText(level));
    std::string stage = !level.is_string()            ? "—"
                        : title != stage_titles.end() ? title->second
                                                      : Text(level);
    rows += "<tr>" + Cell("name", Text(Field(entry, "round"))) +
            Cell("name", Text(Field(entry, "model"))) + Cell("name", stage) +
            Cell("num", OneDecimal(Field(entry, "total"))) +
            Cell("name", StatusText(Field(entry, "status"))) + "</tr>\n";
  }
  if (rows.empty()) return "";
  return "<table>\n" + HeaderRow({"评估周期", "评分模型", "发展阶段", "总分", "状态"}) + rows +
         "</tbody>\n</table>\n";
}

std::string Footer(const Json& d, bool has_peers) {
  if (!has_peers) return "<p class=\"note footer\">注：本报告未显示对标数据。</p>\n";
  std::string n = Count(Field(Field(Field(d, "benchmarks"), "peer_group"), "n"));
  return "<p class=\"note footer\">注：对标数据来自同一评估周期、同一模型下" +
         (n == "—" ? std::string("的企业") : "不少于 " + n + " 家企业") +
         "，报告中仅以均值、中位数和分位数等汇总统计量呈现，不含任何单个企业的数据。</p>\n";
}

}  // namespace

std::string DiagnosisToHtml(const Json& d, std::string_view issued_on) {
  const bool has_peers = Field(Field(d, "benchmarks"), "peer_group").is_object();
  static constexpr std::string_view kNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八"};
  int sections = 0;
  std::string h;
  auto section = [&](std::string_view title, const std::string& body) {
    if (body.empty()) return;
    h += fmt::format("<h2>{}、{}</h2>\n", kNumerals[sections++], title) + body;
  };
  h += "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>两化融合评估诊断报告 — " + Text(Field(d, "enterprise_name")) + "</title>\n";
  h += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main class=\"page\">\n";
  h += HeaderSection(d, issued_on);
  section("总体结果", OverallSection(d, has_peers));
  section("各维度得分与对标", DimensionSection(d, has_peers));
  section("关键指标", KeyIndicatorSection(d));
  section("改进优先事项", PrioritySection(d));
  if (Field(d, "path_to_next_level").is_object()) {
    section("迈向下一阶段", PathSection(Field(d, "path_to_next_level")));
  }
  const std::string advice = Text(Field(d, "level_advice"));
  section("发展建议", advice.empty() ? "" : "<p>" + advice + "</p>\n");
  section("历年趋势", TrendSection(d));
  h += Footer(d, has_peers);
  h += "</main>\n</body>\n</html>\n";
  return h;
}

}  // namespace rongping::report
