// Enterprise self-registration (企业注册): an enterprise without an account
// registers with its 统一社会信用代码, record and contact; an admin of its
// unit approves (creating the enterprise if it is new, and its account
// with an issued password, e-mailed to the contact) or rejects with a
// reason. A registration whose code, unit and contact e-mail match an
// enterprise its unit already registered is approved at once, its password
// e-mailed to the address on record: whoever registers learns nothing
// either way, since the answer to a registration is always the same.
#ifndef RONGPING_ENTERPRISE_REGISTRATION_H_
#define RONGPING_ENTERPRISE_REGISTRATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/account_admin.h"
#include "auth/auth_service.h"
#include "core/clock.h"
#include "domain/enterprise.h"
#include "domain/principal.h"
#include "store/db.h"
#include "store/registrations.h"

namespace rongping {

struct RegistrationSettings {
  bool mail_enabled = false;      // passwords and decisions are e-mailed (and registrations may be approved at once)
  std::string public_url;         // the platform's address, in those e-mails
  int64_t per_address_per_hour = 5;  // registrations from one client address
  int64_t max_pending = 10'000;      // waiting, everywhere: past this, 503
};

// Records a registration from an anonymous client. kInvalid naming the
// field (and every field problem in `field_errors`) for a record that does
// not validate as an enterprise's, a contact e-mail that is missing or
// invalid, or a username outside the rule; 429 past per_address_per_hour
// from `remote_address`; 503 past max_pending. Whether the code exists, is
// held elsewhere or has an account is not checked here (the admin sees it).
Result<void> SubmitRegistration(store::Db& db, const AuthService& auth, const Clock& clock,
                                const RegistrationSettings& settings, const EnterpriseFields& fields,
                                const std::string& username, const std::string& remote_address,
                                std::vector<Error>* field_errors);

// A registration as its admin reads it, with what the platform holds of
// the code.
struct RegistrationView {
  store::RegistrationRecord record;
  Enterprise submitted;                 // as validated now
  std::optional<Enterprise> on_record;  // the enterprise of that code in the caller's region
  bool held_elsewhere = false;          // the code belongs to an enterprise outside the caller's region
  bool has_account = false;             // an account already acts for the code
  bool username_taken = false;
};

// Registrations in `state` (pending, approved or rejected) of units in the
// caller's region, oldest first, at most 500. 403 unless a region admin;
// kInvalid naming "state" otherwise.
Result<std::vector<RegistrationView>> ListRegistrations(store::Db& db, const Principal& who, const std::string& state);

// Approves a pending registration of the caller's region (404 otherwise,
// 409 once decided): registers the enterprise when the code is new (409
// uscc_unavailable when it is held outside the caller's region, with the
// words the enterprise screen uses), and creates its account as
// `username` (empty: the one asked for; 409 when taken) with an issued
// password, e-mailed to the registration's contact when mail is enabled.
// Audited ("registration.approve", "enterprise.create", "user.create").
struct ApprovedRegistration {
  IssuedAccount account;
  bool mailed = false;
};
Result<ApprovedRegistration> ApproveRegistration(store::Db& db, const AuthService& auth, const Clock& clock,
                                                 const RegistrationSettings& settings, const Principal& who,
                                                 int64_t id, const std::string& username,
                                                 const std::string& request_id);

// Rejects a pending registration of the caller's region with `reason`
// (1-200 characters, 422 otherwise), e-mailing it to the contact when mail
// is enabled. 404 and 409 as ApproveRegistration. Audited.
Result<store::RegistrationRecord> RejectRegistration(store::Db& db, const Clock& clock,
                                                     const RegistrationSettings& settings, const Principal& who,
                                                     int64_t id, const std::string& reason,
                                                     const std::string& request_id);

}  // namespace rongping

#endif  // RONGPING_ENTERPRISE_REGISTRATION_H_
