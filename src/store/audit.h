// The audit trail: every write records who, when, what, and the values
// before and after (as JSON text).
#ifndef RONGPING_STORE_AUDIT_H_
#define RONGPING_STORE_AUDIT_H_

#include <optional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "store/db.h"

namespace rongping::store {

struct AuditEntry {
  int64_t id = 0;
  std::string at;  // RFC 3339 UTC, set by RecordAudit when empty
  std::string actor;  // username, or "cli:<command>" for the command line
  std::string action;  // e.g. "enterprise.create"
  std::string object_type;
  std::string object_id;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::string request_id;
};

// Appends an entry inside the caller's transaction, so the audit record
// and the change commit or roll back together.
Result<void> RecordAudit(Tx& tx, AuditEntry entry);

struct AuditQuery {
  std::string object_type;
  std::string object_id;
  std::string actor;
  std::string since;  // inclusive, RFC 3339 (string comparison on UTC text)
  std::string until;  // exclusive
  int64_t limit = 100;
  int64_t before_id = 0;  // page backwards: only entries with id < before_id
};

// Newest first. A ministry admin reads every entry; anyone else reads the
// entries about enterprises in their scope and their assessments, and the
// entries of their own actions.
Result<std::vector<AuditEntry>> ListAudit(Tx& tx, const Principal& who, const AuditQuery& query);

}  // namespace rongping::store

#endif  // RONGPING_STORE_AUDIT_H_
