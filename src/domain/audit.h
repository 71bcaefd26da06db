// The audit trail's entries: every write records who, when, what, and the
// values before and after (as JSON text).
#ifndef RONGPING_DOMAIN_AUDIT_H_
#define RONGPING_DOMAIN_AUDIT_H_

#include <cstdint>
#include <optional>
#include <string>

namespace rongping::domain {

struct AuditEntry {
  int64_t id = 0;
  std::string at;      // RFC 3339 UTC, set by the store when empty
  std::string actor;   // username, or "cli:<command>" for the command line
  std::string action;  // e.g. "enterprise.create"
  std::string object_type;
  std::string object_id;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::string request_id;
};

// Which entries to read, newest first. Empty strings do not filter.
struct AuditQuery {
  std::string object_type;
  std::string object_id;
  std::string actor;
  std::string since;  // inclusive, RFC 3339 (string comparison on UTC text)
  std::string until;  // exclusive
  int64_t limit = 100;
  int64_t before_id = 0;  // page backwards: only entries with id < before_id
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_AUDIT_H_
