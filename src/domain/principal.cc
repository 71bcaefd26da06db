#include "domain/principal.h"

#include <array>

namespace rongping {
namespace {
struct RoleInfo {
  Role role;
  std::string_view name;
  std::string_view label;
};
constexpr std::array<RoleInfo, 6> kRoles = {{
    {Role::kMinistry, "ministry", "工信部管理员"},
    {Role::kProvince, "province", "省级管理员"},
    {Role::kUnit, "unit", "地市管理员"},
    {Role::kAssociation, "association", "行业协会"},
    {Role::kAgency, "agency", "服务机构"},
    {Role::kEnterprise, "enterprise", "企业用户"},
}};
}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& r : kRoles) {
    if (r.role == role) return r.name;
  }
  return "enterprise";
}

std::string_view RoleLabel(Role role) {
  for (const auto& r : kRoles) {
    if (r.role == role) return r.label;
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& r : kRoles) {
    if (r.name == name) return r.role;
  }
  return std::nullopt;
}

bool IsRegionAdmin(Role role) {
  return role == Role::kMinistry || role == Role::kProvince || role == Role::kUnit;
}

}  // namespace rongping
