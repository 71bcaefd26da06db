#include "campaign/contacts.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "core/text.h"
#include "core/time.h"
#include "report/table.h"
#include "store/audit.h"
#include "store/contacts.h"

namespace rongping::campaign {
namespace {

using Json = nlohmann::ordered_json;

// Groups stored rows, ordered by unit, into forms.
std::vector<UnitContacts> FormsFromRows(std::string_view round_code, const std::vector<store::ContactRow>& rows) {
  std::vector<UnitContacts> out;
  for (const auto& r : rows) {
    const std::string& unit = r.unit_code;
    if (out.empty() || out.back().unit_code != unit) {
      UnitContacts u;
      u.round_code = std::string(round_code);
      u.unit_code = unit;
      out.push_back(std::move(u));
    }
    UnitContacts& u = out.back();
    if (auto i = ContactRoleIndex(r.role)) {
      u.form.contacts[*i] = Contact{r.name, r.department_title, r.phone, r.fax, r.mobile, r.email};
    }
    // The rows of one save agree; keep the earliest time and its author.
    if (u.submitted_at.empty() || r.submitted_at < u.submitted_at) u.submitted_at = r.submitted_at;
    if (u.submitted_by.empty()) u.submitted_by = r.submitted_by;
  }
  return out;
}

// Whether the due date is before `as_of` ("YYYY-MM-DD"; false when none).
bool DuePassed(const std::optional<domain::Date>& due, std::string_view as_of) {
  auto date = domain::Date::Parse(as_of);
  return due && date && *date > *due;
}

bool IsLate(const UnitContacts& u, const std::optional<domain::Date>& due) {
  if (!due) return false;
  auto day = ChinaDateOf(u.submitted_at);
  auto date = day ? domain::Date::Parse(*day) : std::nullopt;
  return date && *date > *due;
}

}  // namespace

// ---------------------------------------------------------------------------
// Storage.

Result<UnitContacts> SaveUnitContacts(store::Tx& tx, std::string_view round_code,
                                      std::string_view unit_code, const ContactForm& form,
                                      std::string_view submitted_by, std::string_view at) {
  const std::string round(round_code), unit(unit_code);
  auto first = store::FirstContactsSubmittedAt(tx, round, unit);
  if (!first) return Fail(first.error());
  const std::string submitted_at = first->value_or(std::string(at));
  std::vector<store::ContactRow> rows;
  for (size_t i = 0; i < ContactRoles().size(); ++i) {
    const Contact& c = form.contacts[i];
    rows.push_back({unit, std::string(ContactRoles()[i].id), c.name, c.department_title, c.phone, c.fax, c.mobile,
                    c.email, std::string(submitted_by), submitted_at});
  }
  if (auto r = store::ReplaceUnitContacts(tx, round, unit, rows); !r) return Fail(r.error());
  return UnitContacts{round, unit, form, std::string(submitted_by), submitted_at};
}

Result<std::optional<UnitContacts>> LoadUnitContacts(store::Tx& tx, std::string_view round_code,
                                                     std::string_view unit_code) {
  auto rows = store::ListUnitContactRows(tx, round_code, unit_code);
  if (!rows) return Fail(rows.error());
  auto forms = FormsFromRows(round_code, *rows);
  if (forms.empty()) return std::optional<UnitContacts>();
  return std::optional<UnitContacts>(std::move(forms.front()));
}

Result<std::vector<UnitContacts>> ListRoundContacts(store::Tx& tx, std::string_view round_code) {
  auto rows = store::ListContactRows(tx, round_code);
  if (!rows) return Fail(rows.error());
  return FormsFromRows(round_code, *rows);
}

// ---------------------------------------------------------------------------
// Who owes the form.

std::vector<std::string> ContactUnits(const domain::Round& round,
                                      const domain::ReferenceIndex& index) {
  std::vector<const domain::Unit*> children;
  for (const auto& [code, u] : index.units) {
    if (u.parent_code == round.province_code && !round.province_code.empty()) {
      children.push_back(&u);
    }
  }
  std::sort(children.begin(), children.end(), [](const auto* a, const auto* b) {
    bool a_district = a->kind == "district", b_district = b->kind == "district";
    return a_district != b_district ? b_district : a->code < b->code;
  });
  std::vector<std::string> out;
  for (const auto* u : children) out.push_back(u->code);
  return out;
}

bool MayHandleContacts(const Principal& who) {
  return who.role == Role::kMinistry || who.role == Role::kProvince || who.role == Role::kUnit;
}

std::vector<std::string> ContactUnitsFor(const Principal& who, const domain::Round& round,
                                         const domain::ReferenceIndex& index) {
  std::vector<std::string> out;
  if (!MayHandleContacts(who)) return out;
  for (auto& code : ContactUnits(round, index)) {
    if (index.UnitInScope(who, code)) out.push_back(std::move(code));
  }
  return out;
}

ContactsOverview BuildContactsOverview(const domain::Round& round,
                                       const domain::ReferenceIndex& index,
                                       const std::vector<std::string>& units,
                                       const std::vector<UnitContacts>& stored,
                                       std::string_view as_of) {
  ContactsOverview o;
  o.round_code = round.code;
  o.round_name = round.name;
  o.province_code = round.province_code;
  o.due = round.contacts_due;
  o.as_of = std::string(as_of);
  const bool due_passed = DuePassed(o.due, as_of);
  std::map<std::string_view, const UnitContacts*> by_unit;
  for (const auto& s : stored) by_unit[s.unit_code] = &s;
  for (const auto& code : units) {
    ContactsEntry e;
    e.unit_code = code;
    e.unit_name = index.UnitName(code);
    if (auto it = by_unit.find(code); it != by_unit.end()) {
      e.contacts = *it->second;
      e.late = IsLate(*e.contacts, o.due);
      ++o.submitted;
      if (e.late) o.late.push_back(code);
    } else {
      e.overdue = due_passed;
      o.missing.push_back(code);
    }
    o.entries.push_back(std::move(e));
  }
  return o;
}

// ---------------------------------------------------------------------------
// Exports.

Json UnitContactsToJson(const std::string& round_code, const std::string& unit_code,
                        const std::string& unit_name, const std::optional<UnitContacts>& contacts,
                        const std::optional<domain::Date>& due) {
  Json j = {{"round", round_code},
            {"unit_code", unit_code},
            {"unit_name", unit_name},
            {"contacts_due", due ? Json(due->ToString()) : Json(nullptr)},
            {"submitted", contacts.has_value()}};
  if (contacts) {
    j["submitted_by"] = contacts->submitted_by;
    j["submitted_at"] = contacts->submitted_at;
    j["late"] = IsLate(*contacts, due);
    Json roles = ContactFormToJson(contacts->form);
    for (auto& [k, v] : roles.items()) j[k] = std::move(v);
  } else {
    j["submitted_by"] = nullptr;
    j["submitted_at"] = nullptr;
    j["late"] = false;
    for (const auto& r : ContactRoles()) j[std::string(r.id)] = nullptr;
  }
  return j;
}

Json ContactsOverviewToJson(const ContactsOverview& o) {
  Json items = Json::array(), missing = Json::array(), late = Json::array();
  for (const auto& e : o.entries) {
    if (e.contacts) {
      items.push_back(
          UnitContactsToJson(o.round_code, e.unit_code, e.unit_name, e.contacts, o.due));
      if (e.late) {
        late.push_back({{"unit_code", e.unit_code},
                        {"unit_name", e.unit_name},
                        {"submitted_at", e.contacts->submitted_at}});
      }
    } else {
      missing.push_back(
          {{"unit_code", e.unit_code}, {"unit_name", e.unit_name}, {"overdue", e.overdue}});
    }
  }
  return {{"round", o.round_code},
          {"round_name", o.round_name},
          {"province_code", o.province_code},
          {"contacts_due", o.due ? Json(o.due->ToString()) : Json(nullptr)},
          {"as_of", o.as_of},
          {"due_passed", DuePassed(o.due, o.as_of)},
          {"summary",
           {{"units", o.entries.size()},
            {"submitted", o.submitted},
            {"missing", o.missing.size()},
            {"late", o.late.size()}}},
          {"items", std::move(items)},
          {"missing", std::move(missing)},
          {"late", std::move(late)}};
}

std::string ContactsToCsv(const ContactsOverview& o) {
  report::Table table;
  table.title = "联系人表";
  table.header = {"单位代码", "单位", "角色",     "姓名",   "部门及职务", "电话",
                  "传真",     "手机", "电子邮件", "填报人", "填报时间"};
  using Cell = report::TableCell;
  for (const auto& e : o.entries) {
    if (!e.contacts) continue;
    const UnitContacts& u = *e.contacts;
    for (size_t i = 0; i < ContactRoles().size(); ++i) {
      const Contact& c = u.form.contacts[i];
      table.rows.push_back({Cell::Text(e.unit_code), Cell::Text(e.unit_name), Cell::Text(std::string(ContactRoles()[i].label)),
                            Cell::Text(c.name), Cell::Text(c.department_title), Cell::Text(c.phone), Cell::Text(c.fax),
                            Cell::Text(c.mobile), Cell::Text(c.email), Cell::Text(u.submitted_by),
                            Cell::Text(ChinaDateTimeOf(u.submitted_at))});
    }
  }
  return report::TableToCsv(table);
}

Result<std::string> ContactsToXlsx(const ContactsOverview& o) {
  using Style = report::FormCell::Style;
  // Sheet 1: the 附件 form, one block per submitted unit: 单位, then per role
  // a heading and three lines of two label/value pairs.
  report::Form form;
  form.sheet_name = "联系人表";
  form.title = "两化融合评估诊断和对标引导工作地方联系人表";
  form.caption = fmt::format("评估周期：{}（{}）", o.round_name, o.round_code);
  if (o.due) form.caption += fmt::format("；报送截止：{}", o.due->ToChinese());
  form.column_widths = {14, 22, 14, 30};
  for (const auto& e : o.entries) {
    if (!e.contacts) continue;
    const UnitContacts& u = *e.contacts;
    form.rows.push_back({{"单位", Style::kLabel},
                         {fmt::format("{}（{}）", e.unit_name, e.unit_code), Style::kValue, 3}});
    for (size_t i = 0; i < ContactRoles().size(); ++i) {
      const Contact& c = u.form.contacts[i];
      form.rows.push_back({{std::string(ContactRoles()[i].label), Style::kSection, 4}});
      const std::pair<std::string_view, const std::string*> lines[3][2] = {
          {{"姓名", &c.name}, {"部门及职务", &c.department_title}},
          {{"电话", &c.phone}, {"传真", &c.fax}},
          {{"手机", &c.mobile}, {"电子邮件", &c.email}}};
      for (const auto& pair : lines) {
        form.rows.push_back({{std::string(pair[0].first), Style::kLabel},
                             {*pair[0].second, Style::kValue},
                             {std::string(pair[1].first), Style::kLabel},
                             {*pair[1].second, Style::kValue}});
      }
    }
    std::string footer =
        fmt::format("填报人：{}；填报时间：{}", u.submitted_by, ChinaDateTimeOf(u.submitted_at));
    if (e.late) footer += "（逾期报送）";
    form.rows.push_back({{footer, Style::kNote}});
    form.rows.push_back({});
  }
  if (o.submitted == 0) form.rows.push_back({{"尚无单位报送联系人表", Style::kNote}});

  // Sheet 2: every unit's status.
  report::Table status;
  status.title = form.title + "（报送情况）";
  status.sheet_name = "报送情况";
  status.landscape = false;
  status.header = {"单位代码", "单位", "报送情况", "填报时间", "填报人"};
  for (const auto& e : o.entries) {
    const char* state =
        e.contacts ? (e.late ? "逾期报送" : "已报送") : (e.overdue ? "逾期未报送" : "未报送");
    status.rows.push_back(
        {report::TableCell::Text(e.unit_code), report::TableCell::Text(e.unit_name),
         report::TableCell::Text(state),
         report::TableCell::Text(e.contacts ? ChinaDateTimeOf(e.contacts->submitted_at) : ""),
         report::TableCell::Text(e.contacts ? e.contacts->submitted_by : "")});
  }
  status.notes = {
      fmt::format("应报 {} 个单位，已报 {} 个，未报 {} 个，逾期报送 {} 个；统计日期：{}",
                  o.entries.size(), o.submitted, o.missing.size(), o.late.size(), o.as_of)};
  return report::SheetsToXlsx({std::move(form), std::move(status)});
}

namespace {

constexpr std::string_view kForbidden = "只有工信部、省级和地市管理员可以查看或填报联系人表";
constexpr std::string_view kUnitNotFound = "该评估周期中没有这个单位的联系人表，或该单位不在您的管辖范围内";

// The round, the reference index and the units of the round the caller
// handles, read in `tx`; the errors of the service's contract.
struct RoundView {
  domain::Round round;
  domain::ReferenceIndex index;
  std::vector<std::string> units;  // ContactUnitsFor
  bool Has(std::string_view unit) const { return std::find(units.begin(), units.end(), unit) != units.end(); }
};

Result<RoundView> LoadRoundView(store::Tx& tx, const Principal& who, const std::string& code) {
  if (!MayHandleContacts(who)) return Fail(Error::Forbidden(std::string(kForbidden)));
  auto round = store::FindRound(tx, code);
  if (!round) return Fail(round.error());
  if (!*round) return Fail(Error::NotFound("评估周期不存在"));
  auto index = store::LoadReferenceIndex(tx);
  if (!index) return Fail(index.error());
  RoundView v{std::move(**round), std::move(*index), {}};
  v.units = ContactUnitsFor(who, v.round, v.index);
  bool visible = who.role == Role::kMinistry ||
                 (who.role == Role::kProvince && v.index.UnitInScope(who, v.round.province_code)) ||
                 !v.units.empty();
  if (!visible) return Fail(Error::NotFound("评估周期不存在"));
  return v;
}

// The view's unit `unit_code`, 404 unless the round asks it of the caller.
Result<UnitContactsPage> PageOf(const RoundView& view, const std::string& unit_code) {
  if (!view.Has(unit_code)) return Fail(Error::NotFound(std::string(kUnitNotFound)));
  return UnitContactsPage{view.round.code, unit_code, view.index.UnitName(unit_code), std::nullopt,
                          view.round.contacts_due};
}

}  // namespace

Result<UnitContactsPage> GetUnitContacts(store::Db& db, const Principal& who, const std::string& round_code,
                                         const std::string& unit_code) {
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<UnitContactsPage> {
    auto view = LoadRoundView(tx, who, round_code);
    if (!view) return Fail(view.error());
    auto page = PageOf(*view, unit_code);
    if (!page) return page;
    auto stored = LoadUnitContacts(tx, round_code, unit_code);
    if (!stored) return Fail(stored.error());
    page->contacts = std::move(*stored);
    return page;
  });
}

Result<UnitContactsPage> PutUnitContacts(store::Db& db, const Principal& who, const std::string& round_code,
                                         const std::string& unit_code, const nlohmann::ordered_json& body,
                                         const std::string& request_id, std::vector<Error>* details,
                                         const Clock& clock) {
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<UnitContactsPage> {
    auto view = LoadRoundView(tx, who, round_code);
    if (!view) return Fail(view.error());
    auto page = PageOf(*view, unit_code);
    if (!page) return page;
    ContactForm form;
    std::vector<Error> problems = ValidateContactForm(body, &form);
    if (!problems.empty()) {
      Error first = problems.front();
      if (details) *details = std::move(problems);
      return Fail(std::move(first));
    }
    auto before = LoadUnitContacts(tx, round_code, unit_code);
    if (!before) return Fail(before.error());
    auto stored = SaveUnitContacts(tx, round_code, unit_code, form, who.username, clock.NowRfc3339());
    if (!stored) return Fail(stored.error());
    std::optional<std::string> before_json;
    if (*before) before_json = ContactFormToJson((*before)->form).dump();
    if (auto a = store::RecordAudit(tx, {0, "", who.username, "contacts.put", "contacts", round_code + "/" + unit_code,
                                         before_json, ContactFormToJson(stored->form).dump(), request_id});
        !a) {
      return Fail(a.error());
    }
    page->contacts = std::move(*stored);
    return page;
  });
}

Result<ContactsOverview> GetContactsOverview(store::Db& db, const Principal& who, const std::string& round_code,
                                             const std::string& as_of) {
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<ContactsOverview> {
    auto view = LoadRoundView(tx, who, round_code);
    if (!view) return Fail(view.error());
    auto stored = ListRoundContacts(tx, round_code);
    if (!stored) return Fail(stored.error());
    return BuildContactsOverview(view->round, view->index, view->units, *stored, as_of);
  });
}

nlohmann::ordered_json UnitContactsPageToJson(const UnitContactsPage& page) {
  return UnitContactsToJson(page.round_code, page.unit_code, page.unit_name, page.contacts, page.contacts_due);
}

}  // namespace rongping::campaign
