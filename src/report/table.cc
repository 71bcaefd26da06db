#include "report/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/spreadsheet.h"

namespace rongping::report {
namespace {

// A CSV field: as it is when nothing in it needs quoting, else CsvCell's
// quoted form (which also guards a formula).
std::string CsvField(std::string_view text) {
  const bool formula =
      !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos;
  if (!formula && text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  return CsvCell(text);
}

int Decimals(const TableCell& cell) { return std::clamp(cell.decimals, 0, 6); }

// The number as written: rounded to the cell's decimals, as the CSV shows
// it; NaN and infinities are no number.
std::optional<double> Rounded(const TableCell& cell) {
  if (!cell.number || !std::isfinite(*cell.number)) return std::nullopt;
  const double scale = std::pow(10.0, Decimals(cell));
  return std::round(*cell.number * scale) / scale;
}

std::string NumberText(const TableCell& cell) {
  auto value = Rounded(cell);
  return value ? fmt::format("{:.{}f}", *value, Decimals(cell)) : "";
}

// The number format of `decimals` places: "0", "0.0", "0.00", ...
std::string NumberFormat(int decimals) {
  return decimals <= 0 ? "0" : "0." + std::string(decimals, '0');
}

// A sheet name Excel accepts: at most 31 characters (UTF-8 code points),
// none of []:*?/\.
std::string SheetName(const std::string& title) {
  std::string out;
  int characters = 0;
  for (size_t i = 0; i < title.size() && characters < 31;) {
    const unsigned char lead = static_cast<unsigned char>(title[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::string ch = title.substr(i, length);
    i += length;
    if (ch.size() == 1 && std::string_view("[]:*?/\\").find(ch[0]) != std::string_view::npos)
      continue;
    out += ch;
    ++characters;
  }
  return out.empty() ? "Sheet1" : out;
}

}  // namespace

std::string TableToCsv(const Table& table) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t i = 0; i < table.header.size(); ++i)
    out += (i ? "," : "") + CsvField(table.header[i]);
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += row[i].number ? NumberText(row[i]) : CsvField(row[i].text);
    }
    out += "\r\n";
  }
  return out;
}

Result<std::string> TableToXlsx(const Table& table) {
  XlsxFile file;
  if (!file.ok()) return Fail(Error::Internal("无法创建 Excel 文件"));
  lxw_workbook* wb = file.workbook();
  lxw_worksheet* ws = workbook_add_worksheet(wb, SheetName(table.title).c_str());
  if (!ws) return Fail(Error::Internal("无法创建 Excel 工作表"));
  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_align(head, LXW_ALIGN_CENTER);
  format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
  format_set_text_wrap(head);
  format_set_bg_color(head, 0xF2F2F2);
  lxw_format* text = workbook_add_format(wb);
  format_set_border(text, LXW_BORDER_THIN);
  std::vector<lxw_format*> numbers;  // by decimals
  auto number_format = [&](int decimals) {
    decimals = std::clamp(decimals, 0, 6);
    if (numbers.size() <= static_cast<size_t>(decimals)) numbers.resize(decimals + 1, nullptr);
    if (!numbers[decimals]) {
      numbers[decimals] = workbook_add_format(wb);
      format_set_border(numbers[decimals], LXW_BORDER_THIN);
      format_set_num_format(numbers[decimals], NumberFormat(decimals).c_str());
    }
    return numbers[decimals];
  };
  const lxw_col_t columns = static_cast<lxw_col_t>(table.header.size());
  std::vector<double> widths(table.header.size(), 8);
  auto widen = [&](size_t column, const std::string& shown) {
    // A CJK character is about two Latin ones wide.
    double width = 0;
    for (size_t i = 0; i < shown.size();) {
      const unsigned char lead = static_cast<unsigned char>(shown[i]);
      width += lead < 0x80 ? 1.1 : 2.1;
      i += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    }
    widths[column] = std::min(60.0, std::max(widths[column], width + 2));
  };
  for (lxw_col_t c = 0; c < columns; ++c) {
    worksheet_write_string(ws, 0, c, table.header[c].c_str(), head);
    widen(c, table.header[c]);
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; c < table.rows[r].size() && c < table.header.size(); ++c) {
      const TableCell& cell = table.rows[r][c];
      const auto col = static_cast<lxw_col_t>(c);
      if (cell.number) {
        if (auto value = Rounded(cell)) {
          worksheet_write_number(ws, row, col, *value, number_format(Decimals(cell)));
        } else {
          worksheet_write_blank(ws, row, col, text);
        }
        widen(c, NumberText(cell));
      } else {
        worksheet_write_string(ws, row, col, cell.text.c_str(), text);
        widen(c, cell.text);
      }
    }
  }
  for (lxw_col_t c = 0; c < columns; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);
  const auto notes_start = static_cast<lxw_row_t>(table.rows.size() + 2);
  for (size_t i = 0; i < table.notes.size(); ++i) {
    worksheet_write_string(ws, notes_start + static_cast<lxw_row_t>(i), 0, table.notes[i].c_str(),
                           nullptr);
  }
  worksheet_freeze_panes(ws, 1, 0);
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // A4
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_repeat_rows(ws, 0, 0);
  std::string printed_title;  // '&' starts a code in Excel's page header; at most 200 bytes, whole
                              // characters
  for (size_t i = 0; i < table.title.size();) {
    const unsigned char lead = static_cast<unsigned char>(table.title[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (printed_title.size() + length + 1 > 200) break;
    printed_title += lead == '&' ? std::string("&&") : table.title.substr(i, length);
    i += length;
  }
  worksheet_set_header(ws, ("&C" + printed_title).c_str());
  worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
  return file.Finish();
}

}  // namespace rongping::report
