#include "report/diagnosis_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <optional>
#include <vector>

#include "core/time.h"
#include "report/html.h"
#include "report/table.h"

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
table.info th{width:9em;text-align:left}
.reference{border:1px solid #000;padding:4px 8px;text-indent:0;font-weight:bold}
.figure{text-align:center;margin:8px 0}
svg{print-color-adjust:exact;-webkit-print-color-adjust:exact;max-width:100%;height:auto}
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
// Key indicator chart: a row per indicator.
constexpr double kKeyChartWidth = 640;
constexpr double kKeyTitleWidth = 250;
constexpr double kKeyRowHeight = 30;

// Drawing attributes of each chart element, by its class (the classes stay
// for tests and readers; the attributes make every chart a standalone
// image, the same in the report page and in the web app).
std::string_view Paint(std::string_view css_class) {
  static const std::map<std::string_view, std::string_view> kPaint = {
      {"grid", "fill=\"none\" stroke=\"#bbb\" stroke-width=\"0.6\""},
      {"axis", "fill=\"none\" stroke=\"#bbb\" stroke-width=\"0.6\""},
      {"enterprise", "fill=\"#c00000\" fill-opacity=\"0.15\" stroke=\"#c00000\" stroke-width=\"2\""},
      {"peer-median", "fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"1.5\""},
      {"peer-p75", "fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\""},
      {"track", "fill=\"#eee\""},
      {"bar-enterprise", "fill=\"#c00000\""},
      {"bar-peer", "fill=\"#1f4e79\""},
      {"tick", "font-size=\"9\" fill=\"#666\""},
  };
  auto it = kPaint.find(css_class);
  return it == kPaint.end() ? std::string_view() : it->second;
}

// The opening tag of a standalone chart: its size, font and label.
std::string SvgOpen(std::string_view css_class, double width, double height, std::string_view label) {
  return fmt::format(
      "<svg class=\"{0}\" viewBox=\"0 0 {1} {2}\" width=\"{1}\" "
      "height=\"{2}\" role=\"img\" aria-label=\"{3}\" font-family=\"SimHei, 黑体, Heiti SC, Noto Sans CJK SC, "
      "sans-serif\" font-size=\"12\">\n",
      css_class, width, height, label);
}

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
  return it == kStatus.end() ? RawText(status) : it->second;
}

// A figure of the diagnosis in a table: one decimal, "—" when missing.
TableCell Figure(const Json& value) {
  return TableCell::Maybe(Number(value), NumberStyle::kPlain, 1);
}

// A count in a table: "—" when missing.
TableCell CountCell(const Json& value) { return TableCell::Maybe(Number(value)); }

// A section's table: no caption, every text escaped by the writer.
std::string Html(const Table& table) { return TableToHtml(table, ""); }

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
  std::string svg = SvgOpen("radar", kRadarWidth, kRadarHeight, "各维度得分雷达图");
  for (int ring = 20; ring <= 100; ring += 20) {
    svg += fmt::format("<polygon class=\"grid\" points=\"{}\" {}/>",
                       RadarPoints(std::vector<double>(axes, ring)), Paint("grid"));
    svg += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" {}>{}</text>\n",
                       Fixed1(kRadarCenterX + 3), Fixed1(RadarPoint(0, axes, ring).y + 10), Paint("tick"), ring);
  }
  for (size_t i = 0; i < axes; ++i) {
    Point rim = RadarPoint(i, axes, 100);
    double dx = (rim.x - kRadarCenterX) / kRadarRadius, dy = (rim.y - kRadarCenterY) / kRadarRadius;
    std::string_view anchor = std::abs(dx) < 0.1 ? "middle" : dx > 0 ? "start" : "end";
    double baseline_shift = dy < -0.5 ? -4 : dy > 0.5 ? 12 : 4;
    svg += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>",
                       Fixed1(kRadarCenterX), Fixed1(kRadarCenterY), Fixed1(rim.x), Fixed1(rim.y), Paint("axis"));
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
    polygons.insert(0, fmt::format("<polygon class=\"{}\" points=\"{}\" {}/>\n", s.css_class,
                                   RadarPoints(values), Paint(s.css_class)));
    legend += fmt::format(
        "<line class=\"{0}\" x1=\"{1}\" y1=\"{3}\" x2=\"{2}\" y2=\"{3}\" {7}/>"
        "<text x=\"{4}\" y=\"{5}\">{6}</text>\n",
        s.css_class, Fixed1(legend_x), Fixed1(legend_x + 24), Fixed1(kRadarHeight - 14),
        Fixed1(legend_x + 30), Fixed1(kRadarHeight - 10), s.legend, Paint(s.css_class));
    legend_x += 160;
  }
  return svg + polygons + legend + "</svg>";
}

// An indicator's pair of bars at `y`: the enterprise's above the peers',
// each 0-100 over kBarWidth from `x`.
std::string Bars(double x, double y, std::optional<double> enterprise, std::optional<double> peers) {
  std::string svg;
  auto bar = [&](std::string_view css_class, double top, std::optional<double> value) {
    svg += fmt::format("<rect class=\"track\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"8\" {}/>", Fixed1(x),
                       Fixed1(top), kBarWidth, Paint("track"));
    if (!value) return;
    svg += fmt::format("<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"8\" {}/>", css_class,
                       Fixed1(x), Fixed1(top), Fixed1(std::clamp(*value, 0.0, 100.0) / 100 * kBarWidth),
                       Paint(css_class));
  };
  bar("bar-enterprise", y, enterprise);
  bar("bar-peer", y + 10, peers);
  return svg;
}

// ---- What the charts and tables show of the diagnosis.

// The radar's axes (escaped titles) and series: the enterprise, and when
// there are peers their P75 and median.
struct Radar {
  std::vector<std::string> titles;
  std::vector<RadarSeries> series;
};

Radar RadarOf(const Json& d) {
  const bool has_peers = Field(Field(d, "benchmarks"), "peer_group").is_object();
  const Json& peer_dimensions = Field(Field(d, "benchmarks"), "dimensions");
  Radar r;
  RadarSeries enterprise{"enterprise", "本企业", {}};
  RadarSeries median{"peer-median", "对标组中位数", {}};
  RadarSeries p75{"peer-p75", "对标组P75", {}};
  for (const Json& dimension : Items(Field(d, "dimensions"))) {
    const Json& peers = ById(peer_dimensions, Field(dimension, "id"));
    r.titles.push_back(Text(Field(dimension, "title")));
    enterprise.values.push_back(Number(Field(dimension, "score")));
    median.values.push_back(Number(Field(peers, "median")));
    p75.values.push_back(Number(Field(peers, "p75")));
  }
  r.series = {enterprise};
  if (has_peers) r.series.insert(r.series.end(), {p75, median});
  return r;
}

// A key indicator as the table and the chart show it.
struct KeyRow {
  std::string title;               // as in the model, not escaped
  std::string shown;               // the enterprise's value, e.g. "是", "62.5%", not escaped
  std::optional<double> bar;       // the enterprise's bar, 0-100 (是 is full)
  std::optional<double> peer_bar;  // the peers' mean or share, 0-100
  bool share = false;              // a yes/no indicator: peers as a share
  const Json* peers = nullptr;     // the peers' figures
  const Json* id = nullptr;        // the key indicator's id
};

std::vector<KeyRow> KeyRows(const Json& d) {
  const Json& peer_indicators = Field(Field(d, "benchmarks"), "key_indicators");
  std::vector<KeyRow> rows;
  for (const Json& indicator : Items(Field(d, "key_indicators"))) {
    KeyRow r;
    r.peers = &ById(peer_indicators, Field(indicator, "id"));
    r.id = &Field(indicator, "id");
    r.title = RawText(Field(indicator, "title"));
    const Json& value = Field(indicator, "value");
    r.shown = "—";
    if (value.is_boolean()) {
      r.shown = value == true ? "是" : "否";
      r.bar = value == true ? 100 : 0;
    } else if ((r.bar = Number(value))) {
      r.shown = Fixed1(*r.bar) + RawText(Field(indicator, "unit"));
    }
    r.share = Field(*r.peers, "type") == "share" || (!r.peers->contains("type") && Field(indicator, "type") == "bool");
    r.peer_bar = Number(Field(*r.peers, "mean"));
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string PeerShown(const KeyRow& r) {
  return r.share && r.peer_bar ? Fixed1(*r.peer_bar) + "%" : OneDecimal(r.peer_bar);
}

// Each key indicator's title, its bars (the enterprise above the peers) and
// both values, then the legend.
std::string KeyIndicatorsSvg(const std::vector<KeyRow>& rows) {
  const double height = kKeyRowHeight * static_cast<double>(rows.size()) + 30;
  std::string svg = SvgOpen("key-indicators", kKeyChartWidth, height, "关键指标与对标组对比");
  double y = 4;
  for (const KeyRow& r : rows) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kKeyTitleWidth - 8,
                       Fixed1(y + 13), HtmlEscape(r.title));
    svg += Bars(kKeyTitleWidth, y + 1, r.bar, r.peer_bar);
    svg += fmt::format("<text x=\"{}\" y=\"{}\">本企业 {}　对标组 {}</text>\n",
                       kKeyTitleWidth + kBarWidth + 10, Fixed1(y + 13), HtmlEscape(r.shown),
                       PeerShown(r));
    y += kKeyRowHeight;
  }
  svg += fmt::format(
      "<rect x=\"{0}\" y=\"{1}\" width=\"20\" height=\"8\" {2}/><text x=\"{3}\" y=\"{4}\">本企业</text>"
      "<rect x=\"{5}\" y=\"{1}\" width=\"20\" height=\"8\" {6}/><text x=\"{7}\" y=\"{4}\">对标组均值或比例（满格为100）</text>\n",
      kKeyTitleWidth, Fixed1(y + 6), Paint("bar-enterprise"), kKeyTitleWidth + 26, Fixed1(y + 14),
      kKeyTitleWidth + 90, Paint("bar-peer"), kKeyTitleWidth + 116);
  return svg + "</svg>";
}

// A stored instant (RFC 3339) as China's date and time, "2016年6月21日 12:21";
// the text itself when it does not parse.
std::string ChinaDateTime(std::string_view instant) {
  const std::string local = ChinaDateTimeOf(instant);  // "2016-06-21 12:21"
  return ChineseDate(std::string_view(local).substr(0, 10)) + std::string(std::string_view(local).substr(10));
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
  const std::string round_name = Text(Field(d, "round_name"));
  row("评估周期", round_name.empty() ? Text(Field(d, "round")) : round_name);
  row("评估状态", HtmlEscape(StatusText(Field(d, "status"))));
  row("评分模型", model_text);
  if (const Json& pledge = Field(d, "pledge"); pledge.is_object()) {
    row("真实性承诺", fmt::format("已由 {} 于 {} 确认", Text(Field(pledge, "username")),
                                  HtmlEscape(ChinaDateTime(RawText(Field(pledge, "at"))))));
  }
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

std::string DimensionSection(const Json& d) {
  const Json& peer_dimensions = Field(Field(d, "benchmarks"), "dimensions");
  const Radar radar = RadarOf(d);
  if (radar.titles.empty()) return "";
  Table table;
  table.header = {"维度", "得分", "权重", "对标组中位数", "P75", "P90（标杆）", "百分位"};
  for (const Json& dimension : Items(Field(d, "dimensions"))) {
    const Json& peers = ById(peer_dimensions, Field(dimension, "id"));
    auto& row = table.rows.emplace_back(1, TableCell::Text(RawText(Field(dimension, "title"))));
    for (const Json* value :
         {&Field(dimension, "score"), &Field(dimension, "weight"), &Field(peers, "median"),
          &Field(peers, "p75"), &Field(peers, "p90"), &Field(peers, "percentile_rank")}) {
      row.push_back(Figure(*value));
    }
  }
  return "<div class=\"figure\">" + RadarSvg(radar.titles, radar.series) + "</div>\n" + Html(table);
}

std::string KeyIndicatorSection(const Json& d) {
  const std::vector<KeyRow> keys = KeyRows(d);
  if (keys.empty()) return "";
  Table table;
  table.header = {"关键指标", "本企业", "对标组均值/比例", "中位数", "P75", "P90", "n"};
  for (const KeyRow& r : keys) {
    auto& row = table.rows.emplace_back();
    row = {TableCell::Text(r.title), TableCell::Text(r.shown), TableCell::Text(PeerShown(r))};
    for (std::string_view key : {"median", "p75", "p90"}) {
      row.push_back(r.share ? TableCell::Text("") : Figure(Field(*r.peers, key)));
    }
    row.push_back(CountCell(Field(*r.peers, "n")));
  }
  constexpr std::string_view kNote =
      "<p class=\"note\">注：是否类指标的对标值为对标组中具备该项的企业比例，中位数和分位数"
      "仅对数值类指标列出；图中每项上条为本企业（是为满格、否为空），下条为对标组均值或比例，"
      "满格为100%。</p>\n";
  return "<div class=\"figure\">" + KeyIndicatorsSvg(keys) + "</div>\n" + Html(table) +
         std::string(kNote);
}

// The enterprise against the peers of a loaded benchmark pack (全国同行业、
// 同规模) beside the region's: medians of the total and the dimensions,
// means or shares of the key indicators. Empty without such peers.
std::string NationalSection(const Json& d) {
  const Json& national = Field(d, "national_benchmarks");
  if (!Field(national, "peer_group").is_object()) return "";
  const Json& regional = Field(d, "benchmarks");
  const std::string scope = RawText(Field(national, "scope"));
  Table table;
  table.header = {"指标", "本企业", "本地区对标组", scope + "对标组", "n"};
  const Json& total = Field(national, "total");
  table.rows.push_back({TableCell::Text("总分（中位数）"), Figure(Field(d, "total")),
                        Figure(Field(Field(regional, "total"), "median")),
                        Figure(Field(total, "median")), CountCell(Field(total, "n"))});
  for (const Json& dimension : Items(Field(d, "dimensions"))) {
    const Json& nation = ById(Field(national, "dimensions"), Field(dimension, "id"));
    table.rows.push_back(
        {TableCell::Text(RawText(Field(dimension, "title")) + "（中位数）"),
         Figure(Field(dimension, "score")),
         Figure(Field(ById(Field(regional, "dimensions"), Field(dimension, "id")), "median")),
         Figure(Field(nation, "median")), CountCell(Field(nation, "n"))});
  }
  for (const KeyRow& r : KeyRows(d)) {
    const Json& nation = ById(Field(national, "key_indicators"), *r.id);
    const std::optional<double> mean = Number(Field(nation, "mean"));
    table.rows.push_back(
        {TableCell::Text(r.title), TableCell::Text(r.shown), TableCell::Text(PeerShown(r)),
         r.share && mean ? TableCell::Text(Fixed1(*mean) + "%") : Figure(Field(nation, "mean")),
         CountCell(Field(nation, "n"))});
  }
  return fmt::format("<p>对标组：{}。{}。</p>\n",
                     Text(Field(Field(national, "peer_group"), "label")),
                     Text(Field(national, "source_label"))) +
         Html(table) + "<p class=\"note\">注：" + HtmlEscape(scope) +
         "对标数据来自导入的基准数据包，按同一模型版本计算；每项仅在不少于最小分组规模的企业上统计"
         "。</p>\n";
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
  Table table;
  table.header = {"序号", "题目", "现状", "改进后"};
  table.text_columns = {1, 2, 3};
  for (const Json& step : Items(Field(path, "steps"))) {
    table.rows.push_back({TableCell::Number(static_cast<double>(table.rows.size() + 1)),
                          TableCell::Text(RawText(Field(step, "text"))),
                          TableCell::Text(RawText(Field(step, "from"))),
                          TableCell::Text(RawText(Field(step, "to")))});
  }
  std::string h = fmt::format(
      "<p>下一阶段为“{}”。按下表完成 {} 项改进后，总分预计为 {} 分，可达到该阶段。</p>\n",
      target_title, table.rows.size(), OneDecimal(Field(path, "total_after")));
  if (table.rows.empty()) return h;
  return h + Html(table);
}

std::string TrendSection(const Json& d) {
  // Stage titles by level id, from the levels the diagnosis names.
  std::map<std::string, std::string> stage_titles;
  for (const Json* level :
       {&Field(d, "level"), &Field(Field(d, "path_to_next_level"), "target_level")}) {
    if (Field(*level, "id").is_string())
      stage_titles[RawText(Field(*level, "id"))] = RawText(Field(*level, "title"));
  }
  Table table;
  table.header = {"评估周期", "评分模型", "发展阶段", "总分", "状态"};
  table.text_columns = {0, 1, 2, 4};
  for (const Json& entry : Items(Field(d, "trend"))) {
    const Json& level = Field(entry, "level");
    auto title = stage_titles.find(RawText(level));
    std::string stage = title != stage_titles.end() ? title->second : RawText(level);
    // A round by its name (a diagnosis made before names were given has the code only).
    const Json& name = Field(entry, "round_name");
    const std::string round = name.is_string() && !name.get<std::string>().empty() ? RawText(name)
                                                                                   : RawText(Field(entry, "round"));
    table.rows.push_back({TableCell::Text(round),
                          TableCell::Text(RawText(Field(entry, "model"))), TableCell::Text(stage),
                          Figure(Field(entry, "total")),
                          TableCell::Text(StatusText(Field(entry, "status")))});
  }
  if (table.rows.empty()) return "";
  return Html(table);
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
  static constexpr std::string_view kNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
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
  section("各维度得分与对标", DimensionSection(d));
  section("关键指标", KeyIndicatorSection(d));
  section(Text(Field(Field(d, "national_benchmarks"), "scope")) + "同行业、同规模对标", NationalSection(d));
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

std::optional<std::string> DiagnosisChartSvg(const Json& diagnosis, std::string_view chart) {
  std::string svg;
  if (chart == "radar") {
    const Radar radar = RadarOf(diagnosis);
    svg = RadarSvg(radar.titles, radar.series);
  } else if (chart == "key-indicators") {
    svg = KeyIndicatorsSvg(KeyRows(diagnosis));
  } else {
    return std::nullopt;
  }
  // Inline in the page the namespace is implied; a file needs it.
  return svg.replace(0, 4, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
}

}  // namespace rongping::report
