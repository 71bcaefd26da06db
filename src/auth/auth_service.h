// Accounts and sessions: password hashing (argon2id), login with throttling,
// opaque session tokens stored hashed, logout, password change, user
// creation with a validated scope.
#ifndef RONGPING_AUTH_AUTH_SERVICE_H_
#define RONGPING_AUTH_AUTH_SERVICE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "domain/principal.h"
#include "store/db.h"

namespace rongping {

struct AuthOptions {
  // argon2id cost. "interactive" is libsodium's interactive limits (the
  // production default); "minimum" is for tests only.
  std::string password_hash_cost = "interactive";
  // Lifetime of a session from login. Default 12 hours.
  int64_t session_ttl_seconds = 12 * 3600;
  // Failed logins allowed before further attempts must wait: from one
  // address at one account; at one account from addresses its owner has not
  // logged in from in the last known_address_days; from one address at any
  // account. Once a count reaches its limit, the next attempt waits
  // lock_base_seconds, doubling with each further failure up to
  // lock_max_seconds. Every attempt is counted before the password is
  // checked, so concurrent attempts cannot exceed the limits.
  int pair_failure_limit = 5;
  int account_failure_limit = 5;
  int address_failure_limit = 20;
  int64_t lock_base_seconds = 30;
  int64_t lock_max_seconds = 15 * 60;
  int64_t known_address_days = 90;
  // Failures older than this are forgotten.
  int64_t failure_window_seconds = 15 * 60;
  // Where the time comes from (the system clock when null).
  const Clock* clock = nullptr;
};

namespace store {
struct UserRecord;
}  // namespace store

// The principal a user acts as (no session: csrf_token empty).
Principal PrincipalOf(const store::UserRecord& user);

// Whether `username` may name an account: 3 to 64 letters, digits and _ - .
bool IsValidUsername(std::string_view username);
inline constexpr std::string_view kUsernameRule = "用户名应为3至64个字符，只含字母、数字、下划线、连字符和点";

// The record of a new user as CreateUser checks it (username, e-mail, the
// scope fitting the role: a unit code for province, unit and association,
// with industries for an association only, a registered USCC for an
// enterprise, nothing for ministry and agency), without its password hash.
// kInvalid naming the field otherwise.
Result<store::UserRecord> CheckNewUser(store::Tx& tx, const std::string& username, Role role,
                                       const std::string& scope_code, const std::vector<std::string>& industries,
                                       const std::string& display_name, const std::string& email);

struct LoginResult {
  std::string token;  // bearer token, shown once; only its hash is stored
  std::string csrf_token;
  int64_t expires_at = 0;
  Principal principal;
};

class AuthService {
 public:
  AuthService(store::Db& db, AuthOptions options);

  // Hashes a password with argon2id. kInvalid when it breaks the policy
  // (8 to 128 characters, letters and digits).
  Result<std::string> HashPassword(const std::string& password) const;
  static bool VerifyPassword(const std::string& hash, const std::string& password);

  // Checks the password and opens a session. A wrong username or password,
  // and a disabled account, give the same kUnauthenticated error after the
  // same work (a password hash of the configured cost is checked every
  // time). While a throttling delay runs (see AuthOptions) the answer is
  // kRateLimited saying when to retry (retry_after_seconds and the error's
  // retry_after_seconds set).
  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& remote_address, int64_t* retry_after_seconds);

  // The principal of a live session token; kUnauthenticated otherwise.
  Result<Principal> Authenticate(const std::string& token) const;
  // The same, read in the caller's transaction: one statement, or in a
  // read transaction (kRead) none while no session or account was changed,
  // on any server, since the session was last read here (store/memo.h).
  Result<Principal> Authenticate(store::Tx& tx, const std::string& token) const;
  // The principal of the live session `token` as a read transaction kept it
  // at the accounts version `tx` has read already (store::FindKept); nullopt
  // when none is kept there (Authenticate reads it), or the session has
  // expired. Runs no statement.
  std::optional<Principal> KeptPrincipal(store::Tx& tx, const std::string& token) const;

  Result<void> Logout(const std::string& token);

  // Changes the caller's password after checking the current one; ends the
  // user's other sessions.
  Result<void> ChangePassword(const Principal& who, const std::string& token,
                              const std::string& current_password,
                              const std::string& new_password);

  // Creates a user. The scope must fit the role: a unit code for province,
  // unit and association (with industries), a registered USCC for
  // enterprise, nothing for ministry and agency.
  Result<int64_t> CreateUser(const std::string& username, const std::string& password, Role role,
                             const std::string& scope_code,
                             const std::vector<std::string>& industries,
                             const std::string& display_name, const std::string& email = "");

  static std::string HashToken(const std::string& token);

  // A hash of the configured cost that no password matches: what Login
  // checks for accounts that do not exist or are disabled.
  const std::string& DummyHash() const;

 private:
  int64_t Now() const;
  store::Db& db_;
  AuthOptions options_;
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_hash_;
};

}  // namespace rongping

#endif  // RONGPING_AUTH_AUTH_SERVICE_H_
