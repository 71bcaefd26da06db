#include "store/scope.h"

#include <fmt/format.h>

namespace rongping::store {
namespace {

std::string NextParam(std::vector<Value>& params, Value v) {
  params.push_back(std::move(v));
  return fmt::format("${}", params.size());
}

}  // namespace

std::string UnitSubtreeCondition(std::string_view column, const std::string& unit_code,
                                 std::vector<Value>& params) {
  std::string p = NextParam(params, unit_code);
  return fmt::format(
      "{} IN (SELECT code FROM units WHERE path LIKE (SELECT path FROM units WHERE code = {}) "
      "|| '%')",
      column, p);
}

std::string EnterpriseScopeCondition(const Principal& principal, std::vector<Value>& params) {
  switch (principal.role) {
    case Role::kMinistry:
      return "1 = 1";
    case Role::kProvince:
    case Role::kUnit:
      return UnitSubtreeCondition("e.unit_code", principal.scope_code, params);
    case Role::kAssociation: {
      if (principal.industries.empty()) return "1 = 0";
      std::string in;
      for (const auto& code : principal.industries) {
        if (!in.empty()) in += ", ";
        in += NextParam(params, code);
      }
      return fmt::format("({} AND e.industry_code IN ({}))",
                         UnitSubtreeCondition("e.unit_code", principal.scope_code, params), in);
    }
    case Role::kAgency:
      return fmt::format("e.uscc IN (SELECT uscc FROM agency_grants WHERE agency_user_id = {})",
                         NextParam(params, principal.user_id));
    case Role::kEnterprise:
      return fmt::format("e.uscc = {}", NextParam(params, principal.scope_code));
  }
  return "1 = 0";
}

std::string UnitScopeCondition(const Principal& principal, std::vector<Value>& params) {
  switch (principal.role) {
    case Role::kProvince:
    case Role::kUnit:
    case Role::kAssociation:
      return UnitSubtreeCondition("u.code", principal.scope_code, params);
    default:
      return "1 = 1";
  }
}

}  // namespace rongping::store
