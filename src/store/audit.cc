#include "store/audit.h"

#include <fmt/format.h>

#include "core/time.h"
#include "store/scope.h"

namespace rongping::store {

Result<void> RecordAudit(Tx& tx, domain::AuditEntry e) {
  if (e.at.empty()) e.at = tx.Now();
  auto r = tx.Exec(
      "INSERT INTO audit_log (at, actor, action, object_type, object_id, before_json, "
      "after_json, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {e.at, e.actor, e.action, e.object_type, e.object_id, Nullable(e.before_json),
       Nullable(e.after_json), e.request_id});
  if (!r) return Fail(r.error());
  return {};
}

Result<std::vector<domain::AuditEntry>> ListAudit(Tx& tx, const Principal& who, const domain::AuditQuery& q) {
  std::vector<Value> params;
  std::string where = "1 = 1";
  if (who.role != Role::kMinistry) {
    std::string scope = EnterpriseScopeCondition(who, params);
    params.push_back(who.username);
    // Entries about enterprises in scope, and about their assessments
    // (object ids "<round>/<uscc>"), and the caller's own.
    where = fmt::format(
        "((object_type = 'enterprise' AND object_id IN (SELECT e.uscc FROM enterprises e WHERE "
        "{0})) OR (object_type = 'assessment' AND SUBSTR(object_id, LENGTH(object_id) - 17) IN "
        "(SELECT e.uscc FROM enterprises e WHERE {0})) OR actor = ${1})",
        scope, params.size());
  }
  auto add = [&](std::string_view cond, const std::string& value) {
    if (value.empty()) return;
    params.push_back(value);
    where += fmt::format(" AND {} ${}", cond, params.size());
  };
  add("object_type =", q.object_type);
  add("object_id =", q.object_id);
  add("actor =", q.actor);
  add("at >=", q.since);
  add("at <", q.until);
  if (q.before_id > 0) {
    params.push_back(q.before_id);
    where += fmt::format(" AND id < ${}", params.size());
  }
  params.push_back(q.limit);
  auto rows = tx.Query(
      fmt::format("SELECT id, at, actor, action, object_type, object_id, before_json, after_json, "
                  "request_id FROM audit_log WHERE {} ORDER BY id DESC LIMIT ${}",
                  where, params.size()),
      params);
  if (!rows) return Fail(rows.error());
  std::vector<domain::AuditEntry> out;
  for (const auto& r : rows->rows) {
    out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.OptText(6),
                   r.OptText(7), r.Text(8)});
  }
  return out;
}

}  // namespace rongping::store
