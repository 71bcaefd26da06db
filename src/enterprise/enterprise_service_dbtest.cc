// EnterpriseService's writes as a failing store sees them: registering and
// changing an enterprise commit whole, with their audit records, or not at
// all.
#include "enterprise/enterprise_service.h"

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace rongping {
namespace {

EnterpriseFields Fields(const std::string& uscc) {
  return {{"uscc", uscc},
          {"name", "广州甲电子有限公司"},
          {"unit_code", "440100"},
          {"industry_code", "39"},
          {"production_type", "discrete_mass"},
          {"employees", "120"},
          {"revenue_10k_yuan", "3500"}};
}

TEST(EnterpriseServiceStore, AFailingStoreWritesNothing) {
  testing::TempDb t;
  const Principal city = testing::MakePrincipal(Role::kUnit, "440100", "guangzhou");
  const std::string uscc = testing::MakeUscc("440100", 1);
  EXPECT_GE(testing::ExpectAllOrNothing(t.db(),
                                        [&](store::Db& db) {
                                          std::vector<Error> errors;
                                          return EnterpriseService(db).Create(city, Fields(uscc),
                                                                              "", &errors);
                                        }),
            3);
  auto created = EnterpriseService(t.db()).Get(city, uscc);
  ASSERT_TRUE(created) << created.error().message;
  EnterpriseFields change{{"name", "广州甲电子股份有限公司"}};
  EXPECT_GE(testing::ExpectAllOrNothing(t.db(),
                                        [&](store::Db& db) {
                                          std::vector<Error> errors;
                                          return EnterpriseService(db).Update(
                                              city, uscc, change, created->version, "", &errors);
                                        }),
            3);
  auto changed = EnterpriseService(t.db()).Get(city, uscc);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->name, "广州甲电子股份有限公司");
  // Another city neither sees nor changes it.
  const Principal other = testing::MakePrincipal(Role::kUnit, "440300", "shenzhen");
  EXPECT_EQ(EnterpriseService(t.db()).Get(other, uscc).error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace rongping
