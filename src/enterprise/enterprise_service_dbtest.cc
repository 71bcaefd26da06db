// EnterpriseService's writes as a failing store sees them: registering and
// changing an enterprise commit whole, with their audit records, or not at
// all.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "enterprise/enterprise_service.h"
#include "store/audit.h"
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

// A record's times and its audit entries are the store's clock's: under a
// clock years from the system's, they read that clock's time.
TEST(EnterpriseServiceStore, StampedByTheClock) {
  FixedClock clock = FixedClock::AtChinaDate("2031-03-01", 9);  // outlives t
  testing::TempDb t;
  t.db().SetClock(clock);
  const Principal city = testing::MakePrincipal(Role::kUnit, "440100", "guangzhou");
  const std::string uscc = testing::MakeUscc("440100", 1);
  std::vector<Error> errors;
  auto created = EnterpriseService(t.db()).Create(city, Fields(uscc), "", &errors);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->created_at, "2031-03-01T01:00:00.000Z");
  clock.AdvanceSeconds(3600);
  auto changed = EnterpriseService(t.db()).Update(city, uscc, {{"name", "广州甲电子股份有限公司"}},
                                                  created->version, "", &errors);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(changed->created_at, "2031-03-01T01:00:00.000Z");
  EXPECT_EQ(changed->updated_at, "2031-03-01T02:00:00.000Z");
  auto trail = InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) {
    return store::ListAudit(tx, testing::MakePrincipal(Role::kMinistry, ""),
                            testing::AuditOf("enterprise", uscc));
  });
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->size(), 2u);  // newest first
  EXPECT_EQ((*trail)[0].at, "2031-03-01T02:00:00.000Z");
  EXPECT_EQ((*trail)[1].at, "2031-03-01T01:00:00.000Z");
}

}  // namespace
}  // namespace rongping
