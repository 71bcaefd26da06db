#include "campaign/circulars.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "campaign/rounds.h"
#include "core/text.h"
#include "core/time.h"
#include "report/circular_html.h"
#include "report/html.h"
#include "report/progress_export.h"
#include "report/table.h"
#include "store/audit.h"
#include "store/campaign.h"
#include "store/circulars.h"
#include "store/units.h"

namespace rongping::campaign::circulars {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kSnapshotFormat = 1;

template <typename T>
Json Opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json ChangeJson(const UnitChange& c) {
  return {{"unit_code", c.unit_code},
          {"unit_name", c.unit_name},
          {"participating", Opt(c.participating)},
          {"completed", Opt(c.completed)},
          {"completion_rate", Opt(c.completion_rate)},
          {"rank", Opt(c.rank)}};
}

// Readers of the stored JSON. They accept what ProgressToJson and
// ChangesToJson write; anything else is kInternal (the snapshot is ours).
Error Corrupt(std::string_view what) {
  return Error::Internal(fmt::format("通报快照已损坏（{}）", what));
}

std::string Text(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename T>
std::optional<T> OptNumber(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<T>();
}

Result<ProgressRow> RowFromJson(const Json& j) {
  if (!j.is_object() || !j.contains("unit_code")) return Fail(Corrupt("row"));
  ProgressRow r;
  r.unit_code = Text(j, "unit_code");
  r.unit_name = Text(j, "unit_name");
  r.participating = OptNumber<int64_t>(j, "participating").value_or(0);
  r.completed = OptNumber<int64_t>(j, "completed").value_or(0);
  r.target = OptNumber<int64_t>(j, "target");
  r.target_rule = Text(j, "target_rule");
  if (auto m = j.find("target_met"); m != j.end() && m->is_boolean()) r.target_met = m->get<bool>();
  r.completion_rate = OptNumber<double>(j, "completion_rate");
  r.rank = OptNumber<int>(j, "rank");
  r.gap = OptNumber<int64_t>(j, "gap");
  r.expected_by_today = OptNumber<double>(j, "expected_by_today");
  if (auto h = j.find("has_children"); h != j.end() && h->is_boolean()) r.has_children = h->get<bool>();
  return r;
}

UnitChange ChangeFromJson(const Json& j) {
  UnitChange c;
  c.unit_code = Text(j, "unit_code");
  c.unit_name = Text(j, "unit_name");
  c.participating = OptNumber<int64_t>(j, "participating");
  c.completed = OptNumber<int64_t>(j, "completed");
  c.completion_rate = OptNumber<double>(j, "completion_rate");
  c.rank = OptNumber<int>(j, "rank");
  return c;
}

Json SnapshotJson(const Circular& c) {
  Json previous = c.previous ? Json{{"id", c.previous->id},
                                    {"as_of", c.previous->as_of},
                                    {"title", c.previous->title}}
                             : Json(nullptr);
  return {{"format", kSnapshotFormat},
          {"round", {{"code", c.round_code}, {"name", c.round_name}}},
          {"unit", {{"code", c.unit_code}, {"name", c.unit_name}}},
          {"as_of", c.as_of},
          {"title", c.title},
          {"progress", report::ProgressToJson(c.table)},
          {"previous", std::move(previous)},
          {"changes", c.changes ? ChangesToJson(*c.changes) : Json(nullptr)}};
}

// Fills table, previous, changes and names of `c` from its snapshot_json.
Result<void> ReadSnapshot(Circular& c) {
  Json s = Json::parse(c.snapshot_json, nullptr, false);
  if (s.is_discarded() || !s.is_object()) return Fail(Corrupt("JSON"));
  auto progress = s.find("progress");
  if (progress == s.end()) return Fail(Corrupt("progress"));
  auto table = ProgressFromJson(*progress);
  if (!table) return Fail(table.error());
  c.table = std::move(*table);
  if (auto r = s.find("round"); r != s.end() && r->is_object()) c.round_name = Text(*r, "name");
  if (auto u = s.find("unit"); u != s.end() && u->is_object()) {
    std::string name = Text(*u, "name");
    if (!name.empty()) c.unit_name = name;
  }
  c.previous.reset();
  if (auto p = s.find("previous"); p != s.end() && p->is_object()) {
    c.previous = PreviousRef{OptNumber<int64_t>(*p, "id").value_or(0), Text(*p, "as_of"),
                             Text(*p, "title")};
  }
  c.changes.reset();
  if (auto ch = s.find("changes"); ch != s.end() && ch->is_object()) {
    Changes changes;
    if (auto t = ch->find("total"); t != ch->end()) changes.total = ChangeFromJson(*t);
    if (auto rows = ch->find("rows"); rows != ch->end() && rows->is_array()) {
      for (const auto& r : *rows) changes.rows.push_back(ChangeFromJson(r));
    }
    c.changes = std::move(changes);
  }
  return {};
}

// Province and unit admins read the circulars of their region and of the
// units above it; the ministry and the command line read all.
bool CanRead(const Principal* who, const domain::ReferenceIndex& units, const std::string& unit) {
  if (!who) return true;
  switch (who->role) {
    case Role::kMinistry: return true;
    case Role::kProvince:
    case Role::kUnit:
      return units.InSubtree(unit, who->scope_code) || units.InSubtree(who->scope_code, unit);
    default: return false;
  }
}

bool MayListCirculars(const Principal* who) {
  return !who || who->role == Role::kMinistry || who->role == Role::kProvince ||
         who->role == Role::kUnit;
}

std::string Actor(const Principal* who) { return who ? who->username : "cli:circular"; }

}  // namespace

Changes ComputeChanges(const ProgressTable& current, const ProgressTable& previous) {
  auto diff = [](const ProgressRow& now, const ProgressRow* then, bool with_rank) {
    UnitChange c;
    c.unit_code = now.unit_code;
    c.unit_name = now.unit_name;
    if (!then) return c;
    c.participating = now.participating - then->participating;
    c.completed = now.completed - then->completed;
    if (now.completion_rate && then->completion_rate) {
      c.completion_rate = *now.completion_rate - *then->completion_rate;
    }
    if (with_rank && now.rank && then->rank) c.rank = *then->rank - *now.rank;
    return c;
  };
  std::map<std::string, const ProgressRow*> before;
  for (const auto& r : previous.rows) before[r.unit_code] = &r;
  Changes out;
  for (const auto& r : current.rows) {
    auto it = before.find(r.unit_code);
    out.rows.push_back(diff(r, it == before.end() ? nullptr : it->second, true));
  }
  out.total = diff(current.total,
                   current.total.unit_code == previous.total.unit_code ? &previous.total : nullptr,
                   false);
  return out;
}

Json ChangesToJson(const Changes& changes) {
  Json rows = Json::array();
  for (const auto& r : changes.rows) rows.push_back(ChangeJson(r));
  return {{"total", ChangeJson(changes.total)}, {"rows", std::move(rows)}};
}

Result<ProgressTable> ProgressFromJson(const Json& j) {
  if (!j.is_object()) return Fail(Corrupt("progress"));
  ProgressTable t;
  t.round_code = Text(j, "round");
  t.root_code = Text(j, "unit");
  t.as_of = Text(j, "as_of");
  t.completion = store::ParseCompletion(Text(j, "completion")).value_or(store::Completion::kApproved);
  t.entries = store::ParseEntryCount(Text(j, "entries")).value_or(store::EntryCount::kEnterprise);
  t.counting_note = Text(j, "counting_note");  // empty in circulars made before it was recorded
  auto total = j.find("total");
  if (total == j.end()) return Fail(Corrupt("total"));
  auto tr = RowFromJson(*total);
  if (!tr) return Fail(tr.error());
  t.total = std::move(*tr);
  auto rows = j.find("rows");
  if (rows == j.end() || !rows->is_array()) return Fail(Corrupt("rows"));
  for (const auto& r : *rows) {
    auto row = RowFromJson(r);
    if (!row) return Fail(row.error());
    t.rows.push_back(std::move(*row));
  }
  return t;
}

std::string DefaultTitle(std::string_view as_of, std::string_view unit_name) {
  return fmt::format("关于{}{}两化融合评估诊断和对标引导工作进展情况的通报",
                     report::ChineseQuarter(as_of), report::RegionWord(unit_name));
}

Result<Circular> Generate(store::Db& db, const Principal* who, const std::string& round_code,
                          const std::string& unit_code, const std::string& as_of,
                          const std::string& title_in, const std::string& request_id, const Clock& clock) {
  if (who && who->role != Role::kProvince && who->role != Role::kMinistry) {
    return Fail(Error::Forbidden("只有省级及以上管理员可以发布通报"));
  }
  const auto as_of_date = domain::Date::Parse(as_of);
  if (!as_of_date) {
    return Fail(Error::Invalid("invalid_field", "as_of 应为日期，如 2016-06-30", "as_of"));
  }
  std::string title = Trim(title_in);
  if (!IsValidUtf8(title) || HasControlCharacter(title) ||
      CountCodePoints(title) > kMaxTitleLength || (!title.empty() && !HasVisibleCharacter(title))) {
    return Fail(Error::Invalid("invalid_field",
                               fmt::format("标题最多{}个字符，不含控制字符", kMaxTitleLength),
                               "title"));
  }

  // The round and the unit, checked before the table is built.
  Circular c;
  c.round_code = round_code;
  c.as_of = as_of;
  auto checked = InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<bool> {
    auto round = store::FindRound(tx, round_code);
    if (!round) return Fail(round.error());
    auto units = store::LoadReferenceIndex(tx);
    if (!units) return Fail(units.error());
    if (!*round || (who && !MayAdministerRound(*who, **round, *units))) {
      return Fail(Error::NotFound("评估周期不存在"));
    }
    c.round_name = (*round)->name;
    c.unit_code = unit_code.empty() ? (*round)->province_code : unit_code;
    auto unit = units->units.find(c.unit_code);
    if (unit == units->units.end()) return Fail(Error::NotFound("单位不存在"));
    if (who && who->role != Role::kMinistry && !units->UnitInScope(*who, c.unit_code)) {
      return Fail(Error::NotFound("单位不存在"));
    }
    if (!units->InSubtree(c.unit_code, (*round)->province_code)) {
      return Fail(Error::Invalid("invalid_field", "该单位不属于本评估周期所在的省份", "unit"));
    }
    c.unit_name = unit->second.name;
    if (*as_of_date < (*round)->opens_on) {
      return Fail(Error::Invalid(
          "invalid_field",
          fmt::format("as_of 不能早于评估周期开始日期 {}", (*round)->opens_on.ToString()),
          "as_of"));
    }
    return true;
  });
  if (!checked) return Fail(checked.error());
  const std::string today = clock.TodayInChina();
  if (*as_of_date > domain::Date::TodayInChina(clock)) {
    return Fail(Error::Invalid("invalid_field",
                               fmt::format("as_of 不能晚于今天（{}）", today), "as_of"));
  }
  c.title = title.empty() ? DefaultTitle(as_of, c.unit_name) : title;

  auto table = LoadProgress(db, who, round_code, c.unit_code, as_of, nullptr, today);
  if (!table) return Fail(table.error());
  c.table = std::move(*table);
  c.created_by = Actor(who);

  auto stored = InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    // Under the writer lock, so two requests cannot both pass this check.
    auto dup = store::FindCircularOn(tx, c.round_code, c.unit_code, c.as_of);
    if (!dup) return Fail(dup.error());
    if (*dup) {
      return Fail(Error::Conflict(
          "duplicate_circular",
          fmt::format("{}已有截至{}的通报（编号 {}），同一日期不能重复发布", c.unit_name,
                      report::ChineseDate(c.as_of), **dup)));
    }
    auto prev = store::FindPreviousCircular(tx, c.round_code, c.unit_code, c.as_of);
    if (!prev) return Fail(prev.error());
    c.previous.reset();
    c.changes.reset();
    if (*prev) {
      Circular before;
      before.snapshot_json = (*prev)->snapshot_json;
      if (auto r = ReadSnapshot(before); !r) return Fail(r.error());
      c.previous = PreviousRef{(*prev)->id, (*prev)->as_of, (*prev)->title};
      c.changes = ComputeChanges(c.table, before.table);
    }
    c.html = report::CircularToHtml(c);
    c.snapshot_json = SnapshotJson(c).dump(-1, ' ', false, Json::error_handler_t::replace);
    c.created_at = clock.NowRfc3339();
    auto inserted = store::InsertCircular(
        tx, {0, c.round_code, c.unit_code, c.as_of, c.title, c.snapshot_json, c.html, c.created_by, c.created_at});
    if (!inserted) return Fail(inserted.error());
    c.id = *inserted;
    Json after = {{"round", c.round_code},
                  {"unit", c.unit_code},
                  {"as_of", c.as_of},
                  {"title", c.title},
                  {"previous_id", c.previous ? Json(c.previous->id) : Json(nullptr)},
                  {"participating", c.table.total.participating},
                  {"completed", c.table.total.completed}};
    if (auto a = store::RecordAudit(
            tx, {0, "", c.created_by, "circular.create", "circular", std::to_string(c.id),
                 std::nullopt, after.dump(-1, ' ', false, Json::error_handler_t::replace),
                 request_id});
        !a) {
      return Fail(a.error());
    }
    return true;
  });
  if (!stored) return Fail(stored.error());
  return c;
}

Result<std::vector<CircularSummary>> List(store::Db& db, const Principal* who,
                                          const std::string& round_code) {
  return InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<CircularSummary>> {
    auto round = store::FindRound(tx, round_code);
    if (!round) return Fail(round.error());
    if (!*round) return Fail(Error::NotFound("评估周期不存在"));
    if (!MayListCirculars(who)) return Fail(Error::Forbidden("通报仅供主管部门查看"));
    auto units = store::LoadReferenceIndex(tx);
    if (!units) return Fail(units.error());
    if (who && !RoundConcerns(*who, **round, *units)) return Fail(Error::NotFound("评估周期不存在"));
    auto rows = store::ListCirculars(tx, round_code);
    if (!rows) return Fail(rows.error());
    std::vector<CircularSummary> out;
    for (const auto& r : *rows) {
      if (!CanRead(who, *units, r.unit_code)) continue;
      auto u = units->units.find(r.unit_code);
      out.push_back({r.id, r.round_code, r.unit_code, u == units->units.end() ? r.unit_code : u->second.name,
                     r.as_of, r.title, r.created_by, r.created_at});
    }
    return out;
  });
}

Result<Circular> Get(store::Db& db, const Principal* who, int64_t id) {
  return InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<Circular> {
    auto found = store::FindCircular(tx, id);
    if (!found) return Fail(found.error());
    if (!*found) return Fail(Error::NotFound("通报不存在"));
    auto units = store::LoadReferenceIndex(tx);
    if (!units) return Fail(units.error());
    const store::CircularRecord& r = **found;
    if (!CanRead(who, *units, r.unit_code)) return Fail(Error::NotFound("通报不存在"));
    Circular c;
    c.id = r.id;
    c.round_code = r.round_code;
    c.unit_code = r.unit_code;
    c.as_of = r.as_of;
    c.title = r.title;
    c.snapshot_json = r.snapshot_json;
    c.html = r.html;
    c.created_by = r.created_by;
    c.created_at = r.created_at;
    auto u = units->units.find(c.unit_code);
    c.unit_name = u == units->units.end() ? c.unit_code : u->second.name;
    if (auto s = ReadSnapshot(c); !s) return Fail(s.error());
    return c;
  });
}

Result<std::string> ToXlsx(const Circular& c) {
  report::Table table = report::CircularTable(c);
  table.title = c.title;
  table.sheet_name = "通报";
  table.title_in_sheet = true;
  table.caption = fmt::format("数据截至{}", report::ChineseDate(c.as_of));
  table.caption += c.previous ? fmt::format("；较上期变化与截至{}的上期通报相比",
                                            report::ChineseDate(c.previous->as_of))
                              : std::string("；本期为首次通报，无上期数据");
  table.notes = {c.table.counting_note +
                     "完成率为完成评估数与目标之比；排名按完成率由高到低，未设定目标的不参与排名；"
                     "排名变化“↑”表示上升、“↓”表示下降。",
                 fmt::format("评估周期：{}（{}）；通报编号：{}", c.round_name, c.round_code, c.id)};
  return report::TableToXlsx(table);
}

}  // namespace rongping::campaign::circulars
