#include "importer/enterprise_import.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/time.h"
#include "domain/enterprise.h"
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

// Keeps the first `limit` errors by row (with every error counted in
// `report`); the rest are counted only.
void AddError(ImportReport& report, size_t limit, RowError error) {
  ++report.error_count;
  if (report.errors.size() < limit) {
    report.errors.push_back(std::move(error));
  } else {
    report.errors_truncated = true;
  }
}

// Validates each row as it is read, keeping only the valid enterprises and
// the first errors; Finish() writes.
class EnterpriseImport : public importer::RowVisitor {
 public:
  EnterpriseImport(store::Db& db, const ImportOptions& options) : db_(db), options_(options) {}

  Result<void> Header(std::vector<std::string> header) override {
    const auto& known = EnterpriseFieldNames();
    for (const auto& cell : header) {
      std::string name = cell;
      if (auto alias = HeaderAliases().find(cell); alias != HeaderAliases().end()) {
        name = alias->second;
      }
      bool ok = std::find(known.begin(), known.end(), name) != known.end();
      if (!ok && !cell.empty() && !IsDerivedColumn(cell)) {
        HeaderError({1, cell.substr(0, 64), fmt::format("未知列“{}”", cell.substr(0, 64))});
      }
      if (std::find(columns_.begin(), columns_.end(), name) != columns_.end() && !name.empty()) {
        HeaderError({1, cell.substr(0, 64), fmt::format("列“{}”重复", cell.substr(0, 64))});
      }
      columns_.push_back(ok ? name : std::string());
    }
    for (auto required : RequiredEnterpriseFields()) {
      if (std::find(columns_.begin(), columns_.end(), required) == columns_.end()) {
        HeaderError({1, std::string(required), fmt::format("缺少必填列 {}", required)});
      }
    }
    auto index = InTx(db_, store::TxMode::kRead, [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
    if (!index) return Fail(index.error());
    index_ = std::move(*index);
    return {};
  }

  Result<void> Row(std::vector<std::string> cells, int row) override {
    ++report_.rows;
    if (header_invalid_) return {};
    size_t before = report_.error_count;
    auto error = [&](std::string column, std::string message) {
      AddError(report_, options_.max_listed_errors, {row, std::move(column), std::move(message)});
    };
    if (cells.size() > columns_.size()) {
      bool extra = false;
      for (size_t c = columns_.size(); c < cells.size(); ++c) extra = extra || !cells[c].empty();
      if (extra) error("", "该行的单元格多于表头的列数");
    }
    EnterpriseFields fields;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (columns_[c].empty()) continue;
      fields[columns_[c]] = c < cells.size() ? std::move(cells[c]) : std::string();
    }
    EnterpriseReference ref{[&](std::string_view c) { return index_.IsLeafUnit(c); },
                            [&](std::string_view c) { return index_.IsIndustry(c); }};
    Enterprise e;
    for (auto& err : ApplyEnterpriseFields(fields, Enterprise{}, true, ref, &e)) {
      error(err.field, err.message);
    }
    if (report_.error_count == before) {
      if (options_.principal && !index_.UnitInScope(*options_.principal, e.unit_code)) {
        error("unit_code", fmt::format("无权导入到单位 {}：不在您的管理范围内", e.unit_code));
      } else if (auto [it, fresh] = first_row_of_.emplace(e.uscc, row); !fresh) {
        error("uscc", fmt::format("统一社会信用代码与第{}行重复", it->second));
      }
    }
    if (report_.error_count == before) {
      valid_.push_back({row, std::move(e)});
    } else {
      ++report_.invalid_rows;
    }
    return {};
  }

  // Makes room for `rows` rows, when their number is known beforehand.
  void Reserve(size_t rows) {
    valid_.reserve(rows);
    first_row_of_.reserve(rows);
  }

  Result<ImportReport> Finish();

 private:
  void HeaderError(RowError error) {
    header_invalid_ = true;
    AddError(report_, options_.max_listed_errors, std::move(error));
  }

  store::Db& db_;
  const ImportOptions& options_;
  std::vector<std::string> columns_;
  bool header_invalid_ = false;
  domain::ReferenceIndex index_;
  std::vector<ValidRow> valid_;
  std::unordered_map<std::string, int> first_row_of_;
  ImportReport report_;
};

Result<ImportReport> EnterpriseImport::Finish() {
  ImportReport& report = report_;
  if (header_invalid_ || (report.invalid_rows > 0 && !options_.skip_invalid)) return report;

  // Write in one transaction, auditing each change. An enterprise that
  // another region registered is refused without saying so; the province
  // sees the attempt in its audit trail.
  // Written in USCC order, so that the key's index pages fill in order
  // rather than at random (a tenth of a 100,000-row import).
  std::vector<const ValidRow*> in_code_order;
  in_code_order.reserve(valid_.size());
  for (const ValidRow& row : valid_) in_code_order.push_back(&row);
  std::sort(in_code_order.begin(), in_code_order.end(), [](const ValidRow* a, const ValidRow* b) {
    return a->enterprise.uscc < b->enterprise.uscc;
  });
  std::vector<const ValidRow*> refused;
  auto written = InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    const std::string now = tx.Now();
    for (size_t i = 0; i < in_code_order.size(); ++i) {
      const Enterprise& e = in_code_order[i]->enterprise;
      auto existing = store::FindEnterpriseUnscoped(tx, e.uscc);
      if (!existing) return Fail(existing.error());
      if (*existing && options_.principal &&
          !index_.UnitInScope(*options_.principal, (*existing)->unit_code)) {
        refused.push_back(in_code_order[i]);
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
                tx, {0, now, options_.actor, *existing ? "enterprise.import_update"
                                                       : "enterprise.import_create",
                     "enterprise", e.uscc, before, EnterpriseAuditJson(stored),
                     options_.request_id});
            !r) {
          return Fail(r.error());
        }
      }
      if (options_.progress && (i % 5000 == 0 || i + 1 == valid_.size())) {
        options_.progress(i + 1, valid_.size());
      }
    }
    if (!refused.empty() && !options_.skip_invalid) {
      return Fail(Error::Invalid("rows_rejected", "存在无法导入的行"));
    }
    return true;
  });
  if (!written && written.error().code != "rows_rejected") return Fail(written.error());
  std::sort(refused.begin(), refused.end(),
            [](const ValidRow* a, const ValidRow* b) { return a->row < b->row; });
  ImportReport write_errors;
  for (const ValidRow* r : refused) {
    AddError(write_errors, options_.max_listed_errors,
             {r->row, "uscc", std::string(kUsccUnavailableMessage)});
  }
  if (!refused.empty()) {
    // Recorded apart from the import, so that it stays when the import is
    // rolled back.
    auto audited = InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
      for (const ValidRow* row : refused) {
        const Enterprise& e = row->enterprise;
        if (auto r = store::RecordAudit(
                tx, {0, "", options_.actor, "enterprise.register_refused", "enterprise", e.uscc,
                     std::nullopt, EnterpriseAuditJson(e), options_.request_id});
            !r) {
          return r;
        }
      }
      return {};
    });
    if (!audited) return Fail(audited.error());
  }
  report.invalid_rows += write_errors.error_count;
  // Both lists are in row order; merge them and keep the first ones.
  std::vector<RowError> merged;
  std::merge(report.errors.begin(), report.errors.end(), write_errors.errors.begin(),
             write_errors.errors.end(), std::back_inserter(merged),
             [](const RowError& a, const RowError& b) { return a.row < b.row; });
  report.error_count += write_errors.error_count;
  report.errors_truncated = report.errors_truncated || write_errors.errors_truncated ||
                            merged.size() > options_.max_listed_errors;
  if (merged.size() > options_.max_listed_errors) merged.resize(options_.max_listed_errors);
  report.errors = std::move(merged);
  report.written = written.has_value();
  if (!report.written) report.inserted = report.updated = report.unchanged = 0;
  return report;
}

}  // namespace

Result<ImportReport> ImportEnterprises(store::Db& db, const importer::Table& table,
                                       const ImportOptions& options) {
  EnterpriseImport import(db, options);
  import.Reserve(table.rows.size());
  if (auto r = import.Header(table.header); !r) return Fail(r.error());
  for (size_t i = 0; i < table.rows.size(); ++i) {
    if (auto r = import.Row(table.rows[i], table.row_numbers[i]); !r) return Fail(r.error());
  }
  return import.Finish();
}

Result<ImportReport> ImportEnterprisesFromFile(store::Db& db, std::string_view bytes,
                                               FileFormat format, const importer::ReadLimits& limits,
                                               const ImportOptions& options) {
  EnterpriseImport import(db, options);
  auto read = format == FileFormat::kXlsx ? importer::VisitXlsx(bytes, import, limits)
                                          : importer::VisitCsv(bytes, import, limits);
  if (!read) return Fail(read.error());
  return import.Finish();
}

}  // namespace rongping
