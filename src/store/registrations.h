// Enterprise self-registrations (企业注册, migration 16): submitted by an
// enterprise without an account, decided by an admin of its unit.
#ifndef RONGPING_STORE_REGISTRATIONS_H_
#define RONGPING_STORE_REGISTRATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace rongping::store {

struct RegistrationRecord {
  int64_t id = 0;
  std::string uscc;
  std::string unit_code;
  std::string fields_json;  // the enterprise's fields as submitted: {"name": "...", ...}
  std::string username;     // the account asked for
  std::string contact_email;
  std::string remote_address;
  std::string created_at;
  std::string state = "pending";  // pending | approved | rejected
  std::optional<std::string> decided_by;  // a username, or "auto" (approved at once)
  std::optional<std::string> decided_at;
  std::optional<std::string> reason;  // a rejection's
  std::optional<int64_t> user_id;     // the account an approval made
};

// Inserts a registration (id ignored); returns its id.
Result<int64_t> InsertRegistration(Tx& tx, const RegistrationRecord& r);
// How many registrations came from `address` at or after `since`.
Result<int64_t> CountRegistrationsFrom(Tx& tx, std::string_view address, std::string_view since);
// How many wait for a decision, everywhere.
Result<int64_t> CountPendingRegistrations(Tx& tx);
// Registrations in `state` of units in the subtree of `unit_root` (every
// unit when empty), oldest first, at most `limit`.
Result<std::vector<RegistrationRecord>> ListRegistrations(Tx& tx, const std::string& unit_root,
                                                          std::string_view state, int64_t limit);
Result<std::optional<RegistrationRecord>> FindRegistration(Tx& tx, int64_t id);
// Moves a pending registration to `r.state` with its decision; false when it
// was no longer pending.
Result<bool> DecideRegistration(Tx& tx, const RegistrationRecord& r);
// Whether any account acts for the enterprise `uscc`.
Result<bool> EnterpriseHasAccount(Tx& tx, std::string_view uscc);

}  // namespace rongping::store

#endif  // RONGPING_STORE_REGISTRATIONS_H_
