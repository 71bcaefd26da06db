#include "campaign/lifecycle.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "demo/demo_test_support.h"
#include "store/test_support.h"

namespace rongping::campaign {
namespace {

// The round is open or closed by the clock the service is given, in China's
// time zone, and the times it records come from that clock.
TEST(LifecycleClock, OpenOrClosedByTheServicesClockAndRecordedAtItsTime) {
  testing::TempDb t;
  ASSERT_TRUE(demo::testing::LoadGuangdong2016(t.db()));
  auto rows = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT uscc FROM assessments WHERE round_code = 'gd-2016' AND status = 'submitted' "
                    "ORDER BY id LIMIT 1");
  });
  ASSERT_TRUE(rows && !rows->empty());
  const std::string uscc = rows->rows[0].Text(0);
  Principal enterprise{0, "enterprise-test", "", Role::kEnterprise, uscc, {}, "", false};

  FixedClock clock = FixedClock::AtChinaDate("2016-06-30", 23);  // the last day, 23:00 in China
  LifecycleService lifecycle(t.db(), clock);
  auto withdrawn = lifecycle.Withdraw(enterprise, "gd-2016", uscc, "");
  ASSERT_TRUE(withdrawn) << withdrawn.error().message;
  auto submitted = lifecycle.Submit(enterprise, "gd-2016", uscc, false, "", nullptr);
  ASSERT_TRUE(submitted) << submitted.error().message;
  EXPECT_EQ(submitted->record.submitted_at, "2016-06-30T15:00:00.000Z");
  EXPECT_TRUE(submitted->guide.can_withdraw);
  ASSERT_TRUE(lifecycle.Withdraw(enterprise, "gd-2016", uscc, ""));
  auto again = lifecycle.Submit(enterprise, "gd-2016", uscc, false, "", nullptr);
  ASSERT_TRUE(again) << again.error().message;

  clock.AdvanceSeconds(3600);  // midnight: 2016-07-01 in China, still 2016-06-30 in UTC
  // Withdrawn now, it could not be submitted again: refused, and not offered.
  auto stuck = lifecycle.Withdraw(enterprise, "gd-2016", uscc, "");
  ASSERT_FALSE(stuck);
  EXPECT_NE(stuck.error().message.find("不能撤回"), std::string::npos) << stuck.error().message;
  auto read = lifecycle.Get(enterprise, "gd-2016", uscc);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->record.status, domain::AssessmentStatus::kSubmitted);
  EXPECT_EQ(read->guide.round_state, domain::RoundState::kClosed);
  EXPECT_FALSE(read->guide.can_withdraw || read->guide.can_edit || read->guide.can_submit);
  auto late = lifecycle.Submit(enterprise, "gd-2016", uscc, false, "", nullptr);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("2016-06-30 截止"), std::string::npos) << late.error().message;
  auto edit = lifecycle.SaveDraft(enterprise, "gd-2016", uscc, "{}", withdrawn->record.version + 2, "", nullptr);
  ASSERT_FALSE(edit);
  EXPECT_NE(edit.error().message.find("不能再修改答卷"), std::string::npos) << edit.error().message;
}

// Every step of the lifecycle is one transaction with its events and audit:
// a store failing at any statement leaves the assessment as it was.
TEST(LifecycleStore, AFailingStoreWritesNothing) {
  testing::TempDb t;
  ASSERT_TRUE(demo::testing::LoadGuangdong2016(t.db()));
  auto rows = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT uscc, unit_code FROM assessments WHERE round_code = 'gd-2016' AND status = 'submitted' "
                    "ORDER BY id LIMIT 1");
  });
  ASSERT_TRUE(rows && !rows->empty());
  const std::string uscc = rows->rows[0].Text(0);
  const Principal enterprise = testing::MakePrincipal(Role::kEnterprise, uscc, "enterprise-test");
  const Principal province = testing::MakePrincipal(Role::kProvince, "440000", "guangdong");
  FixedClock clock = FixedClock::AtChinaDate("2016-06-01");
  auto with = [&](store::Db& db) { return LifecycleService(db, clock); };

  // Each operation's run that reaches no failure does its work, so the next
  // one starts where a real user would: withdraw, save, submit, review.
  EXPECT_GE(testing::ExpectAllOrNothing(
                t.db(), [&](store::Db& db) { return with(db).Withdraw(enterprise, "gd-2016", uscc, ""); }),
            4);
  auto draft = with(t.db()).Get(enterprise, "gd-2016", uscc);
  ASSERT_TRUE(draft);
  ASSERT_EQ(draft->record.status, domain::AssessmentStatus::kDraft);
  EXPECT_GE(testing::ExpectAllOrNothing(t.db(), [&](store::Db& db) {
              return with(db).SaveDraft(enterprise, "gd-2016", uscc, draft->record.answers_json,
                                        draft->record.version, "", nullptr);
            }),
            4);
  EXPECT_GE(testing::ExpectAllOrNothing(
                t.db(), [&](store::Db& db) { return with(db).Submit(enterprise, "gd-2016", uscc, false, "", nullptr); }),
            4);
  EXPECT_GE(testing::ExpectAllOrNothing(t.db(), [&](store::Db& db) {
              return with(db).Review(province, "gd-2016", uscc, false, "数据需核实", "");
            }),
            4);
  EXPECT_GE(testing::ExpectAllOrNothing(
                t.db(), [&](store::Db& db) { return with(db).GetWithHistory(enterprise, "gd-2016", uscc); }),
            2);
}

}  // namespace
}  // namespace rongping::campaign
