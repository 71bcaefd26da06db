#include "report/progress_export.h"
#include "report/spreadsheet.h"
#include "report/table.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

std::string Percent(const std::optional<double>& rate) {
  return rate ? fmt::format("{:.1f}%", *rate * 100) : "";
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

std::string ProgressToCsv(const domain::ProgressTable& t) {
  Table table{"进度", {"属地", "参与评估数", "完成评估数", "目标完成数", "完成率", "是否达标", "排名"}, {}, {}};
  auto line = [&](const domain::ProgressRow& r, const std::string& name) {
    auto optional_number = [](const std::optional<int64_t>& v) {
      return v ? TableCell::Number(static_cast<double>(*v)) : TableCell::Text("");
    };
    table.rows.push_back({TableCell::Text(name), TableCell::Number(static_cast<double>(r.participating)),
                          TableCell::Number(static_cast<double>(r.completed)), optional_number(r.target),
                          TableCell::Text(Percent(r.completion_rate)),
                          TableCell::Text(r.target_met ? (*r.target_met ? "是" : "否") : ""), optional_number(r.rank)});
  };
  line(t.total, TotalName(t));
  for (const auto& r : t.rows) line(r, r.unit_name);
  return TableToCsv(table);
}

Result<std::string> ProgressToXlsx(const domain::ProgressTable& t, const std::string& title) {
  report::XlsxFile file;
  if (!file.ok()) return Fail(Error::Internal("无法创建 Excel 文件"));
  lxw_workbook* wb = file.workbook();
  lxw_worksheet* ws = workbook_add_worksheet(wb, "进度");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* pct = workbook_add_format(wb);
  format_set_num_format(pct, "0.0%");
  worksheet_write_string(ws, 0, 0, title.c_str(), bold);
  const char* headers[] = {"属地", "参与评估数", "完成评估数", "目标完成数", "完成率", "是否达标", "排名"};
  for (int c = 0; c < 7; ++c) worksheet_write_string(ws, 1, c, headers[c], bold);
  worksheet_set_column(ws, 0, 0, 14, nullptr);
  worksheet_set_column(ws, 1, 6, 12, nullptr);
  lxw_row_t row = 2;
  auto write = [&](const domain::ProgressRow& r, const std::string& name) {
    worksheet_write_string(ws, row, 0, name.c_str(), nullptr);
    worksheet_write_number(ws, row, 1, static_cast<double>(r.participating), nullptr);
    worksheet_write_number(ws, row, 2, static_cast<double>(r.completed), nullptr);
    if (r.target) worksheet_write_number(ws, row, 3, static_cast<double>(*r.target), nullptr);
    if (r.completion_rate) worksheet_write_number(ws, row, 4, *r.completion_rate, pct);
    if (r.target_met) worksheet_write_string(ws, row, 5, *r.target_met ? "是" : "否", nullptr);
    if (r.rank) worksheet_write_number(ws, row, 6, *r.rank, nullptr);
    ++row;
  };
  write(t.total, TotalName(t));
  for (const auto& r : t.rows) write(r, r.unit_name);
  worksheet_write_string(ws, row + 1, 0, t.counting_note.c_str(), nullptr);
  worksheet_write_string(ws, row + 2, 0,
                         fmt::format("统计日期：{}；评估周期：{}", t.as_of, t.round_code).c_str(), nullptr);
  return file.Finish();
}

}  // namespace rongping::report
