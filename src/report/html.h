// What every page rongping writes shares: text made safe for HTML, and a
// date as a Chinese official writes it.
#ifndef RONGPING_REPORT_HTML_H_
#define RONGPING_REPORT_HTML_H_

#include <string>
#include <string_view>

namespace rongping::report {

// Escapes & < > " and ' for text and attribute values.
std::string HtmlEscape(std::string_view text);

// "2016-06-30" -> "2016年6月30日"; the text itself when it is not a date.
std::string ChineseDate(std::string_view date);

// The CSS of a page an official sends (a circular, a work report): an A4
// sheet on screen, 仿宋 text and 黑体 headings, ruled tables whose header
// repeats on every printed page.
extern const std::string_view kOfficialPageStyle;

}  // namespace rongping::report

#endif  // RONGPING_REPORT_HTML_H_
