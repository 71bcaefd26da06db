#include "auth/audit_trail.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "store/audit.h"
#include "store/db.h"

namespace rongping {
namespace {

bool IsTimeBound(const std::string& v) {
  if (v.empty()) return true;
  bool shape =
      (v.size() == 10 || (v.size() >= 20 && v.back() == 'Z')) && v[4] == '-' && v[7] == '-';
  return shape && std::all_of(v.begin(), v.end(), [](char ch) {
           return std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == ':' ||
                  ch == 'T' || ch == 'Z' || ch == '.';
         });
}

}  // namespace

Result<void> ValidateAuditQuery(const domain::AuditQuery& q) {
  for (auto [name, text] : {std::pair{"object_type", &q.object_type},
                            {"object_id", &q.object_id},
                            {"actor", &q.actor}}) {
    if (!IsValidUtf8(*text) || HasControlCharacter(*text) || text->size() > 128) {
      return Fail(Error::Invalid("invalid_parameter",
                                 fmt::format("参数 {} 无效：最多128个字符，不含控制字符", name),
                                 name));
    }
  }
  for (auto [name, text] : {std::pair{"since", &q.since}, {"until", &q.until}}) {
    if (!IsTimeBound(*text)) {
      return Fail(Error::Invalid("invalid_parameter",
                                 fmt::format("参数 {} 应为日期（2026-12-01）或 UTC 时间", name),
                                 name));
    }
  }
  if (q.limit < 1 || q.limit > 1000) {
    return Fail(Error::Invalid("invalid_parameter", "参数 limit 应为 1 至 1000 的整数", "limit"));
  }
  if (q.before_id < 0)
    return Fail(Error::Invalid("invalid_parameter", "参数 before_id 不能为负数", "before_id"));
  return {};
}

Result<std::vector<domain::AuditEntry>> ReadAuditTrail(store::Db& db, const Principal& who,
                                                       const domain::AuditQuery& query) {
  if (who.role != Role::kProvince && who.role != Role::kMinistry) {
    return Fail(Error::Forbidden("只有省级及以上管理员可以查看审计记录"));
  }
  if (auto r = ValidateAuditQuery(query); !r) return Fail(r.error());
  return store::InTx(db, store::TxMode::kRead,
                     [&](store::Tx& tx) { return store::ListAudit(tx, who, query); });
}

}  // namespace rongping
