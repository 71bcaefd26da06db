// The access rules the API's routes declare (http::Access), named for who
// may call them. Each handler enforces its rule; tests/api/test_authz.py
// checks every route against its rule, role by role.
#ifndef RONGPING_API_ACCESS_H_
#define RONGPING_API_ACCESS_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "http/router.h"

namespace rongping::api {

inline http::Access OnlyRoles(std::initializer_list<Role> roles) {
  std::vector<std::string> names;
  for (Role r : roles) names.emplace_back(RoleName(r));
  return http::Access::Roles(std::move(names));
}

// Login, health and the API document.
inline http::Access Anyone() { return http::Access::Anonymous(); }
// Every role, each within its scope.
inline http::Access LoggedIn() { return http::Access::LoggedIn(); }
// Ministry, province and unit admins: enterprises of their region, reviews,
// contacts.
inline http::Access RegionAdmins() { return OnlyRoles({Role::kMinistry, Role::kProvince, Role::kUnit}); }
// Ministry and province admins: rounds, targets, circulars, audit, selection.
inline http::Access ProvinceAdmins() { return OnlyRoles({Role::kMinistry, Role::kProvince}); }
// Region admins and industry associations: progress and the data map.
inline http::Access AggregateReaders() {
  return OnlyRoles({Role::kMinistry, Role::kProvince, Role::kUnit, Role::kAssociation});
}
// The enterprise itself and agencies it granted: drafts and submissions.
inline http::Access FillersIn() { return OnlyRoles({Role::kEnterprise, Role::kAgency}); }

}  // namespace rongping::api

#endif  // RONGPING_API_ACCESS_H_
