#include "report/spreadsheet.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

namespace rongping::report {

std::string CsvCell(std::string_view text) {
  std::string out = "\"";
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    out += '\'';
  }
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

XlsxFile::XlsxFile() {
  std::random_device rd;
  path_ = (std::filesystem::temp_directory_path() /
           fmt::format("rongping-{}-{}{}.xlsx", getpid(), rd(), rd()))
              .string();
  workbook_ = workbook_new(path_.c_str());
}

XlsxFile::~XlsxFile() {
  if (workbook_) workbook_close(workbook_);
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

Result<std::string> XlsxFile::Finish() {
  if (!workbook_) return Fail(Error::Internal("无法创建 Excel 文件"));
  lxw_error err = workbook_close(workbook_);
  workbook_ = nullptr;
  if (err != LXW_NO_ERROR) return Fail(Error::Internal(lxw_strerror(err)));
  std::ifstream in(path_, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace rongping::report
