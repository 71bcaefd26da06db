// Accounts and sessions: password hashing (argon2id), login with throttling,
// opaque session tokens stored hashed, logout, password change, user
// creation with a validated scope.
#ifndef RONGPING_AUTH_AUTH_SERVICE_H_
#define RONGPING_AUTH_AUTH_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/result.h"
#include "store/db.h"

namespace rongping {

struct AuthOptions {
  // argon2id cost. "interactive" is libsodium's interactive limits (the
  // production default); "minimum" is for tests only.
  std::string password_hash_cost = "interactive";
  // Lifetime of a session from login. Default 12 hours.
  int64_t session_ttl_seconds = 12 * 3600;
  // Failed logins of one account before it is locked; each further failure
  // doubles the lock, starting at lock_base_seconds, up to lock_max_seconds.
  int account_failure_limit = 5;
  // Failed logins from one address (any account) before it is locked.
  int address_failure_limit = 20;
  int64_t lock_base_seconds = 30;
  int64_t lock_max_seconds = 15 * 60;
  // Failures older than this are forgotten.
  int64_t failure_window_seconds = 15 * 60;
  // Clock, replaceable in tests.
  std::function<int64_t()> now;
};

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

  // Checks the password and opens a session. A wrong username or password
  // gives the same kUnauthenticated error; a locked account or address
  // gives kRateLimited saying when to retry (retry_after_seconds set).
  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& remote_address, int64_t* retry_after_seconds);

  // The principal of a live session token; kUnauthenticated otherwise.
  Result<Principal> Authenticate(const std::string& token) const;

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
                             const std::string& display_name);

  static std::string HashToken(const std::string& token);

 private:
  int64_t Now() const;
  store::Db& db_;
  AuthOptions options_;
};

}  // namespace rongping

#endif  // RONGPING_AUTH_AUTH_SERVICE_H_
