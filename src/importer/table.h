// Reading an uploaded spreadsheet (CSV or XLSX) into a table of text cells.
//
// The readers turn untrusted bytes into a Table: the header row and the data
// rows, every cell as UTF-8 text the way a spreadsheet user reads it, each
// data row tagged with the row number the spreadsheet shows, so that later
// validation can say "第 5 行". They do not interpret columns; the caller maps
// header names to fields and checks column counts.
//
// Every function here is safe on hostile input: malformed files, zip bombs,
// XML entity tricks and oversized inputs produce an Error (never a crash, an
// exception or unbounded memory use beyond the configured ReadLimits).
//
// Errors (Error::kind / Error::code, messages in 简体中文):
//   kInvalid  "unsupported_format"  the extension is not .csv or .xlsx
//   kInvalid  "unreadable_file"     ReadTableFile could not open or read path
//   kInvalid  "empty_file"          no non-empty row at all (no header)
//   kInvalid  "unknown_encoding"    CSV is neither UTF-8 nor GB18030/GBK
//   kInvalid  "unterminated_quote"  CSV quoted field never closed; the
//                                   message names the row where it started
//   kInvalid  "invalid_xlsx"        not a zip, no worksheet, corrupt entry or
//                                   XML ("不是有效的 Excel (.xlsx) 文件…")
//   kTooLarge "too_large"           any ReadLimits bound exceeded (file size,
//                                   rows, columns, cell size, zip bomb
//                                   guards); the message names the limit and,
//                                   for cells, the row and column
//
// Thread safety: all functions are reentrant; they share no state.
#ifndef RONGPING_IMPORTER_TABLE_H_
#define RONGPING_IMPORTER_TABLE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace rongping::importer {

// A sheet read into text cells. All strings are valid UTF-8.
struct Table {
  // The first row that has a non-empty cell, each cell trimmed of ASCII
  // whitespace and of U+3000 / U+00A0 / U+FEFF. Empty header cells are kept
  // in place so that indices line up with data cells.
  std::vector<std::string> header;

  // Data rows (every non-empty row after the header), cells trimmed of ASCII
  // whitespace. Rows are kept as read and are NOT padded or truncated to the
  // header width:
  //   - CSV: one cell per field of the record (so "a,b," has 3 cells);
  //   - XLSX: cells up to the last non-empty cell of the row; empty cells
  //     before it are "" and keep their column positions.
  // The caller checks column counts. Rows whose cells are all empty (after
  // trimming) are skipped.
  std::vector<std::vector<std::string>> rows;

  // row_numbers[i] is the row number a spreadsheet shows for rows[i]. The
  // header is row 1 unless the file begins with empty rows. Skipped empty
  // rows still count; a CSV record whose quoted field spans several lines is
  // one row. Always rows.size() == row_numbers.size().
  std::vector<int> row_numbers;
};

// Bounds on what a reader accepts. Exceeding any of them fails with
// ErrorKind::kTooLarge. The defaults suit an interactive upload.
struct ReadLimits {
  // Size of the file as uploaded (the CSV text or the .xlsx zip).
  size_t max_file_bytes = 64 << 20;
  // XLSX: bytes decompressed from any single zip entry, and in total over
  // all entries read (workbook, relationships, styles, shared strings and
  // the sheet). Checked both against the declared size in the zip headers
  // and against the bytes actually produced while reading.
  size_t max_uncompressed_bytes = 512 << 20;
  // XLSX: largest accepted decompressed/compressed size ratio of an entry.
  // Only enforced once an entry exceeds 1 MiB decompressed, since small XML
  // files legitimately compress very well.
  double max_compression_ratio = 200;
  // Data rows (non-empty rows after the header).
  size_t max_rows = 2'000'000;
  // Cells in a row (CSV fields in a record; XLSX column of the last
  // non-empty cell), header included.
  size_t max_columns = 256;
  // Bytes of UTF-8 in one cell, before trimming.
  size_t max_cell_bytes = 32 << 10;
  // XLSX: entries in the zip archive.
  size_t max_zip_entries = 10'000;
};

// Parses CSV text (RFC 4180: comma separator, double-quoted fields with ""
// for a quote, commas and line breaks inside quotes, CRLF, LF or CR line
// ends, last line with or without a line end). A leading UTF-8 BOM is
// skipped. If `bytes` is not valid UTF-8 it is decoded as GB18030 (a
// superset of GBK, which Excel/WPS use for "CSV" on Chinese Windows); if
// that fails too the result is "unknown_encoding". A CRLF inside a quoted
// field is returned as "\n". Text after a closing quote is kept literally
// ("ab"c → abc) and a quote inside an unquoted field is an ordinary
// character, as in Excel.
Result<Table> ReadCsv(std::string_view bytes, const ReadLimits& limits = {});

// Parses an Office Open XML workbook (.xlsx) held in memory and returns its
// first worksheet (in workbook order; xl/worksheets/sheet1.xml if the
// workbook part cannot be resolved). Cell text:
//   - shared strings (rich text runs concatenated), inline strings and
//     formula string results as stored, with OOXML _xHHHH_ escapes decoded;
//   - booleans as "TRUE" / "FALSE"; error values as stored ("#N/A");
//   - numbers at Excel's 15 significant digits, shortest form: 1234567,
//     1500.5 (not 1500.4999999999998), -0.25; very large or small
//     magnitudes in scientific form ("1.5E+25");
//   - numbers whose cell style is a date/time format as ISO text:
//     "2024-03-15", "2024-03-15 08:30", "08:30:15".
//   Other number formats are not applied: a cell shown as 15% or ¥1,500.00
//   reads as "0.15" or "1500".
// Formulas are not evaluated; their cached value is used.
Result<Table> ReadXlsx(std::string_view bytes, const ReadLimits& limits = {});

// Receives a sheet row by row, as the readers below find them: first the
// header, then each data row with the row number a spreadsheet shows; cells
// as Table describes them. An error returned by either method stops reading
// and is what the reader returns.
class RowVisitor {
 public:
  virtual ~RowVisitor() = default;
  virtual Result<void> Header(std::vector<std::string> cells) = 0;
  virtual Result<void> Row(std::vector<std::string> cells, int row_number) = 0;
};

// ReadCsv and ReadXlsx without keeping the rows: each is handed to `visitor`
// as it is read, so that memory does not grow with the number of rows
// (beyond the file itself and, for XLSX, its parsed sheet). The same limits
// and errors; "empty_file" after the last row when there was no header.
Result<void> VisitCsv(std::string_view bytes, RowVisitor& visitor, const ReadLimits& limits = {});
Result<void> VisitXlsx(std::string_view bytes, RowVisitor& visitor, const ReadLimits& limits = {});

// Reads the file at `path` and dispatches on its extension, compared
// case-insensitively: ".csv" → ReadCsv, ".xlsx" → ReadXlsx. Any other
// extension (including .xls) fails with "unsupported_format" without
// reading the file. A file over limits.max_file_bytes is rejected without
// being read in full.
Result<Table> ReadTableFile(const std::string& path, const ReadLimits& limits = {});

}  // namespace rongping::importer

#endif  // RONGPING_IMPORTER_TABLE_H_
