// A table as people receive it in a file, and the one writer of every flat
// table an export holds: CSV and XLSX that open cleanly in Excel and WPS.
// (Documents laid out like the notice's forms place their cells themselves
// through report/spreadsheet.h.)
//
// CSV: UTF-8 with a byte order mark, CRLF line ends; a text cell quoted
// when it holds a comma, a quote or a line break, and quoted behind an
// apostrophe when a spreadsheet would run it as a formula (CsvCell);
// numbers with the cell's decimals. XLSX: one sheet named after the table, print-ready (A4
// landscape, fitted to the page width, the header row repeated on every
// printed page, thin borders, the header frozen), numbers stored as numbers,
// notes below the table.
#ifndef RONGPING_REPORT_TABLE_H_
#define RONGPING_REPORT_TABLE_H_

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace rongping::report {

struct TableCell {
  std::string text;              // what is shown when not a number
  std::optional<double> number;  // a number, written rounded to `decimals` places (0-6); NaN: empty
  int decimals = 0;

  static TableCell Text(std::string text) { return {std::move(text), std::nullopt, 0}; }
  static TableCell Number(double value, int decimals = 0) { return {"", value, decimals}; }
};

struct Table {
  std::string title;                // the sheet's name (its first 31 characters) and printed header
  std::vector<std::string> header;  // one per column
  std::vector<std::vector<TableCell>> rows;  // each as long as the header
  std::vector<std::string> notes;            // lines under the table (XLSX only)
};

// The table as CSV: the header, then the rows.
std::string TableToCsv(const Table& table);

// The table as an .xlsx workbook's bytes.
Result<std::string> TableToXlsx(const Table& table);

}  // namespace rongping::report

#endif  // RONGPING_REPORT_TABLE_H_
