// Who is asking, and what they may see. Every request past login carries a
// Principal; repositories turn it into a SQL filter (see store/scope.h).
#ifndef RONGPING_DOMAIN_PRINCIPAL_H_
#define RONGPING_DOMAIN_PRINCIPAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rongping {

enum class Role { kMinistry, kProvince, kUnit, kAssociation, kAgency, kEnterprise };

// "ministry", "province", "unit", "association", "agency", "enterprise".
std::string_view RoleName(Role role);
std::string_view RoleLabel(Role role);  // 中文
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kEnterprise;
  // Unit code for province, unit and association; USCC for enterprise;
  // empty for ministry and agency (whose scope is its grants).
  std::string scope_code;
  // Industry divisions an association covers.
  std::vector<std::string> industries;
  std::string csrf_token;  // of the session, checked on unsafe cookie requests
  bool via_cookie = false;
  // The password was issued by an official: nothing but changing it (and
  // reading or ending the session) until it is changed.
  bool must_change_password = false;
};

// True for roles that administer enterprises in a region (create, edit,
// import): ministry, province, unit.
bool IsRegionAdmin(Role role);

}  // namespace rongping

#endif  // RONGPING_DOMAIN_PRINCIPAL_H_
