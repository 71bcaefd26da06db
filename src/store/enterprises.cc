#include "store/enterprises.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/time.h"
#include "store/scope.h"

namespace rongping::store {
namespace {

constexpr std::string_view kColumns =
    "e.uscc, e.name, e.unit_code, e.industry_code, e.production_type, e.employees, "
    "e.revenue_10k_yuan, e.size_class, e.above_scale, e.ownership, e.address, e.contact_name, "
    "e.contact_phone, e.contact_email, e.version, e.created_at, e.updated_at";

Enterprise FromRow(const Row& r) {
  Enterprise e;
  e.uscc = domain::Uscc::FromStored(r.Text(0));
  e.name = r.Text(1);
  e.unit_code = domain::UnitCode::FromStored(r.Text(2));
  e.industry_code = r.Text(3);
  e.production_type = r.Text(4);
  e.employees = r.Int(5);
  e.revenue_10k_yuan = r.Real(6);
  e.size_class = ParseSizeClass(r.Text(7)).value_or(SizeClass::kMicro);
  e.above_scale = r.Int(8) != 0;
  e.ownership = r.OptText(9);
  e.address = r.OptText(10);
  e.contact_name = r.OptText(11);
  e.contact_phone = r.OptText(12);
  e.contact_email = r.OptText(13);
  e.version = r.Int(14);
  e.created_at = r.Text(15);
  e.updated_at = r.Text(16);
  return e;
}

// Values for columns 2..14 of the INSERT below ($2..$14), after uscc.
std::vector<Value> FieldValues(const Enterprise& e) {
  return {e.uscc,
          e.name,
          e.unit_code,
          e.industry_code,
          e.production_type,
          e.employees,
          e.revenue_10k_yuan,
          std::string(SizeClassName(e.size_class)),
          int64_t{e.above_scale ? 1 : 0},
          Nullable(e.ownership),
          Nullable(e.address),
          Nullable(e.contact_name),
          Nullable(e.contact_phone),
          Nullable(e.contact_email)};
}

bool SameFields(const Enterprise& a, const Enterprise& b) {
  return a.name == b.name && a.unit_code == b.unit_code && a.industry_code == b.industry_code &&
         a.production_type == b.production_type && a.employees == b.employees &&
         a.revenue_10k_yuan == b.revenue_10k_yuan && a.ownership == b.ownership &&
         a.address == b.address && a.contact_name == b.contact_name &&
         a.contact_phone == b.contact_phone && a.contact_email == b.contact_email;
}

constexpr std::string_view kInsert =
    "INSERT INTO enterprises (uscc, name, unit_code, industry_code, production_type, employees, "
    "revenue_10k_yuan, size_class, above_scale, ownership, address, contact_name, contact_phone, "
    "contact_email, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10, $11, $12, $13, $14, $15, $16, $17)";

constexpr std::string_view kUpdate =
    "UPDATE enterprises SET name = $2, unit_code = $3, industry_code = $4, production_type = $5, "
    "employees = $6, revenue_10k_yuan = $7, size_class = $8, above_scale = $9, ownership = $10, "
    "address = $11, contact_name = $12, contact_phone = $13, contact_email = $14, "
    "version = version + 1, updated_at = $15 WHERE uscc = $1 AND version = $16";

}  // namespace

Result<std::optional<Enterprise>> FindEnterprise(Tx& tx, const Principal& who,
                                                 std::string_view uscc) {
  std::vector<Value> params{std::string(uscc)};
  std::string cond = EnterpriseScopeCondition(who, params);
  auto rows = tx.Query(
      fmt::format("SELECT {} FROM enterprises e WHERE e.uscc = $1 AND {}", kColumns, cond), params);
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<Enterprise>{};
  return std::optional<Enterprise>{FromRow(rows->rows[0])};
}

Result<std::map<std::string, EnterpriseLabel>> FindEnterpriseUnits(
    Tx& tx, const Principal& who, const std::vector<std::string>& usccs) {
  constexpr size_t kPerQuery = 500;
  std::map<std::string, EnterpriseLabel> out;
  for (size_t start = 0; start < usccs.size(); start += kPerQuery) {
    const size_t end = std::min(usccs.size(), start + kPerQuery);
    std::vector<Value> params;
    std::string in;
    for (size_t i = start; i < end; ++i) {
      params.push_back(usccs[i]);
      in += fmt::format("{}${}", in.empty() ? "" : ", ", params.size());
    }
    std::string cond = EnterpriseScopeCondition(who, params);
    auto rows = tx.Query(
        fmt::format(
            "SELECT e.uscc, e.name, e.unit_code FROM enterprises e WHERE e.uscc IN ({}) AND {}", in,
            cond),
        params);
    if (!rows) return Fail(rows.error());
    for (const auto& r : rows->rows) out[r.Text(0)] = {r.Text(1), r.Text(2)};
  }
  return out;
}

Result<std::map<std::string, std::string>> FindEnterpriseNames(
    Tx& tx, const Principal& who, const std::vector<std::string>& usccs) {
  auto found = FindEnterpriseUnits(tx, who, usccs);
  if (!found) return Fail(found.error());
  std::map<std::string, std::string> out;
  for (auto& [uscc, label] : *found) out.emplace(uscc, std::move(label.name));
  return out;
}

Result<std::optional<Enterprise>> FindEnterpriseUnscoped(Tx& tx, std::string_view uscc) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM enterprises e WHERE e.uscc = $1", kColumns);
  auto rows = tx.Query(kSql, {std::string(uscc)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<Enterprise>{};
  return std::optional<Enterprise>{FromRow(rows->rows[0])};
}

Result<EnterprisePage> ListEnterprises(Tx& tx, const Principal& who,
                                       const EnterpriseQuery& query) {
  static const std::map<std::string, std::string, std::less<>> kSorts = {
      {"name", "e.name"},           {"uscc", "e.uscc"},
      {"revenue", "e.revenue_10k_yuan"}, {"employees", "e.employees"},
      {"updated_at", "e.updated_at"},    {"unit", "e.unit_code"}};
  auto sort = kSorts.find(query.sort);
  if (sort == kSorts.end()) {
    return Fail(Error::Invalid("invalid_sort",
                               "排序字段无效：可选 name、uscc、revenue、employees、updated_at、unit",
                               "sort"));
  }
  std::vector<Value> params;
  std::string where = EnterpriseScopeCondition(who, params);
  if (!query.unit.empty()) where += " AND " + UnitSubtreeCondition("e.unit_code", query.unit, params);
  if (!query.industry.empty()) {
    params.push_back(query.industry);
    where += fmt::format(
        " AND (e.industry_code = ${0} OR e.industry_code IN (SELECT code FROM industries WHERE "
        "grp = ${0}))",
        params.size());
  }
  if (!query.size.empty()) {
    params.push_back(query.size);
    where += fmt::format(" AND e.size_class = ${}", params.size());
  }
  if (!query.q.empty()) {
    params.push_back("%" + EscapeLike(query.q) + "%");
    params.push_back(EscapeLike(query.q) + "%");
    where += fmt::format(" AND (e.name LIKE ${} ESCAPE '\\' OR e.uscc LIKE ${} ESCAPE '\\')",
                         params.size() - 1, params.size());
  }
  EnterprisePage page;
  auto count = tx.Query(fmt::format("SELECT COUNT(*) FROM enterprises e WHERE {}", where), params);
  if (!count) return Fail(count.error());
  page.total = count->rows[0].Int(0);
  params.push_back(query.per_page);
  params.push_back((query.page - 1) * query.per_page);
  auto rows = tx.Query(fmt::format("SELECT {} FROM enterprises e WHERE {} ORDER BY {} {}, e.uscc "
                                   "LIMIT ${} OFFSET ${}",
                                   kColumns, where, sort->second,
                                   query.descending ? "DESC" : "ASC", params.size() - 1,
                                   params.size()),
                       params);
  if (!rows) return Fail(rows.error());
  for (const auto& r : rows->rows) page.items.push_back(FromRow(r));
  return page;
}

Result<Enterprise> InsertEnterprise(Tx& tx, Enterprise e) {
  auto existing = FindEnterpriseUnscoped(tx, e.uscc);
  if (!existing) return Fail(existing.error());
  if (*existing) {
    return Fail(Error::Conflict("duplicate_uscc",
                                fmt::format("统一社会信用代码 {} 已登记，一个代码只对应一家企业", e.uscc)));
  }
  e.version = 1;
  e.created_at = e.updated_at = tx.Now();
  auto params = FieldValues(e);
  params.push_back(e.version);
  params.push_back(e.created_at);
  params.push_back(e.updated_at);
  if (auto r = tx.Exec(kInsert, params); !r) return Fail(r.error());
  return e;
}

namespace {

// The enterprise's assessments go into the change feed again, so that
// analytics regroup them under its new attributes (industry, size, ...).
Result<void> FeedAssessmentsOf(Tx& tx, const std::string& uscc) {
  tx.NoteFeedAppend();
  auto r = tx.Exec("INSERT INTO assessment_changes (assessment_id) SELECT id FROM assessments WHERE uscc = $1 "
                   "ORDER BY id",
                   {uscc});
  if (!r) return Fail(r.error());
  return {};
}

}  // namespace

Result<Enterprise> UpdateEnterprise(Tx& tx, Enterprise e) {
  e.updated_at = tx.Now();
  auto params = FieldValues(e);
  params.push_back(e.updated_at);
  params.push_back(e.version);
  auto changed = tx.Exec(kUpdate, params);
  if (!changed) return Fail(changed.error());
  if (*changed == 0) {
    return Fail(Error::Conflict("stale_version", "该企业信息已被他人修改，请刷新后重试"));
  }
  if (auto fed = FeedAssessmentsOf(tx, e.uscc); !fed) return Fail(fed.error());
  ++e.version;
  return e;
}

Result<bool> UpsertEnterprise(Tx& tx, const Enterprise& e, const std::optional<Enterprise>& existing,
                              const std::string& now) {
  if (existing && SameFields(*existing, e)) return false;
  auto params = FieldValues(e);
  if (existing) {
    params.push_back(now);
    params.push_back(existing->version);
    if (auto r = tx.Exec(kUpdate, params); !r) return Fail(r.error());
    if (auto fed = FeedAssessmentsOf(tx, e.uscc); !fed) return Fail(fed.error());
  } else {
    params.push_back(int64_t{1});
    params.push_back(now);
    params.push_back(now);
    if (auto r = tx.Exec(kInsert, params); !r) return Fail(r.error());
  }
  return true;
}

}  // namespace rongping::store
