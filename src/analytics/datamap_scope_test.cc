// ScopeDataMapQuery: who sees which part of the data map.
#include <gtest/gtest.h>

#include "analytics/datamap_scope.h"
#include "store/test_support.h"

namespace rongping::analytics {
namespace {

domain::ReferenceIndex Index() {
  domain::ReferenceIndex index;
  auto unit = [&](std::string code, std::string parent, std::string path) {
    domain::Unit u;
    u.code = domain::UnitCode::Of(code);
    u.name = code;
    u.parent_code = parent;
    u.path = path;
    index.units[code] = u;
    if (!parent.empty()) ++index.child_count[parent];
  };
  unit("440000", "", "/440000/");
  unit("440100", "440000", "/440000/440100/");
  unit("440300", "440000", "/440000/440300/");
  unit("440600", "440000", "/440000/440600/");
  unit("440606", "440000", "/440000/440606/");  // 顺德区 reports to the province, not to 佛山
  unit("450000", "", "/450000/");
  index.industries["39"] = {"39", "计算机、通信和其他电子设备制造业", "C", "电子信息"};
  return index;
}

TEST(DataMapScope, EachRoleSeesItsOwnRegion) {
  const domain::ReferenceIndex index = Index();
  DataMapQuery q;
  auto province =
      ScopeDataMapQuery(index, testing::MakePrincipal(Role::kProvince, "440000"), "", &q);
  ASSERT_TRUE(province);
  EXPECT_EQ(*province, "440000");
  EXPECT_EQ(q.units, (std::set<std::string>{"440000", "440100", "440300", "440600", "440606"}));
  EXPECT_FALSE(q.parent_units);

  q = {};
  auto city = ScopeDataMapQuery(index, testing::MakePrincipal(Role::kUnit, "440600"), "", &q);
  ASSERT_TRUE(city);
  EXPECT_EQ(*city, "440600");
  EXPECT_EQ(q.units, std::set<std::string>{"440600"});  // 顺德 is not 佛山's
  ASSERT_TRUE(q.parent_units);
  EXPECT_EQ(q.parent_units->size(), 5u);

  q = {};
  auto nation = ScopeDataMapQuery(index, testing::MakePrincipal(Role::kMinistry, ""), "", &q);
  ASSERT_TRUE(nation);
  EXPECT_EQ(*nation, "");
  EXPECT_FALSE(q.units);

  q = {};
  auto association = ScopeDataMapQuery(
      index,
      [] {
        Principal p = testing::MakePrincipal(Role::kAssociation, "440000");
        p.industries = {"38", "39"};
        return p;
      }(),
      "440100", &q);
  ASSERT_TRUE(association);
  EXPECT_EQ(q.divisions, (std::set<std::string>{"38", "39"}));
}

TEST(DataMapScope, NothingOutsideTheRegion) {
  const domain::ReferenceIndex index = Index();
  DataMapQuery q;
  // Another city, a province's neighbour, an unknown code: 404 alike.
  for (const auto& [who, root] :
       {std::pair{testing::MakePrincipal(Role::kUnit, "440100"), "440300"},
        {testing::MakePrincipal(Role::kProvince, "440000"), "450000"},
        {testing::MakePrincipal(Role::kProvince, "440000"), "999999"}}) {
    auto r = ScopeDataMapQuery(index, who, root, &q);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kNotFound) << root;
  }
  for (Role role : {Role::kEnterprise, Role::kAgency}) {
    auto r = ScopeDataMapQuery(index, testing::MakePrincipal(role, ""), "", &q);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kForbidden);
  }
  q.industry_group = "不存在";
  auto group = ScopeDataMapQuery(index, testing::MakePrincipal(Role::kMinistry, ""), "", &q);
  ASSERT_FALSE(group);
  EXPECT_EQ(group.error().field, "industry_group");
}

}  // namespace
}  // namespace rongping::analytics
