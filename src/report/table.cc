#include "report/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/html.h"
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

// How many bytes the UTF-8 character that starts with `lead` has.
size_t Utf8Length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Each column's group, or null when it has none.
std::vector<const HeaderGroup*> GroupOfColumns(const Table& table) {
  std::vector<const HeaderGroup*> group_of(table.header.size(), nullptr);
  for (const auto& g : table.header_groups) {
    for (size_t c = g.first_column; c < g.first_column + g.columns && c < group_of.size(); ++c) {
      group_of[c] = &g;
    }
  }
  return group_of;
}

int Decimals(const TableCell& cell) { return std::clamp(cell.decimals, 0, 6); }

// The number as written: rounded to the cell's decimals as it reads (a
// percentage's decimals are of the percentage); NaN and infinities are no
// number; what rounds to zero is 0, never -0.
std::optional<double> Rounded(const TableCell& cell) {
  if (!cell.number || !std::isfinite(*cell.number)) return std::nullopt;
  const double scale =
      std::pow(10.0, Decimals(cell)) * (cell.style == NumberStyle::kPercent ? 100 : 1);
  const double rounded = std::round(*cell.number * scale) / scale;
  return rounded == 0 ? 0.0 : rounded;
}

// The number as the cell reads in a spreadsheet: 1234, 33.3%, +3, ↑2, 持平.
std::string NumberText(const TableCell& cell) {
  auto value = Rounded(cell);
  if (!value) return "";
  const int d = Decimals(cell);
  switch (cell.style) {
    case NumberStyle::kPercent:
      return fmt::format("{:.{}f}%", *value * 100, d);
    case NumberStyle::kSigned:
      return *value > 0 ? fmt::format("+{:.{}f}", *value, d) : fmt::format("{:.{}f}", *value, d);
    case NumberStyle::kRankChange:
      return *value > 0   ? fmt::format("↑{:.{}f}", *value, d)
             : *value < 0 ? fmt::format("↓{:.{}f}", -*value, d)
                          : std::string("持平");
    case NumberStyle::kPlain:
      break;
  }
  return fmt::format("{:.{}f}", *value, d);
}

// The XLSX number format of a cell's style and decimals.
std::string NumberFormat(NumberStyle style, int decimals) {
  const std::string n = decimals <= 0 ? "0" : "0." + std::string(decimals, '0');
  switch (style) {
    case NumberStyle::kPercent:
      return n + "%";
    case NumberStyle::kSigned:
      return "+" + n + ";-" + n + ";" + n;
    case NumberStyle::kRankChange:
      return "\"↑\"" + n + ";\"↓\"" + n + ";\"持平\"";
    case NumberStyle::kPlain:
      break;
  }
  return n;
}

// A sheet name Excel accepts: at most 31 characters (UTF-8 code points),
// none of []:*?/\.
std::string SheetName(const std::string& title) {
  std::string out;
  int characters = 0;
  for (size_t i = 0; i < title.size() && characters < 31;) {
    const unsigned char lead = static_cast<unsigned char>(title[i]);
    const size_t length = Utf8Length(lead);
    std::string ch = title.substr(i, length);
    i += length;
    if (ch.size() == 1 && std::string_view("[]:*?/\\").find(ch[0]) != std::string_view::npos)
      continue;
    out += ch;
    ++characters;
  }
  return out.empty() ? "Sheet1" : out;
}

// About how wide `shown` is in a spreadsheet's characters: a CJK character
// is about two Latin ones.
double DisplayWidth(const std::string& shown) {
  double width = 0;
  for (size_t i = 0; i < shown.size();) {
    const unsigned char lead = static_cast<unsigned char>(shown[i]);
    width += lead < 0x80 ? 1.1 : 2.1;
    i += Utf8Length(lead);
  }
  return width;
}

// The formats of one workbook, each made once.
class Formats {
 public:
  explicit Formats(lxw_workbook* wb) : wb_(wb) {}

  lxw_format* Head() {
    return Make("head", [](lxw_format* f) {
      format_set_bold(f);
      format_set_border(f, LXW_BORDER_THIN);
      format_set_align(f, LXW_ALIGN_CENTER);
      format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
      format_set_text_wrap(f);
      format_set_bg_color(f, 0xF2F2F2);
    });
  }
  lxw_format* Title() {
    return Make("title", [](lxw_format* f) {
      format_set_bold(f);
      format_set_font_size(f, 14);
      format_set_align(f, LXW_ALIGN_CENTER);
    });
  }
  lxw_format* Note() {
    return Make("note", [](lxw_format* f) { format_set_font_color(f, 0x595959); });
  }
  // A table cell: text, or a number in its style and decimals.
  lxw_format* Cell(const TableCell& cell, bool bold) {
    const bool number = Rounded(cell).has_value();
    const std::string num_format = number ? NumberFormat(cell.style, Decimals(cell)) : "";
    return Make(fmt::format("cell|{}|{}", bold, num_format), [&](lxw_format* f) {
      format_set_border(f, LXW_BORDER_THIN);
      if (bold) format_set_bold(f);
      if (number) format_set_num_format(f, num_format.c_str());
    });
  }
  lxw_format* Form(FormCell::Style style) {
    switch (style) {
      case FormCell::Style::kLabel:
        return Make("label", [](lxw_format* f) {
          format_set_border(f, LXW_BORDER_THIN);
          format_set_align(f, LXW_ALIGN_CENTER);
          format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
        });
      case FormCell::Style::kSection:
        return Make("section", [](lxw_format* f) {
          format_set_border(f, LXW_BORDER_THIN);
          format_set_bold(f);
          format_set_bg_color(f, 0xF2F2F2);
        });
      case FormCell::Style::kNote:
        return Note();
      case FormCell::Style::kValue:
        break;
    }
    return Make("value", [](lxw_format* f) {
      format_set_border(f, LXW_BORDER_THIN);
      format_set_text_wrap(f);
      format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    });
  }

 private:
  template <typename Setup>
  lxw_format* Make(const std::string& key, Setup setup) {
    auto [it, made] = made_.try_emplace(key, nullptr);
    if (made) {
      it->second = workbook_add_format(wb_);
      setup(it->second);
    }
    return it->second;
  }

  lxw_workbook* wb_;
  std::map<std::string, lxw_format*> made_;
};

// `text` in the printed page header: '&' starts a code there, and Excel
// takes at most 255 bytes; whole characters, at most 200 bytes.
std::string PageHeader(const std::string& text) {
  std::string printed;
  for (size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    const size_t length = Utf8Length(lead);
    if (printed.size() + length + 1 > 200) break;
    printed += lead == '&' ? std::string("&&") : text.substr(i, length);
    i += length;
  }
  return "&C" + printed;
}

// Page setup every sheet shares: A4, fitted to the page width, numbered.
void SetUpPages(lxw_worksheet* ws, const std::string& title, bool landscape) {
  if (landscape) worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // A4
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_set_header(ws, PageHeader(title).c_str());
  worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
}

// Writes `text` over columns [first, first + columns) of `row`.
void WriteSpan(lxw_worksheet* ws, lxw_row_t row, lxw_col_t first, lxw_col_t columns,
               const std::string& text, lxw_format* format) {
  if (columns > 1) {
    worksheet_merge_range(ws, row, first, row, static_cast<lxw_col_t>(first + columns - 1),
                          text.c_str(), format);
  } else {
    worksheet_write_string(ws, row, first, text.c_str(), format);
  }
}

void WriteTable(lxw_workbook* wb, Formats& formats, const Table& table) {
  lxw_worksheet* ws = workbook_add_worksheet(
      wb, SheetName(table.sheet_name.empty() ? table.title : table.sheet_name).c_str());
  const auto columns = static_cast<lxw_col_t>(table.header.size());
  lxw_row_t row = 0;
  if (table.title_in_sheet && columns > 0) {
    WriteSpan(ws, row++, 0, columns, table.title, formats.Title());
    if (!table.caption.empty()) WriteSpan(ws, row++, 0, columns, table.caption, nullptr);
  }
  const lxw_row_t header_start = row;
  std::vector<double> widths(table.header.size(), 8);
  auto widen = [&](size_t column, const std::string& shown) {
    widths[column] = std::min(60.0, std::max(widths[column], DisplayWidth(shown) + 2));
  };
  const auto group_of = GroupOfColumns(table);
  const bool grouped = !table.header_groups.empty();
  for (lxw_col_t c = 0; c < columns; ++c) {
    const HeaderGroup* g = group_of[c];
    if (!grouped) {
      worksheet_write_string(ws, row, c, table.header[c].c_str(), formats.Head());
    } else if (!g) {
      worksheet_merge_range(ws, row, c, row + 1, c, table.header[c].c_str(), formats.Head());
    } else {
      if (c == g->first_column) {
        WriteSpan(ws, row, c, static_cast<lxw_col_t>(g->columns), g->label, formats.Head());
      }
      worksheet_write_string(ws, row + 1, c, table.header[c].c_str(), formats.Head());
    }
    widen(c, table.header[c]);
  }
  row += grouped ? 2 : 1;
  const lxw_row_t header_end = row - 1;
  for (size_t r = 0; r < table.rows.size(); ++r, ++row) {
    const bool bold = r < table.total_rows;
    for (size_t c = 0; c < table.rows[r].size() && c < table.header.size(); ++c) {
      const TableCell& cell = table.rows[r][c];
      const auto col = static_cast<lxw_col_t>(c);
      if (auto value = Rounded(cell)) {
        worksheet_write_number(ws, row, col, *value, formats.Cell(cell, bold));
        widen(c, NumberText(cell));
      } else if (cell.number || cell.text.empty()) {
        worksheet_write_blank(ws, row, col, formats.Cell(cell, bold));
      } else {
        worksheet_write_string(ws, row, col, cell.text.c_str(), formats.Cell(cell, bold));
        widen(c, cell.text);
      }
    }
  }
  for (lxw_col_t c = 0; c < columns; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);
  row += 1;
  for (const auto& note : table.notes)
    worksheet_write_string(ws, row++, 0, note.c_str(), formats.Note());
  worksheet_freeze_panes(ws, header_end + 1, 0);
  worksheet_repeat_rows(ws, header_start, header_end);
  SetUpPages(ws, table.title, table.landscape);
}

void WriteForm(lxw_workbook* wb, Formats& formats, const Form& form) {
  lxw_worksheet* ws = workbook_add_worksheet(
      wb, SheetName(form.sheet_name.empty() ? form.title : form.sheet_name).c_str());
  const auto columns = static_cast<lxw_col_t>(std::max<size_t>(form.column_widths.size(), 1));
  for (lxw_col_t c = 0; c < form.column_widths.size(); ++c) {
    worksheet_set_column(ws, c, c, form.column_widths[c], nullptr);
  }
  lxw_row_t row = 0;
  WriteSpan(ws, row++, 0, columns, form.title, formats.Title());
  if (!form.caption.empty()) WriteSpan(ws, row++, 0, columns, form.caption, formats.Note());
  ++row;
  for (const auto& cells : form.rows) {
    lxw_col_t col = 0;
    for (const auto& cell : cells) {
      const auto span = static_cast<lxw_col_t>(std::max(cell.columns, 1));
      if (col + span > columns && cell.style != FormCell::Style::kNote) break;
      WriteSpan(ws, row, col, cell.style == FormCell::Style::kNote ? 1 : span, cell.text,
                formats.Form(cell.style));
      col += span;
    }
    ++row;
  }
  SetUpPages(ws, form.title, false);
}
}  // namespace

std::string CellText(const TableCell& cell) { return cell.number ? NumberText(cell) : cell.text; }

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

Result<std::string> TableToXlsx(const Table& table) { return SheetsToXlsx({table}); }

std::string TableToHtml(const Table& table, std::string_view caption) {
  std::string h = "<table>\n";
  if (!caption.empty()) h += "<caption>" + HtmlEscape(caption) + "</caption>\n";
  h += "<thead>\n<tr>";
  const bool grouped = !table.header_groups.empty();
  std::string second;  // the grouped columns' own headers
  const auto group_of = GroupOfColumns(table);
  for (size_t c = 0; c < table.header.size(); ++c) {
    const HeaderGroup* group = group_of[c];
    if (!group) {
      h += fmt::format("<th{}>{}</th>", grouped ? " rowspan=\"2\"" : "",
                       HtmlEscape(table.header[c]));
      continue;
    }
    if (c == group->first_column) {
      h += fmt::format("<th colspan=\"{}\">{}</th>", group->columns, HtmlEscape(group->label));
    }
    second += "<th>" + HtmlEscape(table.header[c]) + "</th>";
  }
  h += "</tr>\n";
  if (grouped) h += "<tr>" + second + "</tr>\n";
  h += "</thead>\n<tbody>\n";
  std::vector<bool> is_text(table.header.size(), false);
  if (table.text_columns.empty() && !is_text.empty()) is_text[0] = true;
  for (size_t c : table.text_columns) {
    if (c < is_text.size()) is_text[c] = true;
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    h += r < table.total_rows ? "<tr class=\"total\">" : "<tr>";
    for (size_t c = 0; c < table.rows[r].size() && c < table.header.size(); ++c) {
      const TableCell& cell = table.rows[r][c];
      std::string shown = CellText(cell);
      if (shown.empty()) shown = "—";
      h += fmt::format("<td class=\"{}\">{}</td>", is_text[c] ? "name" : "num", HtmlEscape(shown));
    }
    h += "</tr>\n";
  }
  return h + "</tbody>\n</table>\n";
}

Result<std::string> SheetsToXlsx(const std::vector<Sheet>& sheets) {
  XlsxFile file;
  if (!file.ok()) return Fail(Error::Internal("无法创建 Excel 文件"));
  Formats formats(file.workbook());
  for (const auto& sheet : sheets) {
    if (const auto* table = std::get_if<Table>(&sheet)) {
      WriteTable(file.workbook(), formats, *table);
    } else {
      WriteForm(file.workbook(), formats, std::get<Form>(sheet));
    }
  }
  return file.Finish();
}

}  // namespace rongping::report
