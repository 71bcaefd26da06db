// Reading the audit trail (审计记录): who may, and what a query may ask.
#ifndef RONGPING_AUTH_AUDIT_TRAIL_H_
#define RONGPING_AUTH_AUDIT_TRAIL_H_

#include <vector>

#include "core/result.h"
#include "domain/audit.h"
#include "domain/principal.h"

namespace rongping::store {
class Db;
}  // namespace rongping::store

namespace rongping {

// Checks a query's values: object_type, object_id and actor of at most 128
// characters of valid UTF-8 without control characters; since and until
// empty, a date (2026-12-01) or an RFC 3339 UTC time (2026-12-01T08:00:00Z);
// limit 1-1000; before_id not negative. kInvalid naming the parameter.
Result<void> ValidateAuditQuery(const domain::AuditQuery& query);

// The entries `query` asks for, newest first. Province and ministry admins
// only (403 for others); a province admin reads the trail of enterprises in
// its region and of its own users' actions, the ministry everything.
Result<std::vector<domain::AuditEntry>> ReadAuditTrail(store::Db& db, const Principal& who,
                                                       const domain::AuditQuery& query);

}  // namespace rongping

#endif  // RONGPING_AUTH_AUDIT_TRAIL_H_
