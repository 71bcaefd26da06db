// Users, sessions and login throttling records.
#ifndef RONGPING_STORE_ACCOUNTS_H_
#define RONGPING_STORE_ACCOUNTS_H_

#include <optional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "store/db.h"

namespace rongping::store {

struct UserRecord {
  int64_t id = 0;
  std::string username;
  std::string password_hash;
  Role role = Role::kEnterprise;
  std::string scope_code;
  std::vector<std::string> industries;
  std::string display_name;
  bool disabled = false;
  std::string email = {};  // where a unit's reminders are e-mailed; empty: none
  bool must_change_password = false;  // an issued password: changed at the next login
  std::optional<std::string> last_login_at = {};
  std::string home_unit = {};  // an agency's: the unit whose admin registered it; empty: the ministry's
  std::string created_at = {};
};

// Inserts a user; kConflict when the username exists. Returns the new id.
Result<int64_t> InsertUser(Tx& tx, const UserRecord& user);
Result<std::optional<UserRecord>> FindUserByName(Tx& tx, std::string_view username);
Result<std::optional<UserRecord>> FindUserById(Tx& tx, int64_t id);
// Sets a user's password hash; `issued` marks it one an official issued,
// to be changed at the next login (false clears the mark).
Result<void> SetPasswordHash(Tx& tx, int64_t user_id, const std::string& hash, bool issued = false);
// Disables or re-enables a user.
Result<void> SetUserDisabled(Tx& tx, int64_t user_id, bool disabled);
// Records a successful login at `at` (RFC 3339).
Result<void> RecordLogin(Tx& tx, int64_t user_id, std::string_view at);
// Ends every session of a user.
Result<void> DeleteUserSessions(Tx& tx, int64_t user_id);

// The users `who` administers (AccountAdmin's rule, as SQL), newest first.
struct UserQuery {
  std::string q;     // part of the username or display name
  std::string role;  // a role name; empty: all
  int64_t limit = 50;
  int64_t offset = 0;
};
struct UserPage {
  int64_t total = 0;
  std::vector<UserRecord> items;
};
Result<UserPage> ListAdministeredUsers(Tx& tx, const Principal& who, const UserQuery& query);

struct SessionRecord {
  std::string token_hash;  // hex SHA-256 of the bearer token
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

Result<void> InsertSession(Tx& tx, const SessionRecord& session);
// The session and its user when the session exists, has not expired at
// `now` and the user is not disabled.
Result<std::optional<std::pair<SessionRecord, UserRecord>>> FindLiveSession(
    Tx& tx, const std::string& token_hash, int64_t now);
Result<void> DeleteSession(Tx& tx, const std::string& token_hash);
// Deletes every session of a user except `keep_token_hash`.
Result<void> DeleteOtherSessions(Tx& tx, int64_t user_id, const std::string& keep_token_hash);
Result<void> DeleteExpiredSessions(Tx& tx, int64_t now);

struct ThrottleRecord {
  int64_t failures = 0;
  int64_t last_failure_at = 0;
  int64_t locked_until = 0;
};

// Throttle state by key: failed logins counted, the last one, and the time
// before which further attempts are refused. Absent keys read as zeros.
Result<ThrottleRecord> GetThrottle(Tx& tx, const std::string& key);
Result<void> PutThrottle(Tx& tx, const std::string& key, const ThrottleRecord& record);
Result<void> ClearThrottle(Tx& tx, const std::string& key);
// Deletes throttle state whose last failure was before `forgotten_before`
// and whose delay has ended by `now`: what any attempt would forget anyway.
Result<void> DeleteStaleThrottles(Tx& tx, int64_t forgotten_before, int64_t now);

// Whether the user logged in from `address` at or after `since` (seconds).
Result<bool> IsKnownLoginAddress(Tx& tx, int64_t user_id, const std::string& address, int64_t since);
// Records a successful login of the user from `address` at `at`.
Result<void> RememberLoginAddress(Tx& tx, int64_t user_id, const std::string& address, int64_t at);

}  // namespace rongping::store

#endif  // RONGPING_STORE_ACCOUNTS_H_
