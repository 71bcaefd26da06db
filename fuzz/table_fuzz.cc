// libFuzzer target for uploaded spreadsheets: the first byte picks CSV or
// XLSX, the rest is the file. Whatever the bytes, the reader returns a table
// or an error, within its limits: rows and their spreadsheet row numbers
// line up, row numbers increase, every cell is valid UTF-8 and within the
// cell limit.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.h"
#include "importer/table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  rongping::importer::ReadLimits limits;
  limits.max_rows = 2000;
  limits.max_columns = 64;
  limits.max_cell_bytes = 4096;
  limits.max_uncompressed_bytes = 16 << 20;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto table = data[0] % 2 ? rongping::importer::ReadXlsx(bytes, limits)
                           : rongping::importer::ReadCsv(bytes, limits);
  if (!table) {
    if (table.error().message.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  if (table->rows.size() != table->row_numbers.size() || table->rows.size() > limits.max_rows) std::abort();
  int last = 0;
  for (size_t i = 0; i < table->rows.size(); ++i) {
    if (table->row_numbers[i] <= last) std::abort();
    last = table->row_numbers[i];
    if (table->rows[i].size() > limits.max_columns) std::abort();
    for (const auto& cell : table->rows[i]) {
      if (cell.size() > limits.max_cell_bytes || !rongping::IsValidUtf8(cell)) std::abort();
    }
  }
  for (const auto& cell : table->header) {
    if (!rongping::IsValidUtf8(cell)) std::abort();
  }
  return 0;
}
