#include "importer/support_import.h"

#include <fmt/format.h>

#include <limits>
#include <map>
#include <optional>
#include <set>

#include "campaign/support.h"
#include "core/text.h"

namespace rongping {
namespace {

constexpr std::string_view kUsccColumn = "统一社会信用代码";
constexpr std::string_view kAmountColumn = "金额（万元）";
constexpr std::string_view kNoteColumn = "备注";

// The column a header names: full-width and half-width brackets alike.
std::string ColumnOf(const std::string& header) {
  if (header == "金额(万元)" || header == "金额") return std::string(kAmountColumn);
  return header;
}

void AddError(ImportReport& report, int row, std::string_view column, std::string message) {
  ++report.error_count;
  if (report.errors.size() < 1000) {
    report.errors.push_back({row, std::string(column), std::move(message)});
  } else {
    report.errors_truncated = true;
  }
}

}  // namespace

Result<ImportReport> ImportSupportRecipients(store::Db& db, const Principal& who,
                                             int64_t measure_id, std::string_view bytes,
                                             FileFormat format, const importer::ReadLimits& limits,
                                             const std::string& request_id) {
  auto table = format == FileFormat::kXlsx ? importer::ReadXlsx(bytes, limits)
                                           : importer::ReadCsv(bytes, limits);
  if (!table) return Fail(table.error());
  ImportReport report;
  report.rows = table->rows.size();
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < table->header.size(); ++i) column.emplace(ColumnOf(table->header[i]), i);
  if (!column.count(std::string(kUsccColumn))) {
    AddError(report, 1, "", fmt::format("缺少“{}”列", kUsccColumn));
    return report;
  }
  auto cell = [&](const std::vector<std::string>& row, std::string_view name) -> std::string {
    auto it = column.find(std::string(name));
    return it == column.end() || it->second >= row.size() ? "" : row[it->second];
  };
  std::vector<campaign::RecipientInput> inputs;
  for (size_t i = 0; i < table->rows.size(); ++i) {
    const auto& row = table->rows[i];
    campaign::RecipientInput in{cell(row, kUsccColumn), std::nullopt, cell(row, kNoteColumn),
                                table->row_numbers[i]};
    if (std::string amount = cell(row, kAmountColumn); !amount.empty()) {
      // Not a number: NaN, which AddRecipients refuses as an amount.
      in.amount_10k_yuan = ParseDecimal(amount).value_or(std::numeric_limits<double>::quiet_NaN());
    }
    inputs.push_back(std::move(in));
  }
  std::vector<campaign::RecipientProblem> problems;
  auto added = campaign::AddRecipients(db, who, measure_id, inputs, request_id, &problems);
  if (added) {
    report.inserted = static_cast<size_t>(added->added);
    report.updated = static_cast<size_t>(added->updated);
    report.unchanged = static_cast<size_t>(added->unchanged);
    report.written = true;
    return report;
  }
  if (problems.empty()) return Fail(added.error());
  std::set<int> invalid;
  for (const auto& p : problems) {
    AddError(report, p.row,
             p.field == "uscc"   ? kUsccColumn
             : p.field == "note" ? kNoteColumn
                                 : kAmountColumn,
             p.message);
    invalid.insert(p.row);
  }
  report.invalid_rows = invalid.size();
  return report;
}

}  // namespace rongping
