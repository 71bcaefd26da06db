// The audit trail: every write records who, when, what, and the values
// before and after (as JSON text).
#ifndef RONGPING_STORE_AUDIT_H_
#define RONGPING_STORE_AUDIT_H_

#include <optional>
#include <string>
#include <vector>

#include "domain/audit.h"
#include "domain/principal.h"
#include "store/db.h"

namespace rongping::store {


// Appends an entry inside the caller's transaction, so the audit record
// and the change commit or roll back together.
Result<void> RecordAudit(Tx& tx, domain::AuditEntry entry);


// Newest first. A ministry admin reads every entry; anyone else reads the
// entries about enterprises in their scope and their assessments, and the
// entries of their own actions.
Result<std::vector<domain::AuditEntry>> ListAudit(Tx& tx, const Principal& who, const domain::AuditQuery& query);

}  // namespace rongping::store

#endif  // RONGPING_STORE_AUDIT_H_
