// An enterprise's diagnosis report (两化融合评估诊断报告) as a print-ready,
// self-contained A4 HTML page in 简体中文, in the house style of the
// circulars. Inline CSS with @media print and inline SVG charts; no scripts,
// images, fonts or other external resources.
#ifndef RONGPING_REPORT_DIAGNOSIS_HTML_H_
#define RONGPING_REPORT_DIAGNOSIS_HTML_H_

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace rongping::report {

// The page for `diagnosis`, the body of
// GET /api/v1/rounds/{round}/enterprises/{uscc}/diagnosis (an example is
// src/report/testdata/diagnosis.json), dated `issued_on` ("YYYY-MM-DD",
// written the Chinese way; any other text is shown as it is).
//
// In order, the page holds:
//  - the title, the enterprise's name, 统一社会信用代码, round and status, the
//    scoring model (id, version, the first 12 characters of its hash) and the
//    date; when the model is reference_only, a note saying so;
//  - 总体结果: the total, the stage, and when there are peers the percentile
//    rank, the peers' median / P75 / P90 and the peer group's label;
//  - a radar chart of the dimension scores (0-100; values outside are drawn
//    at the centre or the rim) against the peers' median and P75, where a
//    series with a missing value is left out, and a table of each
//    dimension's score, weight, peer median, P75, P90 and percentile rank;
//  - 关键指标: each key indicator's value (是/否 for yes-no ones), the peers'
//    share or mean, median, P75, P90 and n, and a bar comparing the two;
//  - 改进优先事项: the priorities in the given order with their gaps to the
//    peers' P75 and P90 and each weak indicator's advice;
//  - 迈向下一阶段: the steps to the next stage and the total after them, or
//    that the top stage is reached, or that the next one is out of reach;
//  - the stage advice and the trend across rounds (status in 中文);
//  - a footer on what the benchmarks are made of.
//
// When benchmarks.peer_group is null the page shows benchmarks.message in
// place of the peers' figures and the radar shows only the enterprise.
// Missing or null numbers are shown as "—", missing texts as nothing and
// missing sections are left out; the function never throws on the shape of
// `diagnosis`. Every text taken from `diagnosis` or `issued_on` is
// HTML-escaped, inside the SVG too.
std::string DiagnosisToHtml(const nlohmann::json& diagnosis, std::string_view issued_on);

// A chart of that page as a standalone SVG image (namespace, colours and
// font of its own), drawn by the same code as the page's, so that the web
// app shows the report's own charts: "radar" (the dimensions against the
// peers' median and P75) or "key-indicators" (each key indicator's bar
// above the peers' mean or share, with both values). Texts are escaped as
// on the page. nullopt for any other chart name.
std::optional<std::string> DiagnosisChartSvg(const nlohmann::json& diagnosis, std::string_view chart);

}  // namespace rongping::report

#endif  // RONGPING_REPORT_DIAGNOSIS_HTML_H_
