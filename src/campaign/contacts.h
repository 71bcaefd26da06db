// The contacts form (联系人表) of a round: per reporting unit, the people of
// the notice's 附件 “两化融合评估诊断和对标引导工作地方联系人表” — 工作负责人,
// 工作联系人 and 省级评估服务分平台管理员, each with 姓名, 部门及职务, 电话, 传真,
// 手机 and 电子邮件 — their validation, storage (table contacts, schema v3),
// who has not submitted by the round's contacts_due, and exports in the
// form's layout (XLSX) and as a flat table (CSV).
//
// The units that owe the form in a round are the reporting children of the
// round's province (the cities and carved-out units such as 顺德区), as the
// provincial notice asks them for their contacts by 5月10日.
#ifndef RONGPING_CAMPAIGN_CONTACTS_H_
#define RONGPING_CAMPAIGN_CONTACTS_H_

#include <array>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "campaign/contact_form.h"
#include "core/clock.h"
#include "core/result.h"
#include "domain/date.h"
#include "domain/principal.h"
#include "store/campaign.h"
#include "store/db.h"
#include "store/units.h"

namespace rongping::campaign {

// ---------------------------------------------------------------------------
// Storage.

struct UnitContacts {
  std::string round_code;
  std::string unit_code;
  ContactForm form;
  // Who saved the current content.
  std::string submitted_by;
  // When the unit first submitted (RFC 3339 UTC). Kept when the form is
  // replaced, so a correction after the due date does not make a unit that
  // submitted on time late; every save is in the audit trail.
  std::string submitted_at;
};

// Replaces the unit's three contacts in the caller's transaction (all or
// nothing with it). `at` is the RFC 3339 UTC time of this save; it becomes
// submitted_at unless the unit had submitted before. Returns what is stored.
Result<UnitContacts> SaveUnitContacts(store::Tx& tx, std::string_view round_code,
                                      std::string_view unit_code, const ContactForm& form,
                                      std::string_view submitted_by, std::string_view at);

// The unit's stored form, or nullopt when it has not submitted.
Result<std::optional<UnitContacts>> LoadUnitContacts(store::Tx& tx, std::string_view round_code,
                                                     std::string_view unit_code);

// Every unit's stored form in the round, by unit code.
Result<std::vector<UnitContacts>> ListRoundContacts(store::Tx& tx, std::string_view round_code);

// ---------------------------------------------------------------------------
// Who owes the form, who has not submitted, who was late.

// The units that owe the form in `round`: the reporting children of its
// province, cities by code, then carved-out districts (as 附件2 lists 顺德区
// last).
std::vector<std::string> ContactUnits(const domain::Round& round,
                                      const domain::ReferenceIndex& index);

// Ministry, province and unit admins handle contacts forms; associations,
// agencies and enterprises do not.
bool MayHandleContacts(const Principal& who);

// The units of ContactUnits() the principal may read and write: all for the
// ministry, those in its region for a province admin, its own unit for a
// unit admin; none for other roles.
std::vector<std::string> ContactUnitsFor(const Principal& who, const domain::Round& round,
                                         const domain::ReferenceIndex& index);


struct ContactsEntry {
  std::string unit_code;
  std::string unit_name;
  std::optional<UnitContacts> contacts;  // nullopt: not submitted
  bool late = false;                     // submitted on a China date after the due date
  bool overdue = false;                  // not submitted and the due date is before as_of
};

struct ContactsOverview {
  std::string round_code;
  std::string round_name;
  std::string province_code;
  std::optional<domain::Date> due;     // the round's contacts_due
  std::string as_of;                   // YYYY-MM-DD, China
  std::vector<ContactsEntry> entries;  // the units asked for, in their order
  std::vector<std::string> missing;    // unit codes without a form
  std::vector<std::string> late;       // unit codes that submitted after due
  int64_t submitted = 0;
};

// Puts `units` (as ContactUnits() orders them) together with the stored
// forms (others are ignored) and marks missing, late and overdue units.
ContactsOverview BuildContactsOverview(const domain::Round& round,
                                       const domain::ReferenceIndex& index,
                                       const std::vector<std::string>& units,
                                       const std::vector<UnitContacts>& stored,
                                       std::string_view as_of);

// ---------------------------------------------------------------------------
// Exports.

// {"round","round_name","province_code","contacts_due","as_of","due_passed",
//  "summary":{"units","submitted","missing","late"},
//  "items":[entry...] (submitted units), "missing":[{"unit_code","unit_name",
//  "overdue"}], "late":[{"unit_code","unit_name","submitted_at"}]}
// where an entry is UnitContactsToJson().
nlohmann::ordered_json ContactsOverviewToJson(const ContactsOverview& overview);

// {"round","unit_code","unit_name","submitted","submitted_by","submitted_at",
//  "late","contacts_due","leader":{...}|null,"liaison":...,"platform_admin":...}
nlohmann::ordered_json UnitContactsToJson(const std::string& round_code,
                                          const std::string& unit_code,
                                          const std::string& unit_name,
                                          const std::optional<UnitContacts>& contacts,
                                          const std::optional<domain::Date>& due);

// One row per submitted unit and role: 单位代码,单位,角色,姓名,部门及职务,电话,
// 传真,手机,电子邮件,填报人,填报时间 (China time). UTF-8 with BOM, CRLF.
std::string ContactsToCsv(const ContactsOverview& overview);

// An .xlsx workbook: sheet 联系人表 with one block per submitted unit laid out
// like the notice's 附件 (单位 / 工作负责人 / 姓名 部门及职务 / 电话 传真 / 手机
// 电子邮件 / ...), and sheet 报送情况 with every unit's status.
Result<std::string> ContactsToXlsx(const ContactsOverview& overview);

// ---------------------------------------------------------------------------
// The service: the form as a caller reads and saves it.
//
// Ministry, province and unit admins only (403 for other roles, see
// MayHandleContacts). 404 when the round is absent or concerns none of the
// caller's units, and when the unit is not one the round asks of the caller
// (ContactUnitsFor): nothing about a unit outside the caller's scope is
// revealed, and scope is checked before the form.

// One unit's form in a round, with what the page shows around it.
struct UnitContactsPage {
  std::string round_code;
  std::string unit_code;
  std::string unit_name;
  std::optional<UnitContacts> contacts;  // nullopt: not submitted
  std::optional<domain::Date> contacts_due;
};

Result<UnitContactsPage> GetUnitContacts(store::Db& db, const Principal& who, const std::string& round_code,
                                         const std::string& unit_code);

// Validates `body` as a contact form (422 for the first problem, every
// problem in `details`) and replaces the unit's form, with an audit record
// "contacts.put" holding the form before and after, in one transaction:
// nothing is written when anything fails. The save's time is `clock`'s.
Result<UnitContactsPage> PutUnitContacts(store::Db& db, const Principal& who, const std::string& round_code,
                                         const std::string& unit_code, const nlohmann::ordered_json& body,
                                         const std::string& request_id, std::vector<Error>* details,
                                         const Clock& clock);

// Every unit the caller handles in the round, as of the China date `as_of`.
Result<ContactsOverview> GetContactsOverview(store::Db& db, const Principal& who, const std::string& round_code,
                                             const std::string& as_of);

// UnitContactsToJson of a page.
nlohmann::ordered_json UnitContactsPageToJson(const UnitContactsPage& page);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_CONTACTS_H_
