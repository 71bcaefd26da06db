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

}  // namespace rongping::report
