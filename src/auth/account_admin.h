// Account administration: officials create, disable, re-enable and reset
// the passwords of the accounts below them, and see when each last logged
// in. The ministry administers every account but the ministry's; a province
// admin the unit accounts strictly inside its province, the associations of
// its province (an association's industries narrow its region), the
// accounts of its enterprises and the agencies it registered; a unit admin
// its enterprises' accounts; nobody else any. No one can create an account
// with a wider scope than their own. A password an official issues is shown
// once and must be changed at the account's next login. Every change is in
// the audit trail.
#ifndef RONGPING_AUTH_ACCOUNT_ADMIN_H_
#define RONGPING_AUTH_ACCOUNT_ADMIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "domain/principal.h"
#include "store/accounts.h"

namespace rongping {

// A new account as an official asks for it.
struct NewAccount {
  std::string username;
  std::string role;  // a role name
  std::string scope;  // a unit code, or an enterprise's USCC; empty for an agency
  std::vector<std::string> industries;  // an association's
  std::string display_name;
  std::string email;
};

// An account and the password just issued for it (shown once; only its
// hash is stored).
struct IssuedAccount {
  store::UserRecord user;
  std::string one_time_password;
};

class AccountAdmin {
 public:
  // `auth` hashes the passwords (its configured cost).
  AccountAdmin(store::Db& db, const AuthService& auth) : db_(db), auth_(auth) {}

  // The accounts the caller administers, newest first; 403 for a caller who
  // administers none (association, agency, enterprise). kInvalid naming
  // "role" for an unknown role, "q" for a search of over 100 characters.
  Result<store::UserPage> List(const Principal& who, const store::UserQuery& query) const;

  // Creates an account with an issued password. 403 unless the caller may
  // administer an account of that role and scope (the rule above), 422
  // naming the field for anything CheckNewUser refuses, 409 for a username
  // taken. Audited as "user.create".
  Result<IssuedAccount> Create(const Principal& who, const NewAccount& account, const std::string& request_id) const;

  // Disables (ending its sessions) or re-enables an account; 404 unless the
  // caller administers it. Audited as "user.disable" / "user.enable".
  Result<store::UserRecord> SetDisabled(const Principal& who, int64_t id, bool disabled,
                                        const std::string& request_id) const;

  // Issues a new password, to be changed at the next login, and ends the
  // account's sessions; 404 unless the caller administers it. Audited as
  // "user.password_reset".
  Result<IssuedAccount> ResetPassword(const Principal& who, int64_t id, const std::string& request_id) const;

 private:
  store::Db& db_;
  const AuthService& auth_;
};

// A password of 12 letters and digits (no look-alikes such as 0/O, 1/l),
// with at least one of each: what an official reads out or prints.
std::string IssuePassword();

}  // namespace rongping

#endif  // RONGPING_AUTH_ACCOUNT_ADMIN_H_
