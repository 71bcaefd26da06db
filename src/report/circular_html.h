// A circular (通报) as a print-ready, self-contained HTML page in 简体中文:
// title, the overall figures and their change since the previous circular,
// the table 属地 / 参与评估数 / 完成评估数 / 目标 / 完成率 / 排名 / 较上期变化,
// the units that met their target and the bottom units by completion rate,
// and the date written the Chinese way. Inline CSS with @media print; no
// scripts, images, fonts or other external resources. Every text from data
// is HTML-escaped.
#ifndef RONGPING_REPORT_CIRCULAR_HTML_H_
#define RONGPING_REPORT_CIRCULAR_HTML_H_

#include <optional>
#include <string>
#include <string_view>

#include "domain/circular.h"
#include "report/table.h"

namespace rongping::report {

// "2016-06-30" -> "2016年第二季度"; empty when it is not a date.
std::string ChineseQuarter(std::string_view date);

// How a circular names the region of `unit_name` (as 附件2 calls its total
// row 全省): …省 -> 全省, …自治区 -> 全区, anything else (a city circulated
// by the province, a municipality) -> the name itself.
std::string RegionWord(std::string_view unit_name);

// The circular's table as both its page and its spreadsheet show it: 属地,
// 参与评估数, 完成评估数, 目标 ("未设定" when none), 完成率, 排名 and the four
// columns of 较上期变化 (empty without a previous circular); the region's
// total first. Title, caption and notes are the caller's.
Table CircularTable(const domain::Circular& circular);

// The page. Uses the circular's title, round name, unit name, as_of, table,
// previous and changes (not its id, snapshot or html).
std::string CircularToHtml(const domain::Circular& circular);

}  // namespace rongping::report

#endif  // RONGPING_REPORT_CIRCULAR_HTML_H_
