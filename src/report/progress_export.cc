#include "report/progress_export.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "domain/date.h"
#include "report/table.h"

namespace rongping::report {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json Opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json RowJson(const domain::ProgressRow& r) {
  return {{"unit_code", r.unit_code},
          {"unit_name", r.unit_name},
          {"participating", r.participating},
          {"completed", r.completed},
          {"target", Opt(r.target)},
          {"target_rule", r.target_rule.empty() ? Json(nullptr) : Json(r.target_rule)},
          {"target_met", Opt(r.target_met)},
          {"completion_rate", Opt(r.completion_rate)},
          {"rank", Opt(r.rank)},
          {"gap", Opt(r.gap)},
          {"expected_by_today",
           r.expected_by_today ? Json(std::round(*r.expected_by_today * 10) / 10) : Json(nullptr)},
          {"has_children", r.has_children}};
}

std::string TotalName(const domain::ProgressTable& t) {
  // 附件2 calls the province row 全省.
  return t.total.unit_name.size() > 0 && t.total.unit_name.find("省") != std::string::npos
             ? "全省"
             : t.total.unit_name;
}

}  // namespace

Json ProgressToJson(const domain::ProgressTable& t) {
  Json rows = Json::array();
  for (const auto& r : t.rows) rows.push_back(RowJson(r));
  return {{"round", t.round_code},
          {"unit", t.root_code},
          {"as_of", t.as_of},
          {"completion", domain::CompletionName(t.completion)},
          {"entries", domain::EntryCountName(t.entries)},
          {"counting_note", t.counting_note},
          {"rows", std::move(rows)},
          {"total", RowJson(t.total)}};
}

namespace {

// 附件2 as a table: the total row first (as 附件2 puts 全省 first), then the
// units.
Table ProgressTableOf(const domain::ProgressTable& t, const std::string& title) {
  Table table;
  table.title = title;
  table.sheet_name = "进度";
  table.title_in_sheet = true;
  // As an official writes them: the day in Chinese, the round by its name.
  const auto day = domain::Date::Parse(t.as_of);
  table.caption = fmt::format("统计日期：{}；评估周期：{}", day ? day->ToChinese() : t.as_of,
                              t.round_name.empty() ? t.round_code : t.round_name);
  table.header = {"属地", "参与评估数", "完成评估数", "目标完成数", "完成率", "是否达标", "排名"};
  auto count = [](const std::optional<int64_t>& v) {
    return TableCell::Maybe(v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt);
  };
  auto line = [&](const domain::ProgressRow& r, const std::string& name) {
    table.rows.push_back(
        {TableCell::Text(name), TableCell::Number(static_cast<double>(r.participating)),
         TableCell::Number(static_cast<double>(r.completed)), count(r.target),
         TableCell::Maybe(r.completion_rate, NumberStyle::kPercent, 1),
         TableCell::Text(r.target_met ? (*r.target_met ? "是" : "否") : ""), count(r.rank)});
  };
  line(t.total, TotalName(t));
  for (const auto& r : t.rows) line(r, r.unit_name);
  table.total_rows = 1;
  table.notes = {t.counting_note};
  return table;
}

}  // namespace

std::string ProgressToCsv(const domain::ProgressTable& t) {
  return TableToCsv(ProgressTableOf(t, "进度"));
}

Result<std::string> ProgressToXlsx(const domain::ProgressTable& t, const std::string& title) {
  return TableToXlsx(ProgressTableOf(t, title));
}

}  // namespace rongping::report
