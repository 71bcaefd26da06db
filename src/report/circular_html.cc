#include "report/circular_html.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/time.h"
#include "report/html.h"

namespace rongping::report {
namespace {

using domain::ProgressRow;
using domain::ProgressTable;
using domain::Changes;
using domain::Circular;
using domain::UnitChange;

std::string Percent(double rate) { return fmt::format("{:.1f}%", rate * 100); }

// "增加12家" / "减少3家" / "持平".
std::string CountPhrase(int64_t d) {
  if (d > 0) return fmt::format("增加{}家", d);
  if (d < 0) return fmt::format("减少{}家", -d);
  return "持平";
}

std::string RatePhrase(double delta) {
  double pp = std::round(delta * 1000) / 10;
  if (pp > 0) return fmt::format("提高{:.1f}个百分点", pp);
  if (pp < 0) return fmt::format("下降{:.1f}个百分点", -pp);
  return "持平";
}

// Joins escaped names with 、.
std::string JoinNames(const std::vector<const ProgressRow*>& rows, bool with_rate) {
  std::string out;
  for (const auto* r : rows) {
    if (!out.empty()) out += "、";
    out += HtmlEscape(r->unit_name);
    if (with_rate && r->completion_rate) out += "（" + Percent(*r->completion_rate) + "）";
  }
  return out;
}

}  // namespace

Table CircularTable(const Circular& c) {
  Table table;
  table.header = {"属地",       "参与评估数", "完成评估数",       "目标", "完成率", "排名",
                  "参与评估数", "完成评估数", "完成率（百分点）", "排名"};
  table.header_groups = {{"较上期变化", 6, 4}};
  std::map<std::string, const UnitChange*> change_of;
  if (c.changes) {
    for (const auto& ch : c.changes->rows) change_of[ch.unit_code] = &ch;
  }
  auto number = [](const auto& v, NumberStyle style = NumberStyle::kPlain, int decimals = 0,
                   double scale = 1) {
    return v ? TableCell::Styled(static_cast<double>(*v) * scale, style, decimals)
             : TableCell::Text("");
  };
  auto line = [&](const ProgressRow& r, const std::string& name, const UnitChange* ch) {
    const UnitChange none;
    const UnitChange& d = ch ? *ch : none;
    table.rows.push_back(
        {TableCell::Text(name), TableCell::Number(static_cast<double>(r.participating)),
         TableCell::Number(static_cast<double>(r.completed)),
         r.target ? TableCell::Number(static_cast<double>(*r.target)) : TableCell::Text("未设定"),
         number(r.completion_rate, NumberStyle::kPercent, 1), number(r.rank),
         number(d.participating, NumberStyle::kSigned), number(d.completed, NumberStyle::kSigned),
         number(d.completion_rate, NumberStyle::kSigned, 1, 100),
         number(d.rank, NumberStyle::kRankChange)});
  };
  line(c.table.total, RegionWord(c.unit_name.empty() ? c.table.total.unit_name : c.unit_name),
       c.changes ? &c.changes->total : nullptr);
  for (const auto& r : c.table.rows) {
    auto it = change_of.find(r.unit_code);
    line(r, r.unit_name, it == change_of.end() ? nullptr : it->second);
  }
  table.total_rows = 1;
  return table;
}

std::string ChineseQuarter(std::string_view date) {
  if (!ParseDateDays(date)) return "";
  static const char* kQuarters[] = {"一", "二", "三", "四"};
  int m = std::stoi(std::string(date.substr(5, 2)));
  return fmt::format("{}年第{}季度", std::stoi(std::string(date.substr(0, 4))), kQuarters[(m - 1) / 3]);
}

std::string RegionWord(std::string_view name) {
  auto ends = [&](std::string_view s) {
    return name.size() > s.size() && name.substr(name.size() - s.size()) == s;
  };
  if (ends("省")) return "全省";
  if (ends("自治区")) return "全区";
  return std::string(name);
}

std::string CircularToHtml(const Circular& c) {
  const ProgressTable& t = c.table;
  const std::string date = ChineseDate(c.as_of);
  const std::string region = RegionWord(c.unit_name.empty() ? t.total.unit_name : c.unit_name);
  const Changes* changes = c.changes ? &*c.changes : nullptr;
  std::map<std::string, const UnitChange*> change_of;
  if (changes) {
    for (const auto& ch : changes->rows) change_of[ch.unit_code] = &ch;
  }

  std::string h;
  h += "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + HtmlEscape(c.title) + "</title>\n<style>" + std::string(kOfficialPageStyle) +
       "</style>\n";
  h += "</head>\n<body>\n<main class=\"page\">\n";
  h += "<h1>" + HtmlEscape(c.title) + "</h1>\n";
  h += "<p class=\"to\">各有关单位：</p>\n";
  h += fmt::format("<p>{}现将截至{}{}两化融合评估诊断和对标引导工作进展情况通报如下。</p>\n",
                   c.round_name.empty() ? std::string()
                                        : "根据" + HtmlEscape(c.round_name) + "工作安排，",
                   date, HtmlEscape(region));

  // 一、总体情况
  const ProgressRow& total = t.total;
  h += "<h2>一、总体情况</h2>\n";
  std::string overall = fmt::format("截至{}，{}参与评估企业{}家，完成评估企业{}家", date,
                                    HtmlEscape(region), total.participating, total.completed);
  if (total.target) {
    overall += fmt::format("，目标{}家", *total.target);
    if (total.completion_rate) overall += "，完成率" + Percent(*total.completion_rate);
    if (total.target_met) {
      overall += *total.target_met ? "，已完成目标任务"
                                   : fmt::format("，距目标尚差{}家", total.gap.value_or(0));
    }
  }
  overall += "。";
  if (changes && c.previous) {
    const UnitChange& d = changes->total;
    overall += fmt::format("与上期通报（截至{}）相比，参与评估企业{}，完成评估企业{}",
                           ChineseDate(c.previous->as_of), CountPhrase(d.participating.value_or(0)),
                           CountPhrase(d.completed.value_or(0)));
    if (d.completion_rate) overall += "，完成率" + RatePhrase(*d.completion_rate);
    overall += "。";
  } else {
    overall += "本期为本评估周期首次通报，暂无上期数据可比。";
  }
  h += "<p>" + overall + "</p>\n";

  // 二、各地进展情况
  h += "<h2>二、各地进展情况</h2>\n";
  h += fmt::format("<p>{}各地参与评估数、完成评估数、目标、完成率及排名见下表。</p>\n",
                   HtmlEscape(region));
  h += TableToHtml(CircularTable(c),
                   region + "两化融合评估诊断和对标引导情况表（截至" + date + "）");
  h += "<p class=\"note\">";
  h += t.counting_note.empty()
           ? "注：参与评估数指系统中有评估记录的企业数，完成评估数指完成评估获得评分并在系统中上报"
             "（需审核的经审核通过）的企业数。"
           : HtmlEscape(t.counting_note);
  h += "完成率为完成评估数与目标之比，排名按完成率由高到低排列，完成率相同的并列，未设定目标的不参与排名。";
  if (changes && c.previous) {
    h += "较上期变化为与截至" + ChineseDate(c.previous->as_of) +
         "的上期通报相比的变化，排名“↑”表示上升、“↓”表示下降。";
  } else {
    h += "本期为首次通报，较上期变化一栏以“—”表示。";
  }
  h += "</p>\n";

  // 三、目标完成情况: units that met the target, the bottom units.
  std::vector<const ProgressRow*> ranked, met, unset;
  for (const auto& r : t.rows) {
    if (r.rank) ranked.push_back(&r);
    if (!r.target) unset.push_back(&r);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const ProgressRow* a, const ProgressRow* b) { return *a->rank < *b->rank; });
  for (const auto* r : ranked) {
    if (r->target_met.value_or(false)) met.push_back(r);
  }
  if (!t.rows.empty()) {
    h += "<h2>三、目标完成情况</h2>\n";
    std::string p;
    if (!met.empty()) {
      p += fmt::format("截至{}，已完成目标任务的有{}，共{}个。", date, JoinNames(met, false),
                       met.size());
    } else if (!ranked.empty()) {
      p += fmt::format("截至{}，尚无地区完成目标任务。", date);
    }
    // Bottom units: the three lowest ranks among units short of their
    // target (units tied with the third lowest are named too), worst first.
    std::vector<const ProgressRow*> behind;
    for (const auto* r : ranked) {
      if (!r->target_met.value_or(false)) behind.push_back(r);
    }
    std::stable_sort(behind.begin(), behind.end(),
                     [](const ProgressRow* a, const ProgressRow* b) { return *a->rank > *b->rank; });
    if (behind.size() > 3) {
      int cut = *behind[2]->rank;
      behind.erase(std::find_if(behind.begin(), behind.end(),
                                [cut](const ProgressRow* r) { return *r->rank < cut; }),
                   behind.end());
      p += fmt::format("完成率排名靠后的是{}，请加快工作进度，确保按期完成目标任务。",
                       JoinNames(behind, true));
    } else if (!behind.empty()) {
      p += fmt::format("尚未完成目标任务的有{}，请加快工作进度，确保按期完成目标任务。",
                       JoinNames(behind, true));
    }
    if (unset.size() == t.rows.size()) {
      p += "各地均未设定目标，暂不排名。";
    } else if (!unset.empty()) {
      p += fmt::format("{}尚未设定目标，未参与排名。", JoinNames(unset, false));
    }
    h += "<p>" + p + "</p>\n";
  }

  h += "<p class=\"sign\">" + date + "</p>\n";
  h += "</main>\n</body>\n</html>\n";
  return h;
}

}  // namespace rongping::report
