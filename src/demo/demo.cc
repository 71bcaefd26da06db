#include "demo/demo.h"

#include <fmt/format.h>

#include <map>

#include "campaign/lifecycle.h"
#include "demo/answers_gen.h"
#include "importer/assessment_import.h"
#include "importer/enterprise_import.h"
#include "importer/reference.h"
#include "store/accounts.h"
#include "store/campaign.h"
#include "store/units.h"
#include "scoring/model_loading.h"

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

namespace {

// One account per role; the enterprise account belongs to `enterprise_uscc`.
// Creates the account unless one of that name exists (which is kept).
Result<void> EnsureAccount(store::Db& db, AuthService& auth, const DemoAccount& account, Role role,
                           const std::vector<std::string>& industries) {
  auto existing = InTx(db, store::TxMode::kRead,
                       [&](store::Tx& tx) { return store::FindUserByName(tx, account.username); });
  if (!existing) return Fail(existing.error());
  if (*existing) return {};
  auto id = auth.CreateUser(account.username, std::string(kDemoPassword), role, account.scope,
                            industries, account.description);
  if (!id) return Fail(id.error());
  return {};
}

Result<std::vector<DemoAccount>> CreateAccounts(store::Db& db, AuthService& auth,
                                                const std::string& enterprise_uscc) {
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
      {{"enterprise", "enterprise", enterprise_uscc, "广州一家企业的用户"}, Role::kEnterprise, {}},
  };
  std::vector<DemoAccount> accounts;
  for (const auto& s : specs) {
    if (auto r = EnsureAccount(db, auth, s.account, s.role, s.industries); !r)
      return Fail(r.error());
    accounts.push_back(s.account);
  }
  return accounts;
}

Result<ImportReport> ImportAll(store::Db& db, const importer::Table& table) {
  ImportOptions import_options;
  import_options.actor = "demo";
  auto imported = ImportEnterprises(db, table, import_options);
  if (!imported) return Fail(imported.error());
  if (!imported->written) {
    const auto& e = imported->errors.front();
    return Fail(Error::Internal(
        fmt::format("演示数据第{}行无效（{}）：{}", e.row, e.column, e.message)));
  }
  return imported;
}

std::string FirstOfUnit(const std::vector<SyntheticEnterprise>& population, std::string_view unit) {
  for (const auto& e : population) {
    if (e.unit_code == unit) return e.uscc;
  }
  return population.empty() ? std::string() : population.front().uscc;
}

Result<DemoReport> LoadDefault(store::Db& db, AuthService& auth, const DemoOptions& options) {
  auto inputs = PopulationInputs(db);
  if (!inputs) return Fail(inputs.error());
  auto population = GeneratePopulation(inputs->first, inputs->second,
                                       {options.enterprises, options.seed});
  auto imported = ImportAll(db, PopulationTable(population));
  if (!imported) return Fail(imported.error());
  DemoReport report;
  report.enterprises_inserted = static_cast<int64_t>(imported->inserted);
  report.enterprises_unchanged = static_cast<int64_t>(imported->unchanged);
  auto accounts = CreateAccounts(db, auth, FirstOfUnit(population, "440100"));
  if (!accounts) return Fail(accounts.error());
  report.accounts = std::move(*accounts);
  return report;
}

// Imports a round's demo answers (JSON lines) unless the round has some
// already: a second run keeps what is there.
Result<void> ImportRoundAnswers(store::Db& db, std::string_view round, const std::string& jsonl) {
  auto existing =
      InTx(db, store::TxMode::kRead, [&](store::Tx& tx) { return store::CountByUnit(tx, round); });
  if (!existing) return Fail(existing.error());
  if (!existing->empty()) return {};
  ImportOptions options;
  options.actor = "demo";
  auto assessed = ImportAssessments(db, jsonl, options);
  if (!assessed) return Fail(assessed.error());
  if (!assessed->written) {
    const auto& e = assessed->errors.front();
    return Fail(
        Error::Internal(fmt::format("演示答卷第{}行无效（{}）：{}", e.row, e.column, e.message)));
  }
  return {};
}

}  // namespace

Result<DemoReport> LoadGuangdong2016(store::Db& db, AuthService& auth, const DemoOptions& options) {
  constexpr std::string_view kRound = "gd-2016";
  constexpr std::string_view kPreviousRound = "gd-2015";
  constexpr std::string_view kModel = "gbt23020-2013";
  auto index = InTx(db, store::TxMode::kRead,
                    [](store::Tx& tx) { return store::LoadReferenceIndex(tx); });
  if (!index) return Fail(index.error());

  // The round and the notice's targets (顺德区's is not stated; the national
  // rule applies to the province).
  auto round_ok = InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    domain::Round round{std::string(kRound),
                        "2016年广东省两化融合评估诊断和对标引导",
                        2016,
                        "440000",
                        {std::string(kModel)},
                        domain::Date::Of("2016-04-20"),
                        domain::Date::Of("2016-06-30"),
                        domain::Date::Of("2016-06-30"),
                        true,
                        domain::Date::Of("2016-05-10")};
    if (auto r = store::UpsertRound(tx, round); !r) return Fail(r.error());
    domain::Round previous = round;
    previous.code = std::string(kPreviousRound);
    previous.name = "2015年广东省两化融合评估诊断和对标引导";
    previous.year = 2015;
    previous.opens_on = domain::Date::Of("2015-04-20");
    previous.closes_on = previous.deadline = domain::Date::Of("2015-06-30");
    previous.contacts_due.reset();
    if (auto r = store::UpsertRound(tx, previous); !r) return Fail(r.error());
    auto units = importer::ReadCsv(kGuangdongUnitsCsv);
    if (!units) return Fail(units.error());
    for (const auto& row : units->rows) {
      if (row.size() < 7) continue;
      std::string rule = row[0] == "440000" ? "min_completed:1000|min_share_above_scale:50"
                         : row[6].empty()   ? ""
                                            : "min_completed:" + row[6];
      if (rule.empty()) continue;
      if (auto r = store::UpsertTarget(tx, kRound, row[0], rule); !r) return Fail(r.error());
    }
    return true;
  });
  if (!round_ok) return Fail(round_ok.error());

  // Per unit: participating and completed from 附件2.
  auto progress = importer::ReadCsv(kGuangdong2016ProgressCsv);
  if (!progress) return Fail(progress.error());
  std::map<std::string, std::string> code_of;
  for (const auto& [code, u] : index->units) code_of[u.name] = code;
  auto inputs = PopulationInputs(db);
  if (!inputs) return Fail(inputs.error());
  auto m = scoring::SharedModel(std::string(kModel));
  if (!m) return Fail(m.error());
  AnswerGenerator generator(*m, inputs->second);

  std::vector<SyntheticEnterprise> population;
  std::string jsonl, previous_jsonl;
  uint64_t unit_seed = options.seed;
  for (const auto& row : progress->rows) {
    if (row.size() < 3 || row[0] == "全省") continue;
    auto code = code_of.find(row[0]);
    if (code == code_of.end()) return Fail(Error::Internal("附件2中的单位无法识别：" + row[0]));
    int64_t participating = std::stoll(row[1]), completed = std::stoll(row[2]);
    UnitInfo unit;
    for (const auto& u : inputs->first) {
      if (u.code == code->second) unit = u;
    }
    // Some enterprises of each unit did not take part.
    auto people = GeneratePopulation({unit}, inputs->second,
                                     {participating + participating / 2 + 5, ++unit_seed * 7919});
    for (int64_t i = 0; i < static_cast<int64_t>(people.size()); ++i) {
      const auto& e = people[i];
      if (i < participating) {
        // The round counts what was submitted (the notice's 完成评估数):
        // of the completed ones most are reviewed and approved, some still
        // wait for review; of the rest, some were sent back, the others are
        // unfinished drafts.
        int64_t k = i - completed;
        std::string status = i < completed ? (i % 7 == 3 ? "submitted" : "approved")
                             : k % 3 == 0  ? "rejected"
                                           : "draft";
        auto answers = generator.Generate(e, 0, options.seed + static_cast<uint64_t>(i),
                                          status == "draft" ? 0.6 : 1.0);
        int day = 1 + static_cast<int>((i * 37) % 60);
        std::string when = fmt::format("2016-{:02}-{:02}T{:02}:{:02}:00+08:00", day <= 31 ? 5 : 6,
                                       day <= 31 ? day : day - 31, 9 + i % 9, (i * 7) % 60);
        jsonl += fmt::format(R"({{"uscc":"{}","round":"{}","model":"{}","status":"{}","answers":{},"updated_at":"{}"}})",
                             e.uscc, kRound, kModel, status, answers.json, when);
        jsonl += "\n";
        // Four in five of those that completed 2016 had completed the
        // year before too (a panel for comparisons over the years).
        if (i < completed && i % 5 != 4) {
          auto earlier = generator.Generate(e, -1, options.seed + static_cast<uint64_t>(i), 1.0);
          previous_jsonl += fmt::format(
              R"({{"uscc":"{}","round":"{}","model":"{}","status":"approved","answers":{},"updated_at":"2015-{}"}})",
              e.uscc, kPreviousRound, kModel, earlier.json, when.substr(5));
          previous_jsonl += "\n";
        }
      }
      population.push_back(e);
    }
  }
  auto imported = ImportAll(db, PopulationTable(population));
  if (!imported) return Fail(imported.error());
  if (auto r = ImportRoundAnswers(db, kRound, jsonl); !r) return Fail(r.error());
  if (auto r = ImportRoundAnswers(db, kPreviousRound, previous_jsonl); !r) return Fail(r.error());
  DemoReport report;
  report.enterprises_inserted = static_cast<int64_t>(imported->inserted);
  report.enterprises_unchanged = static_cast<int64_t>(imported->unchanged);
  auto accounts = CreateAccounts(db, auth, FirstOfUnit(population, "440100"));
  if (!accounts) return Fail(accounts.error());
  report.accounts = std::move(*accounts);
  return report;
}

Result<DemoReport> LoadTrial(store::Db& db, AuthService& auth, const DemoOptions& options,
                             const Clock& clock) {
  auto report = LoadGuangdong2016(db, auth, options);
  if (!report) return report;
  constexpr std::string_view kModel = "gbt23020-2013";
  const int year = domain::Date::TodayInChina(clock).year();
  const std::string code = fmt::format("trial-{}", year);
  auto round_ok = InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    auto existing = store::FindRound(tx, code);
    if (!existing) return Fail(existing.error());
    if (*existing) return false;  // a second run keeps it as it is
    domain::Round round;
    round.code = code;
    round.name = fmt::format("{}年两化融合评估（体验用，全年开放）", year);
    round.year = year;
    round.province_code = "440000";
    round.models = {std::string(kModel)};
    round.opens_on = domain::Date::Of(fmt::format("{}-01-01", year));
    round.closes_on = round.deadline = domain::Date::Of(fmt::format("{}-12-31", year));
    round.pledge = "本企业承诺：所填报的信息和数据真实、准确、完整，并对其真实性负责。";
    if (auto r = store::UpsertRound(tx, round); !r) return Fail(r.error());
    return true;
  });
  if (!round_ok) return Fail(round_ok.error());

  // Two enterprises of 广州, made as any are, with an account each.
  auto inputs = PopulationInputs(db);
  if (!inputs) return Fail(inputs.error());
  UnitInfo guangzhou;
  for (const auto& u : inputs->first) {
    if (u.code == "440100") guangzhou = u;
  }
  auto people = GeneratePopulation({guangzhou}, inputs->second, {2, options.seed + 20260});
  if (people.size() != 2) return Fail(Error::Internal("体验企业生成失败"));
  if (auto imported = ImportAll(db, PopulationTable(people)); !imported)
    return Fail(imported.error());
  const DemoAccount trial[] = {
      {"newcomer", "enterprise", people[0].uscc, "体验账号：答卷尚未填写"},
      {"returned", "enterprise", people[1].uscc, "体验账号：答卷被省级退回，待修改"}};
  for (const auto& account : trial) {
    if (auto r = EnsureAccount(db, auth, account, Role::kEnterprise, {}); !r)
      return Fail(r.error());
    report->accounts.push_back(account);
  }

  // `returned`'s answers, submitted and sent back, through the lifecycle
  // as an enterprise and a reviewer would.
  campaign::LifecycleService lifecycle(db, clock);
  const Principal returned{0, "returned", "", Role::kEnterprise, people[1].uscc, {}, "", false};
  if (auto had = lifecycle.Get(returned, code, people[1].uscc);
      !had && had.error().kind == ErrorKind::kNotFound) {
    auto m = scoring::SharedModel(std::string(kModel));
    if (!m) return Fail(m.error());
    AnswerGenerator generator(*m, inputs->second);
    auto answers = generator.Generate(people[1], 0, options.seed + 7, 1.0);
    std::vector<Error> details;
    auto saved =
        lifecycle.SaveDraft(returned, code, people[1].uscc, answers.json, 0, "demo", &details);
    if (!saved) return Fail(saved.error());
    if (auto s = lifecycle.Submit(returned, code, people[1].uscc, false, true, "demo", &details); !s)
      return Fail(s.error());
    const Principal province{0, "guangdong", "", Role::kProvince, "440000", {}, "", false};
    auto sent_back =
        lifecycle.Review(province, code, people[1].uscc, false,
                         "主营业务收入与财务报表不一致，请核对后修改并重新提交", "demo");
    if (!sent_back) return Fail(sent_back.error());
  } else if (!had && had.error().kind != ErrorKind::kNotFound) {
    return Fail(had.error());
  }
  return report;
}

Result<DemoReport> LoadDemo(store::Db& db, AuthService& auth, const DemoOptions& options) {
  if (options.scenario != "default" && options.scenario != "guangdong-2016" &&
      options.scenario != "trial") {
    return Fail(Error::Invalid(
        "unknown_scenario",
        fmt::format("未知的演示场景“{}”：可用的场景为 default、guangdong-2016、trial",
                    options.scenario),
        "scenario"));
  }
  if (auto r = LoadReferenceData(db); !r) return Fail(r.error());
  auto report = options.scenario == "default" ? LoadDefault(db, auth, options)
                : options.scenario == "guangdong-2016"
                    ? LoadGuangdong2016(db, auth, options)
                    : LoadTrial(db, auth, options, SystemClock::Get());
  if (report) report->password = std::string(kDemoPassword);
  return report;
}

}  // namespace rongping::demo
