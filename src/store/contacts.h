// The contacts forms (联系人表) as stored: per round and reporting unit one
// row per role (campaign/contacts.h gives them meaning).
#ifndef RONGPING_STORE_CONTACTS_H_
#define RONGPING_STORE_CONTACTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace rongping::store {

// One role's row. Optional fields are empty when not given (stored NULL).
struct ContactRow {
  std::string unit_code;
  std::string role;
  std::string name;
  std::string department_title;
  std::string phone;
  std::string fax;
  std::string mobile;
  std::string email;
  std::string submitted_by;
  std::string submitted_at;  // RFC 3339 UTC
};

// When the unit's form for the round was first submitted; nullopt when it
// never was.
Result<std::optional<std::string>> FirstContactsSubmittedAt(Tx& tx, std::string_view round_code,
                                                            std::string_view unit_code);

// Replaces the unit's rows for the round with `rows` (their unit_code is
// the unit's).
Result<void> ReplaceUnitContacts(Tx& tx, std::string_view round_code, std::string_view unit_code,
                                 const std::vector<ContactRow>& rows);

// The round's rows, ordered by unit and role.
Result<std::vector<ContactRow>> ListContactRows(Tx& tx, std::string_view round_code);

// The rows of one unit for the round, ordered by role.
Result<std::vector<ContactRow>> ListUnitContactRows(Tx& tx, std::string_view round_code, std::string_view unit_code);

}  // namespace rongping::store

#endif  // RONGPING_STORE_CONTACTS_H_
