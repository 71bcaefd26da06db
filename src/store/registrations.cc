#include "store/registrations.h"

#include <fmt/format.h>

#include "store/scope.h"

namespace rongping::store {
namespace {

constexpr std::string_view kColumns =
    "id, uscc, unit_code, fields_json, username, contact_email, remote_address, created_at, state, decided_by, "
    "decided_at, reason, user_id";

RegistrationRecord FromRow(const Row& r) {
  RegistrationRecord out{r.Int(0),     r.Text(1),     r.Text(2),     r.Text(3),     r.Text(4),
                         r.Text(5),    r.Text(6),     r.Text(7),     r.Text(8),     r.OptText(9),
                         r.OptText(10), r.OptText(11), std::nullopt};
  if (!r.IsNull(12)) out.user_id = r.Int(12);
  return out;
}

Value Opt(const std::optional<std::string>& v) { return v ? Value{*v} : Value{}; }

}  // namespace

Result<int64_t> InsertRegistration(Tx& tx, const RegistrationRecord& r) {
  auto rows = tx.Query(
      "INSERT INTO registrations (uscc, unit_code, fields_json, username, contact_email, remote_address, created_at, "
      "state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {r.uscc, r.unit_code, r.fields_json, r.username, r.contact_email, r.remote_address, r.created_at, r.state});
  if (!rows) return Fail(rows.error());
  return rows->rows.at(0).Int(0);
}

Result<int64_t> CountRegistrationsFrom(Tx& tx, std::string_view address, std::string_view since) {
  auto rows = tx.Query("SELECT COUNT(*) FROM registrations WHERE remote_address = $1 AND created_at >= $2",
                       {std::string(address), std::string(since)});
  if (!rows) return Fail(rows.error());
  return rows->rows.at(0).Int(0);
}

Result<int64_t> CountPendingRegistrations(Tx& tx) {
  auto rows = tx.Query("SELECT COUNT(*) FROM registrations WHERE state = 'pending'");
  if (!rows) return Fail(rows.error());
  return rows->rows.at(0).Int(0);
}

Result<std::vector<RegistrationRecord>> ListRegistrations(Tx& tx, const std::string& unit_root,
                                                          std::string_view state, int64_t limit) {
  std::vector<Value> params{std::string(state)};
  const std::string subtree = unit_root.empty() ? "1 = 1" : UnitSubtreeCondition("unit_code", unit_root, params);
  params.push_back(limit);
  auto rows = tx.Query(fmt::format("SELECT {} FROM registrations WHERE state = $1 AND {} ORDER BY id LIMIT ${}",
                                   kColumns, subtree, params.size()),
                       params);
  if (!rows) return Fail(rows.error());
  std::vector<RegistrationRecord> out;
  for (const auto& r : rows->rows) out.push_back(FromRow(r));
  return out;
}

Result<std::optional<RegistrationRecord>> FindRegistration(Tx& tx, int64_t id) {
  auto rows = tx.Query(fmt::format("SELECT {} FROM registrations WHERE id = $1", kColumns), {id});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<RegistrationRecord>();
  return std::optional<RegistrationRecord>(FromRow(rows->rows[0]));
}

Result<bool> DecideRegistration(Tx& tx, const RegistrationRecord& r) {
  auto changed = tx.Exec(
      "UPDATE registrations SET state = $2, decided_by = $3, decided_at = $4, reason = $5, user_id = $6 WHERE id = $1 "
      "AND state = 'pending'",
      {r.id, r.state, Opt(r.decided_by), Opt(r.decided_at), Opt(r.reason),
       r.user_id ? Value{*r.user_id} : Value{}});
  if (!changed) return Fail(changed.error());
  return *changed > 0;
}

Result<bool> EnterpriseHasAccount(Tx& tx, std::string_view uscc) {
  auto rows = tx.Query("SELECT 1 FROM users WHERE role = 'enterprise' AND scope_code = $1 LIMIT 1",
                       {std::string(uscc)});
  if (!rows) return Fail(rows.error());
  return !rows->empty();
}

}  // namespace rongping::store
