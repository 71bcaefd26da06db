#include "store/accounts.h"

#include <fmt/format.h>

#include "core/text.h"
#include "core/time.h"
#include "store/scope.h"

namespace rongping::store {
namespace {

constexpr std::string_view kUserColumns =
    "u.id, u.username, u.password_hash, u.role, u.scope_code, u.industries, u.display_name, "
    "u.disabled, u.email, u.must_change_password, u.last_login_at, u.home_unit, u.created_at";



UserRecord UserFromRow(const Row& r, size_t o = 0) {
  UserRecord u;
  u.id = r.Int(o + 0);
  u.username = r.Text(o + 1);
  u.password_hash = r.Text(o + 2);
  u.role = ParseRole(r.Text(o + 3)).value_or(Role::kEnterprise);
  u.scope_code = r.Text(o + 4);
  u.industries = SplitCodes(r.Text(o + 5));
  u.display_name = r.Text(o + 6);
  u.disabled = r.Int(o + 7) != 0;
  u.email = r.OptText(o + 8).value_or("");
  u.must_change_password = r.Int(o + 9) != 0;
  u.last_login_at = r.OptText(o + 10);
  u.home_unit = r.OptText(o + 11).value_or("");
  u.created_at = r.Text(o + 12);
  return u;
}

Result<std::optional<UserRecord>> FindUserWhere(Tx& tx, std::string_view where, Value key) {
  auto rows =
      tx.Query(fmt::format("SELECT {} FROM users u WHERE {}", kUserColumns, where), {key});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<UserRecord>{};
  return std::optional<UserRecord>{UserFromRow(rows->rows[0])};
}

}  // namespace

Result<int64_t> InsertUser(Tx& tx, const UserRecord& user) {
  auto existing = FindUserByName(tx, user.username);
  if (!existing) return Fail(existing.error());
  if (*existing) {
    return Fail(Error::Conflict("duplicate_username",
                                fmt::format("用户名“{}”已存在", user.username)));
  }
  std::string now = tx.Now();
  auto rows = tx.Query(
      "INSERT INTO users (username, password_hash, role, scope_code, industries, display_name, "
      "disabled, created_at, updated_at, email, must_change_password, home_unit) VALUES ($1, $2, $3, $4, $5, $6, $7, "
      "$8, $8, $9, $10, $11) RETURNING id",
      {user.username, user.password_hash, std::string(RoleName(user.role)),
       user.scope_code.empty() ? Value{} : Value{user.scope_code},
       user.industries.empty() ? Value{} : Value{JoinCodes(user.industries)}, user.display_name,
       int64_t{user.disabled ? 1 : 0}, now, user.email.empty() ? Value{} : Value{user.email},
       int64_t{user.must_change_password ? 1 : 0}, user.home_unit.empty() ? Value{} : Value{user.home_unit}});
  if (!rows) return Fail(rows.error());
  return rows->rows[0].Int(0);
}

Result<std::optional<UserRecord>> FindUserByName(Tx& tx, std::string_view username) {
  return FindUserWhere(tx, "u.username = $1", std::string(username));
}

Result<std::optional<UserRecord>> FindUserById(Tx& tx, int64_t id) {
  return FindUserWhere(tx, "u.id = $1", id);
}

Result<void> SetPasswordHash(Tx& tx, int64_t user_id, const std::string& hash, bool issued) {
  return Done(tx.Exec(
      "UPDATE users SET password_hash = $1, updated_at = $2, must_change_password = $4 WHERE id = $3",
      {hash, tx.Now(), user_id, int64_t{issued ? 1 : 0}}));
}

Result<void> SetUserDisabled(Tx& tx, int64_t user_id, bool disabled) {
  return Done(tx.Exec("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3",
                      {int64_t{disabled ? 1 : 0}, tx.Now(), user_id}));
}

Result<void> RecordLogin(Tx& tx, int64_t user_id, std::string_view at) {
  return Done(tx.Exec("UPDATE users SET last_login_at = $1 WHERE id = $2", {std::string(at), user_id}));
}

Result<void> DeleteUserSessions(Tx& tx, int64_t user_id) {
  return Done(tx.Exec("DELETE FROM sessions WHERE user_id = $1", {user_id}));
}

namespace {

// The users `who` administers, as a condition on users u (AccountAdmin's
// rule: the ministry everyone but the ministry; a province the units
// strictly inside it, its associations, its enterprises' users and the
// agencies it registered; a unit its enterprises' users; nobody else anyone).
std::string AdministeredCondition(const Principal& who, std::vector<Value>& params) {
  const auto enterprise_in = [&] {
    std::string subtree = UnitSubtreeCondition("e.unit_code", who.scope_code, params);
    return fmt::format("(u.role = 'enterprise' AND EXISTS (SELECT 1 FROM enterprises e WHERE e.uscc = u.scope_code "
                       "AND {}))",
                       subtree);
  };
  switch (who.role) {
    case Role::kMinistry:
      return "u.role <> 'ministry'";
    case Role::kProvince: {
      const std::string enterprises = enterprise_in();
      const std::string units = UnitSubtreeCondition("u.scope_code", who.scope_code, params);
      params.push_back(who.scope_code);
      const size_t own = params.size();
      return fmt::format("({0} OR (u.role = 'unit' AND {1} AND u.scope_code <> ${2}) OR (u.role = 'association' AND {1}) "
                         "OR (u.role = 'agency' AND u.home_unit = ${2}))",
                         enterprises, units, own);
    }
    case Role::kUnit:
      return enterprise_in();
    default:
      return "1 = 0";
  }
}

}  // namespace

Result<UserPage> ListAdministeredUsers(Tx& tx, const Principal& who, const UserQuery& query) {
  std::vector<Value> params;
  std::string where = AdministeredCondition(who, params);
  if (!query.role.empty()) {
    params.push_back(query.role);
    where += fmt::format(" AND u.role = ${}", params.size());
  }
  if (!query.q.empty()) {
    params.push_back("%" + EscapeLike(query.q) + "%");
    where += fmt::format(" AND (u.username LIKE ${0} ESCAPE '\\' OR u.display_name LIKE ${0} ESCAPE '\\')",
                         params.size());
  }
  auto count = tx.Query(fmt::format("SELECT COUNT(*) FROM users u WHERE {}", where), params);
  if (!count) return Fail(count.error());
  UserPage page;
  page.total = count->rows.at(0).Int(0);
  params.push_back(query.limit);
  params.push_back(query.offset);
  auto rows = tx.Query(fmt::format("SELECT {} FROM users u WHERE {} ORDER BY u.id DESC LIMIT ${} OFFSET ${}",
                                   kUserColumns, where, params.size() - 1, params.size()),
                       params);
  if (!rows) return Fail(rows.error());
  for (const auto& r : rows->rows) page.items.push_back(UserFromRow(r));
  return page;
}

Result<void> InsertSession(Tx& tx, const SessionRecord& s) {
  return Done(tx.Exec(
      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5)",
      {s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at}));
}

Result<std::optional<std::pair<SessionRecord, UserRecord>>> FindLiveSession(
    Tx& tx, const std::string& token_hash, int64_t now) {
  auto rows = tx.Query(
      fmt::format("SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, {} "
                  "FROM sessions s JOIN users u ON u.id = s.user_id "
                  "WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
                  kUserColumns),
      {token_hash, now});
  if (!rows) return Fail(rows.error());
  using Found = std::optional<std::pair<SessionRecord, UserRecord>>;
  if (rows->empty()) return Found{};
  const Row& r = rows->rows[0];
  SessionRecord s{r.Text(0), r.Int(1), r.Text(2), r.Int(3), r.Int(4)};
  return Found{std::make_pair(s, UserFromRow(r, 5))};
}

Result<void> DeleteSession(Tx& tx, const std::string& token_hash) {
  return Done(tx.Exec("DELETE FROM sessions WHERE token_hash = $1", {token_hash}));
}

Result<void> DeleteOtherSessions(Tx& tx, int64_t user_id, const std::string& keep_token_hash) {
  return Done(tx.Exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                      {user_id, keep_token_hash}));
}

Result<void> DeleteExpiredSessions(Tx& tx, int64_t now) {
  return Done(tx.Exec("DELETE FROM sessions WHERE expires_at <= $1", {now}));
}

Result<ThrottleRecord> GetThrottle(Tx& tx, const std::string& key) {
  auto rows = tx.Query(
      "SELECT failures, last_failure_at, locked_until FROM login_throttle WHERE throttle_key = $1",
      {key});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return ThrottleRecord{};
  const Row& r = rows->rows[0];
  return ThrottleRecord{r.Int(0), r.Int(1), r.Int(2)};
}

Result<void> PutThrottle(Tx& tx, const std::string& key, const ThrottleRecord& t) {
  return Done(tx.Exec(
      "INSERT INTO login_throttle (throttle_key, failures, last_failure_at, locked_until) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT (throttle_key) DO UPDATE SET failures = "
      "excluded.failures, last_failure_at = excluded.last_failure_at, locked_until = "
      "excluded.locked_until",
      {key, t.failures, t.last_failure_at, t.locked_until}));
}

Result<void> ClearThrottle(Tx& tx, const std::string& key) {
  return Done(tx.Exec("DELETE FROM login_throttle WHERE throttle_key = $1", {key}));
}

Result<void> DeleteStaleThrottles(Tx& tx, int64_t forgotten_before, int64_t now) {
  return Done(tx.Exec("DELETE FROM login_throttle WHERE last_failure_at < $1 AND locked_until <= $2",
                      {forgotten_before, now}));
}

Result<bool> IsKnownLoginAddress(Tx& tx, int64_t user_id, const std::string& address, int64_t since) {
  auto rows = tx.Query(
      "SELECT 1 FROM login_addresses WHERE user_id = $1 AND address = $2 AND last_login_at >= $3",
      {user_id, address, since});
  if (!rows) return Fail(rows.error());
  return !rows->empty();
}

Result<void> RememberLoginAddress(Tx& tx, int64_t user_id, const std::string& address, int64_t at) {
  return Done(tx.Exec(
      "INSERT INTO login_addresses (user_id, address, last_login_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (user_id, address) DO UPDATE SET last_login_at = excluded.last_login_at",
      {user_id, address, at}));
}

}  // namespace rongping::store
