// Reading the audit trail: who may, which queries are refused, what a
// province admin sees of it.
#include "auth/audit_trail.h"

#include <gtest/gtest.h>

#include "store/audit.h"
#include "store/test_support.h"

namespace rongping {
namespace {

TEST(AuditQueryValidation, NamesTheParameter) {
  EXPECT_TRUE(ValidateAuditQuery({}));
  auto field_of = [](domain::AuditQuery q) {
    auto r = ValidateAuditQuery(q);
    return r ? std::string() : r.error().field;
  };
  domain::AuditQuery q;
  q.actor = std::string(129, 'a');
  EXPECT_EQ(field_of(q), "actor");
  q = {};
  q.object_id = "a\x01";
  EXPECT_EQ(field_of(q), "object_id");
  q = {};
  q.object_type = "\xff";
  EXPECT_EQ(field_of(q), "object_type");
  q = {};
  q.since = "yesterday";
  EXPECT_EQ(field_of(q), "since");
  q = {};
  q.until = "2026-12-01T08:00:00Z";
  q.since = "2026-12-01";
  EXPECT_EQ(field_of(q), "");
  q.limit = 0;
  EXPECT_EQ(field_of(q), "limit");
  q.limit = 10;
  q.before_id = -1;
  EXPECT_EQ(field_of(q), "before_id");
}

class AuditTrailTest : public ::testing::Test {
 protected:
  void Record(const std::string& actor, const std::string& object_type,
              const std::string& object_id) {
    ASSERT_TRUE(InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) {
      return store::RecordAudit(
          tx, {0, "", actor, "test.write", object_type, object_id, std::nullopt, "{}", ""});
    }));
  }
  testing::TempDb t_;
};

TEST_F(AuditTrailTest, ProvinceAndMinistryOnly) {
  Record("guangdong", "round", "gd-2016");
  Record("guangxi", "round", "gx-2016");
  for (Role role : {Role::kUnit, Role::kAssociation, Role::kAgency, Role::kEnterprise}) {
    auto r = ReadAuditTrail(t_.db(), testing::MakePrincipal(role, "440100"), {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kForbidden);
  }
  auto all = ReadAuditTrail(t_.db(), testing::MakePrincipal(Role::kMinistry, "", "ministry"), {});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  // A province admin reads its own actions, not another province's.
  auto own =
      ReadAuditTrail(t_.db(), testing::MakePrincipal(Role::kProvince, "440000", "guangdong"), {});
  ASSERT_TRUE(own);
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ((*own)[0].object_id, "gd-2016");
  domain::AuditQuery bad;
  bad.since = "not a time";
  auto refused = ReadAuditTrail(t_.db(), testing::MakePrincipal(Role::kMinistry, ""), bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "since");
}

TEST_F(AuditTrailTest, AFailingStoreIsReported) {
  Record("guangdong", "round", "gd-2016");
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(),
                                        [&](store::Db& db) {
                                          return ReadAuditTrail(
                                              db, testing::MakePrincipal(Role::kMinistry, ""), {});
                                        }),
            2);
}

}  // namespace
}  // namespace rongping
