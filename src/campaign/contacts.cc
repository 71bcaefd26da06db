#include "campaign/contacts.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

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
#include "report/spreadsheet.h"
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

namespace {
std::optional<int64_t> ParseUtcSeconds(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  if (s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s.back() != 'Z') {
    return std::nullopt;
  }
  auto days = ParseDateDays(s.substr(0, 10));
  if (!days) return std::nullopt;
  int v[3];
  for (int k = 0; k < 3; ++k) {
    char a = s[11 + 3 * k], b = s[12 + 3 * k];
    if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
    v[k] = (a - '0') * 10 + (b - '0');
  }
  if (v[0] > 23 || v[1] > 59 || v[2] > 60) return std::nullopt;
  return *days * 86400 + v[0] * 3600 + v[1] * 60 + v[2];
}
}  // namespace

std::optional<std::string> ChinaDateOf(std::string_view rfc3339_utc) {
  auto t = ParseUtcSeconds(rfc3339_utc);
  if (!t) return std::nullopt;
  return FormatRfc3339(*t + 8 * 3600).substr(0, 10);
}

std::string ChinaDateTimeOf(std::string_view rfc3339_utc) {
  auto t = ParseUtcSeconds(rfc3339_utc);
  if (!t) return std::string(rfc3339_utc);
  std::string s = FormatRfc3339(*t + 8 * 3600);  // 2016-05-10T08:30:00Z
  return s.substr(0, 10) + " " + s.substr(11, 5);
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
      e.overdue = DuePassed(o.due, as_of);
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
  report::Table table{"联系人表",
                      {"单位代码", "单位", "角色", "姓名", "部门及职务", "电话", "传真", "手机", "电子邮件", "填报人",
                       "填报时间"},
                      {},
                      {}};
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
  report::XlsxFile file;
  if (!file.ok()) return Fail(Error::Internal("无法创建 Excel 文件"));
  lxw_workbook* wb = file.workbook();

  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 14);
  format_set_align(title, LXW_ALIGN_CENTER);
  lxw_format* cell = workbook_add_format(wb);
  format_set_border(cell, LXW_BORDER_THIN);
  format_set_text_wrap(cell);
  format_set_align(cell, LXW_ALIGN_VERTICAL_CENTER);
  lxw_format* label = workbook_add_format(wb);
  format_set_border(label, LXW_BORDER_THIN);
  format_set_align(label, LXW_ALIGN_CENTER);
  format_set_align(label, LXW_ALIGN_VERTICAL_CENTER);
  lxw_format* section = workbook_add_format(wb);
  format_set_border(section, LXW_BORDER_THIN);
  format_set_bold(section);
  format_set_bg_color(section, 0xF2F2F2);
  lxw_format* note = workbook_add_format(wb);
  format_set_font_color(note, 0x595959);
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);

  // Sheet 1: the 附件 form, one block per submitted unit.
  lxw_worksheet* ws = workbook_add_worksheet(wb, "联系人表");
  worksheet_set_column(ws, 0, 0, 14, nullptr);
  worksheet_set_column(ws, 1, 1, 22, nullptr);
  worksheet_set_column(ws, 2, 2, 14, nullptr);
  worksheet_set_column(ws, 3, 3, 30, nullptr);
  worksheet_merge_range(ws, 0, 0, 0, 3, "两化融合评估诊断和对标引导工作地方联系人表", title);
  std::string sub = fmt::format("评估周期：{}（{}）", o.round_name, o.round_code);
  if (o.due) sub += fmt::format("；报送截止：{}", o.due->ToChinese());
  worksheet_merge_range(ws, 1, 0, 1, 3, sub.c_str(), note);
  lxw_row_t row = 3;
  auto text = [&](lxw_row_t r, lxw_col_t c, const std::string& v, lxw_format* f) {
    worksheet_write_string(ws, r, c, v.c_str(), f);
  };
  for (const auto& e : o.entries) {
    if (!e.contacts) continue;
    const UnitContacts& u = *e.contacts;
    text(row, 0, "单位", label);
    worksheet_merge_range(ws, row, 1, row, 3,
                          fmt::format("{}（{}）", e.unit_name, e.unit_code).c_str(), cell);
    ++row;
    for (size_t i = 0; i < ContactRoles().size(); ++i) {
      const Contact& c = u.form.contacts[i];
      worksheet_merge_range(ws, row, 0, row, 3, std::string(ContactRoles()[i].label).c_str(), section);
      ++row;
      const std::pair<std::string_view, const std::string*> lines[3][2] = {
          {{"姓名", &c.name}, {"部门及职务", &c.department_title}},
          {{"电话", &c.phone}, {"传真", &c.fax}},
          {{"手机", &c.mobile}, {"电子邮件", &c.email}}};
      for (const auto& pair : lines) {
        text(row, 0, std::string(pair[0].first), label);
        text(row, 1, *pair[0].second, cell);
        text(row, 2, std::string(pair[1].first), label);
        text(row, 3, *pair[1].second, cell);
        ++row;
      }
    }
    std::string footer =
        fmt::format("填报人：{}；填报时间：{}", u.submitted_by, ChinaDateTimeOf(u.submitted_at));
    if (e.late) footer += "（逾期报送）";
    text(row, 0, footer, note);
    row += 2;
  }
  if (o.submitted == 0) text(row, 0, "尚无单位报送联系人表", note);

  // Sheet 2: every unit's status.
  lxw_worksheet* st = workbook_add_worksheet(wb, "报送情况");
  worksheet_set_column(st, 0, 0, 10, nullptr);
  worksheet_set_column(st, 1, 1, 14, nullptr);
  worksheet_set_column(st, 2, 2, 12, nullptr);
  worksheet_set_column(st, 3, 4, 18, nullptr);
  const char* headers[] = {"单位代码", "单位", "报送情况", "填报时间", "填报人"};
  for (lxw_col_t c = 0; c < 5; ++c) worksheet_write_string(st, 0, c, headers[c], bold);
  lxw_row_t r = 1;
  for (const auto& e : o.entries) {
    worksheet_write_string(st, r, 0, e.unit_code.c_str(), nullptr);
    worksheet_write_string(st, r, 1, e.unit_name.c_str(), nullptr);
    const char* status =
        e.contacts ? (e.late ? "逾期报送" : "已报送") : (e.overdue ? "逾期未报送" : "未报送");
    worksheet_write_string(st, r, 2, status, nullptr);
    if (e.contacts) {
      worksheet_write_string(st, r, 3, ChinaDateTimeOf(e.contacts->submitted_at).c_str(), nullptr);
      worksheet_write_string(st, r, 4, e.contacts->submitted_by.c_str(), nullptr);
    }
    ++r;
  }
  std::string summary =
      fmt::format("应报 {} 个单位，已报 {} 个，未报 {} 个，逾期报送 {} 个；统计日期：{}",
                  o.entries.size(), o.submitted, o.missing.size(), o.late.size(), o.as_of);
  worksheet_write_string(st, r + 1, 0, summary.c_str(), nullptr);

  return file.Finish();
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
