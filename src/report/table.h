// What people receive in a file, and the one writer of every export: a
// flat table as CSV and XLSX, and a sheet laid out like one of the notice's
// forms, in workbooks that open cleanly in Excel and WPS. No other module
// writes a spreadsheet.
//
// CSV: UTF-8 with a byte order mark, CRLF line ends; a text cell quoted
// when it holds a comma, a quote or a line break, and quoted behind an
// apostrophe when a spreadsheet would run it as a formula (CsvCell);
// numbers with the cell's decimals. XLSX: print-ready (A4, fitted to the
// page width, the header rows repeated on every printed page, the title in
// the printed page header and the page number in its footer, thin borders,
// the header frozen), numbers stored as numbers, notes below the table.
#ifndef RONGPING_REPORT_TABLE_H_
#define RONGPING_REPORT_TABLE_H_

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace rongping::report {

// How a number reads, in XLSX (a number format over the number) and in CSV
// (the text it shows).
enum class NumberStyle {
  kPlain,       // 1234, 56.7
  kPercent,     // a share as a percentage: 0.333 reads 33.3% with 1 decimal
  kSigned,      // a change: +3, -2, 0
  kRankChange,  // a change of rank, places gained: ↑2, ↓1, 持平
};

struct TableCell {
  std::string text;              // what is shown when not a number
  std::optional<double> number;  // a number, written rounded to `decimals` places (0-6); NaN: empty
  int decimals = 0;
  NumberStyle style = NumberStyle::kPlain;

  static TableCell Text(std::string text) { return {std::move(text), std::nullopt, 0}; }
  static TableCell Number(double value, int decimals = 0) { return {"", value, decimals}; }
  static TableCell Styled(double value, NumberStyle style, int decimals = 0) {
    return {"", value, decimals, style};
  }
  // An empty cell where a number may be missing.
  static TableCell Maybe(const std::optional<double>& value,
                         NumberStyle style = NumberStyle::kPlain, int decimals = 0) {
    return value ? Styled(*value, style, decimals) : Text("");
  }
};

// A label over a run of columns: in XLSX a header row above the columns'
// own (for example 较上期变化 over four columns).
struct HeaderGroup {
  std::string label;
  size_t first_column = 0;
  size_t columns = 0;
};

struct Table {
  std::string title;  // the printed page header; the sheet's name unless sheet_name is set
  std::vector<std::string> header;           // one per column
  std::vector<std::vector<TableCell>> rows;  // each as long as the header
  std::vector<std::string> notes;            // lines under the table (XLSX only)
  // HTML only: the columns of words (names, questions, stages), set left;
  // the others are figures, set right. Empty: the first column alone.
  std::vector<size_t> text_columns;
  // XLSX only:
  std::string sheet_name;                  // at most 31 characters are kept
  bool title_in_sheet = false;             // the title (large, bold) above the table
  std::string caption;                     // a line under the title, when title_in_sheet
  std::vector<HeaderGroup> header_groups;  // column groups, in column order, not overlapping
  size_t total_rows = 0;                   // the first rows are totals: in bold
  bool landscape = true;
};

// One cell of a form: text in a style, spanning `columns` columns.
struct FormCell {
  enum class Style { kLabel, kValue, kSection, kNote };
  FormCell(std::string text, Style style = Style::kValue, int columns = 1)
      : text(std::move(text)), style(style), columns(columns) {}
  std::string text;
  Style style;
  int columns;  // a note is written in the first column whatever it says
};

// A sheet laid out as a form (the contacts form): a title and caption over
// rows of cells. An empty row is a blank line.
struct Form {
  std::string sheet_name;
  std::string title;
  std::string caption;
  std::vector<double> column_widths;  // in characters; also the form's width in columns
  std::vector<std::vector<FormCell>> rows;
};

using Sheet = std::variant<Table, Form>;

// What a page shows of a cell: its number as written (1,234 is 1234, 33.3%,
// +3, ↑2, 持平) or its text; empty when it has neither.
std::string CellText(const TableCell& cell);

// The table as CSV: the header, then the rows.
std::string TableToCsv(const Table& table);

// The table as an .xlsx workbook's bytes.
Result<std::string> TableToXlsx(const Table& table);

// The table as an HTML <table> for a page, under `caption` (none when
// empty): the header (with its column groups) in <thead>, which printing
// repeats on every page; the text columns have class "name", the others are
// figures (class "num") as the CSV writes them; "—" where a cell is empty;
// total rows have class "total". Every text is escaped.
std::string TableToHtml(const Table& table, std::string_view caption);

// A workbook of the sheets, in order, as .xlsx bytes. kInternal when the
// file cannot be written.
Result<std::string> SheetsToXlsx(const std::vector<Sheet>& sheets);

}  // namespace rongping::report

#endif  // RONGPING_REPORT_TABLE_H_
