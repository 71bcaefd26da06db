// The diagnosis report page: built from the example API body in testdata,
// it holds every part in order, escapes what it takes from data (in the SVG
// too), does without peers, draws the radar where it belongs, shows null
// numbers as "—" and refers to nothing outside itself.
#include "report/diagnosis_html.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "report/html.h"

namespace rongping::report {
namespace {

using Json = nlohmann::json;

// The renderer draws the radar about (260, 170) with radius 120.
constexpr double kCenterX = 260;
constexpr double kCenterY = 170;
constexpr double kRadius = 120;

Json Diagnosis() {
  std::ifstream in(std::string(RONGPING_SOURCE_DIR) + "/src/report/testdata/diagnosis.json");
  std::ostringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str());
}

std::string Render(const Json& diagnosis) { return DiagnosisToHtml(diagnosis, "2016-07-01"); }

// The points of the radar polygon with `css_class`; empty when there is none.
std::vector<std::pair<double, double>> PolygonPoints(const std::string& html,
                                                     const std::string& css_class) {
  const std::string start = "<polygon class=\"" + css_class + "\" points=\"";
  size_t at = html.find(start);
  if (at == std::string::npos) return {};
  at += start.size();
  std::istringstream points(html.substr(at, html.find('"', at) - at));
  std::vector<std::pair<double, double>> out;
  std::string point;
  while (points >> point) {
    size_t comma = point.find(',');
    out.emplace_back(std::stod(point.substr(0, comma)), std::stod(point.substr(comma + 1)));
  }
  return out;
}

TEST(DiagnosisHtml, HoldsEveryPartInOrder) {
  const Json d = Diagnosis();
  const std::string html = Render(d);
  for (const char* text : {"两化融合评估诊断报告", "同湖橡胶制品有限公司", "91440100779012522L",
                           "<th>评估周期</th><td>2016年广东省两化融合评估诊断和对标引导</td>", "gbt23020-2013", "b882936d12ac", "2016年7月1日", "已审核",
                           "本报告所用模型为参考实现，仅供演示和对标参考",
                           "发展阶段：<strong>单项覆盖", "<strong>33.3</strong>",
                           "原材料 · 微型 · 广东省 (n=6)", "集成提升", "41.9", "不少于 6 家企业"}) {
    EXPECT_NE(html.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(html.find("b882936d12ace"), std::string::npos) << "only 12 characters of the hash";
  for (const Json& dimension : d["dimensions"]) {
    EXPECT_NE(html.find(dimension["title"].get<std::string>()), std::string::npos);
  }
  for (const Json& indicator : d["key_indicators"]) {
    EXPECT_NE(html.find(indicator["title"].get<std::string>()), std::string::npos);
  }
  const std::string first_advice = d["priorities"][0]["indicators"][0]["advice"];
  EXPECT_NE(html.find(HtmlEscape(first_advice)), std::string::npos);
  EXPECT_NE(html.find(HtmlEscape(d["level_advice"].get<std::string>())), std::string::npos);
  size_t last = 0;
  for (const char* heading : {"总体结果", "各维度得分与对标", "关键指标", "改进优先事项",
                              "迈向下一阶段", "发展建议", "历年趋势"}) {
    size_t at = html.find(std::string("、") + heading + "</h2>");
    ASSERT_NE(at, std::string::npos) << heading;
    EXPECT_GT(at, last) << heading;
    last = at;
  }
  // The priorities keep their order.
  EXPECT_LT(html.find(">1. 单项应用<"), html.find(">2. 综合集成<"));
  EXPECT_EQ(PolygonPoints(html, "enterprise").size(), 6u);
  EXPECT_EQ(PolygonPoints(html, "peer-median").size(), 6u);
  EXPECT_EQ(PolygonPoints(html, "peer-p75").size(), 6u);
}

// With a benchmark pack loaded, a section compares with its peers beside
// the region's, naming the group, the source and its date; without, none.
TEST(DiagnosisHtml, NationalPeersBesideTheRegionsWhenAPackIsLoaded) {
  Json d = Diagnosis();
  EXPECT_EQ(Render(d).find("同行业、同规模对标"), std::string::npos);
  d["national_benchmarks"] = {{"peer_group", nullptr}, {"message", "尚未导入本模型的全国基准数据包，暂无全国对标"}};
  EXPECT_EQ(Render(d).find("同行业、同规模对标"), std::string::npos);
  Json national{{"scope", "全国"},
                {"source_label", "数据来源：国家两化融合服务平台，2016年全国评估，截至 2016-12-31"},
                {"peer_group", {{"label", "原材料 · 微型 · 全国 (n=412)"}, {"n", 412}}},
                {"total", {{"n", 412}, {"median", 38.25}}},
                {"dimensions", Json::array()},
                {"key_indicators", Json::array()}};
  for (const Json& dimension : d["dimensions"]) {
    national["dimensions"].push_back({{"id", dimension["id"]}, {"n", 400}, {"median", 44.5}});
  }
  for (const Json& k : d["key_indicators"]) {
    national["key_indicators"].push_back(
        {{"id", k["id"]}, {"n", 390}, {"mean", k["type"] == "bool" ? 12.34 : 47.0}, {"type", k["type"] == "bool" ? "share" : "mean"}});
  }
  d["national_benchmarks"] = national;
  const std::string html = Render(d);
  for (const char* text : {"、全国同行业、同规模对标</h2>", "原材料 · 微型 · 全国 (n=412)", "国家两化融合服务平台",
                           "截至 2016-12-31", "全国对标组", "本地区对标组", ">38.3<", ">44.5<", ">12.3%<", ">47.0<"}) {
    EXPECT_NE(html.find(text), std::string::npos) << text;
  }
  EXPECT_LT(html.find("、关键指标</h2>"), html.find("、全国同行业、同规模对标</h2>"));
  EXPECT_LT(html.find("、全国同行业、同规模对标</h2>"), html.find("、改进优先事项</h2>"));
}

TEST(DiagnosisHtml, KeyIndicatorsShowYesNoSharesAndBars) {
  const std::string html = Render(Diagnosis());
  // SCM: yes, peers' share 33.33 -> 33.3%; a full bar above a third of one.
  size_t row = html.find("<td class=\"name\">SCM普及率");
  ASSERT_NE(row, std::string::npos);
  std::string scm = html.substr(row, html.find("</tr>", row) - row);
  EXPECT_NE(scm.find(">是<"), std::string::npos);
  EXPECT_NE(scm.find(">33.3%<"), std::string::npos);
  // In the chart: a full bar above a third of one, and both values.
  const std::string chart = *DiagnosisChartSvg(Diagnosis(), "key-indicators");
  const size_t at = chart.find(">SCM普及率</text>");
  ASSERT_NE(at, std::string::npos);
  const std::string bars = chart.substr(at, chart.find("\n", at) - at);
  const size_t enterprise = bars.find("class=\"bar-enterprise\""), peer = bars.find("class=\"bar-peer\"");
  ASSERT_NE(enterprise, std::string::npos);
  ASSERT_NE(peer, std::string::npos);
  EXPECT_NE(bars.substr(enterprise, peer - enterprise).find("width=\"150.0\""), std::string::npos);
  EXPECT_NE(bars.substr(peer).find("width=\"50.0\""), std::string::npos);
  EXPECT_NE(bars.find(">本企业 是　对标组 33.3%</text>"), std::string::npos);
  // 关键工序数控化率: a number with its unit and the peers' quantiles.
  row = html.find("<td class=\"name\">关键工序数控化率");
  std::string nc = html.substr(row, html.find("</tr>", row) - row);
  for (const char* text : {">25.8%<", ">53.5<", ">56.3<", ">66.8<", ">68.7<", ">6<"}) {
    EXPECT_NE(nc.find(text), std::string::npos) << text;
  }
}

// The web app shows these images: they must be the page's own charts,
// standalone (namespace and colours in the image, no page CSS needed).
TEST(DiagnosisHtml, ChartsAreStandaloneAndThePagesOwn) {
  const Json d = Diagnosis();
  const std::string html = Render(d);
  for (const char* name : {"radar", "key-indicators"}) {
    auto svg = DiagnosisChartSvg(d, name);
    ASSERT_TRUE(svg.has_value()) << name;
    EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << name;
    EXPECT_NE(svg->find("fill=\"#c00000\""), std::string::npos) << name;
    const std::string inline_svg = "<svg" + svg->substr(svg->find(' ', 5));  // as inline: no namespace
    EXPECT_NE(html.find(inline_svg), std::string::npos) << name << " differs from the page's";
  }
  EXPECT_FALSE(DiagnosisChartSvg(d, "pie").has_value());
  Json hostile = d;
  hostile["key_indicators"][0]["title"] = "<script>x</script>";
  EXPECT_EQ(DiagnosisChartSvg(hostile, "key-indicators")->find("<script"), std::string::npos);
}

TEST(DiagnosisHtml, EscapesTextFromData) {
  Json d = Diagnosis();
  d["enterprise_name"] = "<script>alert(1)</script>&\"";
  d["dimensions"][0]["title"] = "<b>基础</b>";  // an SVG axis label
  d["trend"][0]["status"] = "odd<status>";
  const std::string html = DiagnosisToHtml(d, "<i>soon</i>");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;"), std::string::npos);
  EXPECT_EQ(html.find("<b>基础"), std::string::npos);
  EXPECT_NE(html.find("text-anchor=\"middle\">&lt;b&gt;基础&lt;/b&gt;</text>"), std::string::npos);
  EXPECT_NE(html.find("odd&lt;status&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;i&gt;soon&lt;/i&gt;"), std::string::npos);
}

TEST(DiagnosisHtml, WithoutPeersShowsTheMessageAndOnlyTheEnterprise) {
  Json d = Diagnosis();
  d["benchmarks"] = {{"peer_group", nullptr}, {"message", "对标组不足 5 家企业，暂不显示对标数据"}};
  d["priorities"] = Json::array();
  const std::string html = Render(d);
  EXPECT_NE(html.find("对标组不足 5 家企业，暂不显示对标数据"), std::string::npos);
  EXPECT_EQ(html.find("class=\"peer-median\""), std::string::npos);
  EXPECT_EQ(html.find("class=\"peer-p75\""), std::string::npos);
  EXPECT_EQ(PolygonPoints(html, "enterprise").size(), 6u);
  EXPECT_EQ(html.find("对标组："), std::string::npos);
  EXPECT_EQ(html.find("不少于"), std::string::npos);
  EXPECT_EQ(html.find("改进优先事项"), std::string::npos);
}

TEST(DiagnosisHtml, RadarPointsSitOnTheirAxes) {
  Json d = Diagnosis();
  for (Json& dimension : d["dimensions"]) dimension["score"] = 100;
  auto full = PolygonPoints(Render(d), "enterprise");
  ASSERT_EQ(full.size(), 6u);
  EXPECT_DOUBLE_EQ(full[0].first, kCenterX);  // straight up
  EXPECT_DOUBLE_EQ(full[0].second, kCenterY - kRadius);
  EXPECT_DOUBLE_EQ(full[3].first, kCenterX);  // straight down
  EXPECT_DOUBLE_EQ(full[3].second, kCenterY + kRadius);
  EXPECT_GT(full[1].first, kCenterX);  // clockwise: the second axis to the right
  for (auto [x, y] : full) EXPECT_NEAR(std::hypot(x - kCenterX, y - kCenterY), kRadius, 0.1);

  // Half way, clamped above 100 and below 0.
  d["dimensions"][0]["score"] = 50;
  d["dimensions"][1]["score"] = 150;
  d["dimensions"][2]["score"] = -10;
  auto mixed = PolygonPoints(Render(d), "enterprise");
  ASSERT_EQ(mixed.size(), 6u);
  EXPECT_DOUBLE_EQ(mixed[0].second, kCenterY - kRadius / 2);
  EXPECT_EQ(mixed[1], full[1]);
  EXPECT_DOUBLE_EQ(mixed[2].first, kCenterX);
  EXPECT_DOUBLE_EQ(mixed[2].second, kCenterY);
}

TEST(DiagnosisHtml, NullNumbersShowAsDash) {
  Json d = Diagnosis();
  d["total"] = nullptr;
  d["benchmarks"]["total"]["percentile_rank"] = nullptr;
  d["benchmarks"]["dimensions"][0]["p90"] = nullptr;
  d["dimensions"][1]["weight"] = std::nan("");
  d["key_indicators"][1]["value"] = nullptr;
  d["benchmarks"]["key_indicators"][1] = {
      {"n", 0}, {"id", "key_process_nc_rate"}, {"type", "mean"}};
  d["priorities"][0]["gap_to_p90"] = nullptr;
  d["path_to_next_level"]["total_after"] = nullptr;
  d["trend"][0]["total"] = nullptr;
  d["trend"][0]["level"] = nullptr;
  const std::string html = Render(d);
  EXPECT_NE(html.find("总分 <strong>—</strong>"), std::string::npos);
  EXPECT_NE(html.find("百分位为 —"), std::string::npos);
  for (const char* bad : {"nan", "NaN", "null", ">inf", "inf<"}) {
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  }
}

TEST(DiagnosisHtml, PathSaysWhenTheTopIsReachedOrOutOfReach) {
  Json d = Diagnosis();
  d["path_to_next_level"]["target_level"] = nullptr;
  EXPECT_NE(Render(d).find("已达到最高阶段"), std::string::npos);
  d = Diagnosis();
  d["path_to_next_level"]["target_level"]["id"] = "coverage";  // the top: target == current
  EXPECT_NE(Render(d).find("已达到最高阶段"), std::string::npos);
  d = Diagnosis();
  d["path_to_next_level"]["reachable"] = false;
  const std::string html = Render(d);
  EXPECT_NE(html.find("尚无可行的改进路径达到“集成提升”阶段"), std::string::npos);
  EXPECT_EQ(html.find("已达到最高阶段"), std::string::npos);
}

TEST(DiagnosisHtml, TrendNamesStagesAndStatusesInChinese) {
  Json d = Diagnosis();
  d["trend"] = Json::array({{{"round", "gd-2015"},
                             {"model", "m"},
                             {"status", "submitted"},
                             {"total", 20.04},
                             {"level", "integration"}},
                            {{"round", "gd-2016"},
                             {"round_name", "2016年广东省两化融合评估诊断和对标引导"},
                             {"model", "m"},
                             {"status", "rejected"},
                             {"total", 33.3},
                             {"level", "coverage"}}});
  const std::string html = Render(d);
  size_t trend = html.find("历年趋势");
  ASSERT_NE(trend, std::string::npos);
  const std::string table = html.substr(trend);
  for (const char* text :
       {">gd-2015<", ">2016年广东省两化融合评估诊断和对标引导<", ">集成提升<", ">20.0<", ">已提交<", ">单项覆盖<",
        ">已退回<"}) {
    EXPECT_NE(table.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(table.find(">gd-2016<"), std::string::npos) << "a named round is shown by its name";
}

TEST(DiagnosisHtml, TheHeaderSaysWhoConfirmedThePledgeAndWhenInChinasTime) {
  Json d = Diagnosis();
  EXPECT_EQ(Render(d).find("真实性承诺"), std::string::npos) << "no pledge, no line";
  d["pledge"] = {{"text", "承诺"}, {"username", "ent<b>"}, {"at", "2016-06-21T04:21:00.000Z"}};
  const std::string html = Render(d);
  EXPECT_NE(html.find("<th>真实性承诺</th><td>已由 ent&lt;b&gt; 于 2016年6月21日 12:21 确认</td>"), std::string::npos)
      << html.substr(0, 2000);
}

TEST(DiagnosisHtml, IsSelfContainedAndPrintable) {
  const std::string html = Render(Diagnosis());
  for (const char* bad : {"<script", "http://", "https://", "src=", "url(", "<link", "@import"}) {
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  }
  for (const char* good : {"<meta charset=\"utf-8\">", "@media print", "size:A4", "class=\"page\"",
                           "<svg class=\"radar\""}) {
    EXPECT_NE(html.find(good), std::string::npos) << good;
  }
}

TEST(DiagnosisHtml, SurvivesAnEmptyOrOddBody) {
  for (const Json& d :
       {Json(), Json::object(), Json::array(), Json{{"dimensions", 3}, {"trend", "x"}}}) {
    const std::string html = Render(d);
    EXPECT_NE(html.find("两化融合评估诊断报告"), std::string::npos);
    EXPECT_EQ(html.find("null"), std::string::npos);
  }
}

}  // namespace
}  // namespace rongping::report
