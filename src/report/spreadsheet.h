// The file-level pieces of report/table.h's writer (the one writer of every
// export): the guarded CSV cell and a libxlsxwriter workbook in a private
// temporary file. Nothing outside src/report uses them.
#ifndef RONGPING_REPORT_SPREADSHEET_H_
#define RONGPING_REPORT_SPREADSHEET_H_

#include <string>
#include <string_view>

#include <xlsxwriter.h>

#include "core/result.h"

namespace rongping::report {

// A CSV cell, always quoted; text that a spreadsheet would run as a
// formula (starting with = + - @, tab or CR) gets a leading apostrophe.
std::string CsvCell(std::string_view text);

// An .xlsx workbook written by libxlsxwriter into a private temporary file,
// which is removed however the writer ends.
class XlsxFile {
 public:
  XlsxFile();
  ~XlsxFile();
  XlsxFile(const XlsxFile&) = delete;
  XlsxFile& operator=(const XlsxFile&) = delete;

  // False when the workbook could not be created.
  bool ok() const { return workbook_ != nullptr; }
  lxw_workbook* workbook() const { return workbook_; }

  // Closes the workbook and returns the file's bytes.
  Result<std::string> Finish();

 private:
  std::string path_;
  lxw_workbook* workbook_ = nullptr;
};

}  // namespace rongping::report

#endif  // RONGPING_REPORT_SPREADSHEET_H_
