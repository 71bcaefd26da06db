// Agency grants through EnterpriseService: only the enterprise itself grants,
// an agency must be one, every change is audited, and a failing store writes
// nothing.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "demo/demo_test_support.h"
#include "enterprise/enterprise_service.h"
#include "store/audit.h"
#include "store/test_support.h"

namespace rongping {
namespace {

class GrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(demo::testing::LoadGuangdong2016(t_.db()));
    auto user = InTx(t_.db(), store::TxMode::kRead, [](store::Tx& tx) {
      return tx.Query("SELECT scope_code FROM users WHERE username = 'enterprise'");
    });
    ASSERT_TRUE(user && !user->empty());
    uscc_ = user->rows[0].Text(0);
    enterprise_ = testing::MakePrincipal(Role::kEnterprise, uscc_, "enterprise");
    t_.db().SetClock(clock_);
  }

  size_t AuditCount(const std::string& action) {
    auto trail = InTx(t_.db(), store::TxMode::kRead, [&](store::Tx& tx) {
      return store::ListAudit(tx, testing::MakePrincipal(Role::kMinistry, ""),
                              testing::AuditOf("enterprise", uscc_));
    });
    EXPECT_TRUE(trail);
    return trail ? std::count_if(trail->begin(), trail->end(),
                                 [&](const auto& e) { return e.action == action; })
                 : 0;
  }

  FixedClock clock_ = FixedClock::AtChinaDate("2016-05-09", 10);  // outlives t_
  testing::TempDb t_;
  EnterpriseService service_{t_.db()};
  std::string uscc_;
  Principal enterprise_;
};

TEST_F(GrantsTest, TheEnterpriseGrantsChangesAndRevokes) {
  ASSERT_TRUE(service_.PutGrant(enterprise_, uscc_, "agency", false, "r1"));
  ASSERT_TRUE(service_.PutGrant(enterprise_, uscc_, "agency", true, "r2"));
  auto grants = service_.ListGrants(enterprise_, uscc_);
  ASSERT_TRUE(grants);
  ASSERT_EQ(grants->size(), 1u);
  EXPECT_EQ((*grants)[0].agency_username, "agency");
  EXPECT_TRUE((*grants)[0].can_submit);
  EXPECT_EQ((*grants)[0].granted_at, "2016-05-09T02:00:00.000Z");  // the store's clock
  EXPECT_EQ(AuditCount("grant.put"), 2u);
  // The city that holds the enterprise sees the grants; another city does not see the enterprise.
  EXPECT_TRUE(service_.ListGrants(testing::MakePrincipal(Role::kUnit, "440100"), uscc_));
  auto other = service_.ListGrants(testing::MakePrincipal(Role::kUnit, "440300"), uscc_);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::kNotFound);

  ASSERT_TRUE(service_.RevokeGrant(enterprise_, uscc_, "agency", "r3"));
  EXPECT_EQ(AuditCount("grant.delete"), 1u);
  auto again = service_.RevokeGrant(enterprise_, uscc_, "agency", "r4");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kNotFound);
}

TEST_F(GrantsTest, OnlyTheEnterpriseAndOnlyToAnAgency) {
  auto by_city =
      service_.PutGrant(testing::MakePrincipal(Role::kUnit, "440100"), uscc_, "agency", true, "");
  ASSERT_FALSE(by_city);
  EXPECT_EQ(by_city.error().kind, ErrorKind::kForbidden);
  auto outside =
      service_.PutGrant(testing::MakePrincipal(Role::kUnit, "440300"), uscc_, "agency", true, "");
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().kind, ErrorKind::kNotFound);
  auto to_a_city = service_.PutGrant(enterprise_, uscc_, "guangzhou", true, "");
  ASSERT_FALSE(to_a_city);
  EXPECT_EQ(to_a_city.error().code, "unknown_agency");
  EXPECT_EQ(to_a_city.error().field, "agency");
  EXPECT_EQ(AuditCount("grant.put"), 0u);
}

TEST_F(GrantsTest, AFailingStoreWritesNothing) {
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(),
                                        [&](store::Db& db) {
                                          return EnterpriseService(db).PutGrant(enterprise_, uscc_,
                                                                                "agency", true, "");
                                        }),
            5);  // begin, enterprise, agency, grant, audit, commit
  ASSERT_TRUE(service_.PutGrant(enterprise_, uscc_, "agency", true, ""));
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(),
                                        [&](store::Db& db) {
                                          return EnterpriseService(db).RevokeGrant(
                                              enterprise_, uscc_, "agency", "");
                                        }),
            5);
  EXPECT_GE(
      testing::ExpectAllOrNothing(
          t_.db(),
          [&](store::Db& db) { return EnterpriseService(db).ListGrants(enterprise_, uscc_); }),
      2);
}

}  // namespace
}  // namespace rongping
