#include "importer/reference.h"

#include <map>

#include <fmt/format.h>

#include "core/text.h"
#include "campaign/target_rule.h"
#include "store/campaign.h"
#include "store/units.h"

namespace rongping {
namespace {

// Column index by header name; -1 when absent.
std::map<std::string, int> HeaderIndex(const importer::Table& t) {
  std::map<std::string, int> idx;
  for (size_t i = 0; i < t.header.size(); ++i) idx[t.header[i]] = static_cast<int>(i);
  return idx;
}

std::string Cell(const std::vector<std::string>& row, const std::map<std::string, int>& idx,
                 const std::string& name) {
  auto it = idx.find(name);
  if (it == idx.end() || it->second >= static_cast<int>(row.size())) return {};
  return row[it->second];
}

Result<std::vector<domain::Unit>> ParseUnits(const importer::Table& t) {
  auto idx = HeaderIndex(t);
  for (const char* required : {"code", "name", "parent_code", "kind"}) {
    if (!idx.count(required)) {
      return Fail(Error::Invalid("missing_column", fmt::format("第1行缺少列 {}", required),
                                 required));
    }
  }
  std::vector<domain::Unit> units;
  std::string problems;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    domain::Unit u;
    u.name = Cell(row, idx, "name");
    u.admin_parent_code = Cell(row, idx, "parent_code");
    u.kind = Cell(row, idx, "kind");
    u.group = Cell(row, idx, "group");
    std::string above = Cell(row, idx, "above_scale_2015");
    int line = t.row_numbers[i];
    if (auto code = domain::UnitCode::Parse(Cell(row, idx, "code")); !code) {
      problems += fmt::format("第{}行 code：{}；", line, code.error().message);
    } else {
      u.code = *std::move(code);
    }
    if (u.name.empty() || !IsValidUtf8(u.name) || HasControlCharacter(u.name) ||
        CountCodePoints(u.name) > 50) {
      problems += fmt::format("第{}行 name：名称不能为空且不超过50个字符；", line);
    }
    if (auto parent = domain::UnitCode::Parse(u.admin_parent_code); !u.admin_parent_code.empty() && !parent) {
      problems += fmt::format("第{}行 parent_code：{}，或留空；", line, parent.error().message);
    }
    if (u.kind != "province" && u.kind != "city" && u.kind != "district" && u.kind != "county") {
      problems += fmt::format("第{}行 kind：应为 province、city、district 或 county；", line);
    }
    if (!above.empty()) {
      auto n = ParseInteger(above);
      if (!n || *n < 0) {
        problems += fmt::format("第{}行 above_scale_2015：应为非负整数；", line);
      } else {
        u.above_scale = *n;
      }
    }
    units.push_back(std::move(u));
  }
  if (!problems.empty()) {
    problems.erase(problems.size() - 3);  // trailing "；"
    return Fail(Error::Invalid("invalid_rows", problems));
  }
  return units;
}

}  // namespace

Result<ReferenceLoadReport> LoadReferenceData(store::Db& db) {
  ReferenceLoadReport report;
  std::vector<domain::Unit> units;
  for (auto csv : {kProvincesCsv, kGuangdongUnitsCsv}) {
    auto table = importer::ReadCsv(csv);
    if (!table) return Fail(table.error());
    auto idx = HeaderIndex(*table);
    for (const auto& row : table->rows) {
      domain::Unit u;
      u.code = domain::UnitCode::Of(Cell(row, idx, "code"));  // data built into the program
      u.name = Cell(row, idx, "name");
      u.admin_parent_code = Cell(row, idx, "parent_code");
      u.kind = idx.count("kind") ? Cell(row, idx, "kind") : "province";
      u.group = Cell(row, idx, "group");
      if (auto n = ParseInteger(Cell(row, idx, "above_scale_2015"))) u.above_scale = *n;
      units.push_back(std::move(u));
    }
  }
  std::vector<domain::Industry> industries;
  auto table = importer::ReadCsv(kIndustriesCsv);
  if (!table) return Fail(table.error());
  auto idx = HeaderIndex(*table);
  for (const auto& row : table->rows) {
    industries.push_back({Cell(row, idx, "code"), Cell(row, idx, "name"),
                          Cell(row, idx, "section"), Cell(row, idx, "group")});
  }
  return InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<ReferenceLoadReport> {
    auto u = store::UpsertUnits(tx, units);
    if (!u) return Fail(u.error());
    auto i = store::UpsertIndustries(tx, industries);
    if (!i) return Fail(i.error());
    report.units = static_cast<int64_t>(units.size());
    report.industries = static_cast<int64_t>(industries.size());
    return report;
  });
}

Result<int64_t> ImportUnits(store::Db& db, const importer::Table& table) {
  auto units = ParseUnits(table);
  if (!units) return Fail(units.error());
  return InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<int64_t> {
    auto r = store::UpsertUnits(tx, *units);
    if (!r) return Fail(r.error());
    return static_cast<int64_t>(units->size());
  });
}

Result<int64_t> ImportTargets(store::Db& db, const importer::Table& table) {
  auto idx = HeaderIndex(table);
  for (const char* required : {"round", "unit_code", "rule"}) {
    if (!idx.count(required)) {
      return Fail(Error::Invalid("missing_column", fmt::format("第1行缺少列 {}", required), required));
    }
  }
  return InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<int64_t> {
    auto units = store::LoadReferenceIndex(tx);
    if (!units) return Fail(units.error());
    std::string problems;
    std::vector<std::tuple<std::string, std::string, std::string>> rows;
    for (size_t i = 0; i < table.rows.size(); ++i) {
      const auto& row = table.rows[i];
      int line = table.row_numbers[i];
      std::string round = Cell(row, idx, "round"), unit = Cell(row, idx, "unit_code");
      auto found = store::FindRound(tx, round);
      if (!found) return Fail(found.error());
      if (!*found) problems += fmt::format("第{}行 round：评估周期“{}”不存在；", line, round.substr(0, 40));
      if (!units->units.count(unit)) {
        problems += fmt::format("第{}行 unit_code：单位“{}”不存在；", line, unit.substr(0, 20));
      }
      auto rule = campaign::ParseTargetRule(Cell(row, idx, "rule"));
      if (!rule) {
        problems += fmt::format("第{}行 rule：{}；", line, rule.error().message);
      } else {
        rows.emplace_back(round, unit, rule->ToString());
      }
    }
    if (!problems.empty()) {
      problems.erase(problems.size() - 3);
      return Fail(Error::Invalid("invalid_rows", problems));
    }
    for (const auto& [round, unit, rule] : rows) {
      if (auto r = store::UpsertTarget(tx, round, unit, rule); !r) return Fail(r.error());
    }
    return static_cast<int64_t>(rows.size());
  });
}

}  // namespace rongping
