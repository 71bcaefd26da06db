#include "demo/demo.h"

#include <fmt/format.h>

#include "importer/enterprise_import.h"
#include "importer/reference.h"
#include "store/accounts.h"
#include "store/units.h"

namespace rongping::demo {

Result<std::pair<std::vector<UnitInfo>, std::vector<IndustryInfo>>> PopulationInputs(
    store::Db& db) {
  auto index = InTx(db, store::TxMode::kRead,
                    [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
  if (!index) return Fail(index.error());
  std::vector<UnitInfo> units;
  for (const auto& [code, u] : index->units) {
    // Guangdong's reporting units that hold enterprises.
    if (code.rfind("44", 0) == 0 && index->IsLeafUnit(code)) {
      units.push_back({u.code, u.name, u.group, u.above_scale.value_or(0)});
    }
  }
  std::vector<IndustryInfo> industries;
  for (const auto& [code, i] : index->industries) industries.push_back({i.code, i.name, i.group});
  return std::make_pair(std::move(units), std::move(industries));
}

importer::Table PopulationTable(const std::vector<SyntheticEnterprise>& population) {
  importer::Table t;
  t.header = {"uscc",      "name",          "unit_code",     "industry_code",
              "production_type", "employees", "revenue_10k_yuan", "ownership",
              "address",   "contact_name",  "contact_phone", "contact_email"};
  t.rows.reserve(population.size());
  int row = 1;
  for (const auto& e : population) {
    t.rows.push_back({e.uscc, e.name, e.unit_code, e.industry_code, e.production_type,
                      std::to_string(e.employees), fmt::format("{:.1f}", e.revenue_10k_yuan),
                      e.ownership, e.address, e.contact_name, e.contact_phone, e.contact_email});
    t.row_numbers.push_back(++row);
  }
  return t;
}

Result<DemoReport> LoadDemo(store::Db& db, AuthService& auth, const DemoOptions& options) {
  if (options.scenario != "default") {
    return Fail(Error::Invalid(
        "unknown_scenario",
        fmt::format("未知的演示场景“{}”：当前可用的场景为 default", options.scenario), "scenario"));
  }
  if (auto r = LoadReferenceData(db); !r) return Fail(r.error());
  auto inputs = PopulationInputs(db);
  if (!inputs) return Fail(inputs.error());
  auto population = GeneratePopulation(inputs->first, inputs->second,
                                       {options.enterprises, options.seed});
  ImportOptions import_options;
  import_options.actor = "demo";
  auto imported = ImportEnterprises(db, PopulationTable(population), import_options);
  if (!imported) return Fail(imported.error());
  if (!imported->written) {
    const auto& e = imported->errors.front();
    return Fail(Error::Internal(
        fmt::format("演示数据第{}行无效（{}）：{}", e.row, e.column, e.message)));
  }
  DemoReport report;
  report.enterprises_inserted = static_cast<int64_t>(imported->inserted);
  report.enterprises_unchanged = static_cast<int64_t>(imported->unchanged);
  report.password = std::string(kDemoPassword);

  // The first enterprise of 广州 gets an enterprise account.
  std::string gz_enterprise;
  for (const auto& e : population) {
    if (e.unit_code == "440100") {
      gz_enterprise = e.uscc;
      break;
    }
  }
  struct Spec {
    DemoAccount account;
    Role role;
    std::vector<std::string> industries;
  };
  std::vector<Spec> specs = {
      {{"ministry", "ministry", "", "工信部管理员：全国"}, Role::kMinistry, {}},
      {{"guangdong", "province", "440000", "广东省经信委：全省"}, Role::kProvince, {}},
      {{"guangzhou", "unit", "440100", "广州市主管部门"}, Role::kUnit, {}},
      {{"shenzhen", "unit", "440300", "深圳市主管部门"}, Role::kUnit, {}},
      {{"foshan", "unit", "440600", "佛山市主管部门（不含顺德区）"}, Role::kUnit, {}},
      {{"shunde", "unit", "440606", "佛山市顺德区经济和科技促进局"}, Role::kUnit, {}},
      {{"association", "association", "440000", "广东省电子信息行业协会（行业 38、39）"},
       Role::kAssociation,
       {"38", "39"}},
      {{"agency", "agency", "", "服务机构（由企业授权）"}, Role::kAgency, {}},
      {{"enterprise", "enterprise", gz_enterprise, "广州一家企业的用户"}, Role::kEnterprise, {}},
  };
  for (const auto& s : specs) {
    auto existing = InTx(db, store::TxMode::kRead, [&](store::Tx& tx) {
      return store::FindUserByName(tx, s.account.username);
    });
    if (!existing) return Fail(existing.error());
    if (!*existing) {
      auto id = auth.CreateUser(s.account.username, std::string(kDemoPassword), s.role,
                                s.account.scope, s.industries, s.account.description);
      if (!id) return Fail(id.error());
    }
    report.accounts.push_back(s.account);
  }
  return report;
}

}  // namespace rongping::demo
