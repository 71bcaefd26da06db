#include "report/html.h"

#include "domain/date.h"

namespace rongping::report {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ChineseDate(std::string_view date) {
  auto day = domain::Date::Parse(date);
  return day ? day->ToChinese() : std::string(date);
}

extern const std::string_view kOfficialPageStyle = R"CSS(
*{box-sizing:border-box}
body{margin:0;background:#f2f2f2;color:#000;
 font-family:"FangSong","仿宋","FangSong_GB2312","仿宋_GB2312","STFangsong","SimSun","宋体","Songti SC",serif;
 font-size:16px;line-height:1.75}
.page{max-width:210mm;margin:24px auto;background:#fff;padding:25mm 20mm;box-shadow:0 0 6px rgba(0,0,0,.15)}
h1{font-family:"SimHei","黑体","Heiti SC","Microsoft YaHei","微软雅黑",sans-serif;font-size:22px;
 font-weight:bold;text-align:center;line-height:1.5;margin:0 0 28px}
h2{font-family:"SimHei","黑体","Heiti SC",sans-serif;font-size:16px;font-weight:bold;margin:18px 0 6px;text-indent:2em}
p{margin:0 0 8px;text-indent:2em;text-align:justify}
p.to{text-indent:0}
table{width:100%;border-collapse:collapse;margin:10px 0 6px;font-size:13px;line-height:1.4}
caption{font-family:"SimHei","黑体",sans-serif;font-weight:bold;font-size:15px;padding-bottom:6px}
th,td{border:1px solid #000;padding:3px 5px}
th{font-weight:bold;text-align:center;background:#f0f0f0}
td.name{text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:bold}
.note{font-size:13px;text-indent:0;line-height:1.5}
.sign{text-align:right;text-indent:0;margin-top:28px}
@media print{
 @page{size:A4 portrait;margin:25mm 20mm}
 body{background:#fff;font-size:12pt}
 .page{max-width:none;margin:0;padding:0;box-shadow:none}
 h1{font-size:18pt}
 table{font-size:10pt}
 th{background:none}
 thead{display:table-header-group}
 tr{page-break-inside:avoid;break-inside:avoid}
}
)CSS";

}  // namespace rongping::report
