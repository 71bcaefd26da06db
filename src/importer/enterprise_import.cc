#include "importer/enterprise_import.h"

#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/time.h"
#include "enterprise/enterprise.h"
#include "enterprise/enterprise_json.h"
#include "store/audit.h"
#include "store/enterprises.h"
#include "store/units.h"

namespace rongping {
namespace {

// Column headers accepted besides the machine names: what a Chinese user
// writes in a spreadsheet.
const std::map<std::string, std::string, std::less<>>& HeaderAliases() {
  static const std::map<std::string, std::string, std::less<>> kAliases = {
      {"统一社会信用代码", "uscc"},   {"企业名称", "name"},
      {"单位代码", "unit_code"},      {"所属单位代码", "unit_code"},
      {"行业代码", "industry_code"},  {"生产类型", "production_type"},
      {"从业人数", "employees"},      {"营业收入（万元）", "revenue_10k_yuan"},
      {"营业收入(万元)", "revenue_10k_yuan"}, {"所有制", "ownership"},
      {"所有制类型", "ownership"},    {"地址", "address"},
      {"联系人", "contact_name"},     {"联系电话", "contact_phone"},
      {"电子邮箱", "contact_email"}};
  return kAliases;
}

// Columns that an export carries but that are derived from other fields
// (size class, above-scale flag): accepted on import and ignored, so an
// exported file can be imported again.
bool IsDerivedColumn(std::string_view header) {
  return header == "企业规模" || header == "规模以上" || header == "size_class" ||
         header == "above_scale";
}

struct ValidRow {
  int row;
  Enterprise enterprise;
};

}  // namespace

Result<ImportReport> ImportEnterprises(store::Db& db, const importer::Table& table,
                                       const ImportOptions& options) {
  // 1. Map header cells to fields.
  std::vector<std::string> columns;
  std::vector<RowError> header_errors;
  const auto& known = EnterpriseFieldNames();
  for (const auto& cell : table.header) {
    std::string name = cell;
    if (auto alias = HeaderAliases().find(cell); alias != HeaderAliases().end()) {
      name = alias->second;
    }
    bool ok = std::find(known.begin(), known.end(), name) != known.end();
    if (!ok && !cell.empty() && !IsDerivedColumn(cell)) {
      header_errors.push_back({1, cell, fmt::format("未知列“{}”", cell.substr(0, 64))});
    }
    if (std::find(columns.begin(), columns.end(), name) != columns.end() && !name.empty()) {
      header_errors.push_back({1, cell, fmt::format("列“{}”重复", cell.substr(0, 64))});
    }
    columns.push_back(ok ? name : std::string());
  }
  for (auto required : RequiredEnterpriseFields()) {
    if (std::find(columns.begin(), columns.end(), required) == columns.end()) {
      header_errors.push_back({1, std::string(required), fmt::format("缺少必填列 {}", required)});
    }
  }
  ImportReport report;
  report.rows = table.rows.size();
  if (!header_errors.empty()) {
    report.errors = std::move(header_errors);
    return report;
  }

  // 2. Validate every row against reference data and scope.
  auto index = InTx(db, store::TxMode::kRead, [](store::Tx& tx) {
    return store::LoadReferenceIndex(tx);
  });
  if (!index) return Fail(index.error());
  EnterpriseReference ref{[&](std::string_view c) { return index->IsLeafUnit(c); },
                          [&](std::string_view c) { return index->IsIndustry(c); }};
  std::vector<ValidRow> valid;
  valid.reserve(table.rows.size());
  std::unordered_map<std::string, int> first_row_of;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const auto& cells = table.rows[i];
    int row = table.row_numbers[i];
    size_t before = report.errors.size();
    if (cells.size() > columns.size()) {
      bool extra = false;
      for (size_t c = columns.size(); c < cells.size(); ++c) extra = extra || !cells[c].empty();
      if (extra) report.errors.push_back({row, "", "该行的单元格多于表头的列数"});
    }
    EnterpriseFields fields;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c].empty()) continue;
      fields[columns[c]] = c < cells.size() ? cells[c] : std::string();
    }
    Enterprise e;
    for (auto& err : ApplyEnterpriseFields(fields, Enterprise{}, true, ref, &e)) {
      report.errors.push_back({row, err.field, err.message});
    }
    if (report.errors.size() == before) {
      if (options.principal && !index->UnitInScope(*options.principal, e.unit_code)) {
        report.errors.push_back(
            {row, "unit_code", fmt::format("无权导入到单位 {}：不在您的管理范围内", e.unit_code)});
      } else if (auto [it, fresh] = first_row_of.emplace(e.uscc, row); !fresh) {
        report.errors.push_back(
            {row, "uscc", fmt::format("统一社会信用代码与第{}行重复", it->second)});
      }
    }
    if (report.errors.size() == before) {
      valid.push_back({row, std::move(e)});
    } else {
      ++report.invalid_rows;
    }
  }
  if (report.invalid_rows > 0 && !options.skip_invalid) return report;

  // 3. Write in one transaction, auditing each change.
  std::vector<RowError> write_errors;
  auto written = InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    const std::string now = NowRfc3339();
    for (size_t i = 0; i < valid.size(); ++i) {
      const Enterprise& e = valid[i].enterprise;
      auto existing = store::FindEnterpriseUnscoped(tx, e.uscc);
      if (!existing) return Fail(existing.error());
      if (*existing && options.principal &&
          !index->UnitInScope(*options.principal, (*existing)->unit_code)) {
        // Registered elsewhere: refuse without saying where.
        write_errors.push_back({valid[i].row, "uscc",
                                "该统一社会信用代码已由其他单位登记，无法导入，请联系省级管理员"});
        continue;
      }
      auto changed = store::UpsertEnterprise(tx, e, *existing, now);
      if (!changed) return Fail(changed.error());
      if (!*changed) {
        ++report.unchanged;
      } else {
        *existing ? ++report.updated : ++report.inserted;
        std::optional<std::string> before;
        if (*existing) before = EnterpriseAuditJson(**existing);
        Enterprise stored = e;
        stored.version = *existing ? (*existing)->version + 1 : 1;
        stored.updated_at = now;
        if (auto r = store::RecordAudit(
                tx, {0, now, options.actor, *existing ? "enterprise.import_update"
                                                      : "enterprise.import_create",
                     "enterprise", e.uscc, before, EnterpriseAuditJson(stored),
                     options.request_id});
            !r) {
          return Fail(r.error());
        }
      }
      if (options.progress && (i % 5000 == 0 || i + 1 == valid.size())) {
        options.progress(i + 1, valid.size());
      }
    }
    if (!write_errors.empty() && !options.skip_invalid) {
      return Fail(Error::Invalid("rows_rejected", "存在无法导入的行"));
    }
    return true;
  });
  if (!written && written.error().code != "rows_rejected") return Fail(written.error());
  report.invalid_rows += write_errors.size();
  report.errors.insert(report.errors.end(), write_errors.begin(), write_errors.end());
  std::stable_sort(report.errors.begin(), report.errors.end(),
            [](const RowError& a, const RowError& b) { return a.row < b.row; });
  report.written = written.has_value();
  if (!report.written) report.inserted = report.updated = report.unchanged = 0;
  return report;
}

}  // namespace rongping
