#include "campaign/reminders.h"

#include <gtest/gtest.h>

#include "auth/auth_service.h"
#include "campaign/lifecycle.h"
#include "demo/demo_test_support.h"
#include "store/accounts.h"
#include "store/test_support.h"

namespace rongping::campaign {
namespace {

template <typename T>
T Ok(Result<T> r) {
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

// Enterprises of 广州 with no assessment in gd-2016, by code.
std::vector<std::string> NotStartedInGuangzhou(store::Db& db, int64_t n) {
  auto rows = Ok(InTx(db, store::TxMode::kRead, [&](store::Tx& tx) {
    return tx.Query(
        "SELECT e.uscc FROM enterprises e WHERE e.unit_code = '440100' AND NOT EXISTS (SELECT 1 FROM "
        "assessments a WHERE a.uscc = e.uscc AND a.round_code = 'gd-2016') ORDER BY e.uscc LIMIT $1",
        {n});
  }));
  std::vector<std::string> out;
  for (const auto& r : rows.rows) out.push_back(r.Text(0));
  return out;
}

std::string Rfc3339In(const Clock& clock, int64_t seconds) {
  return Clock::Rfc3339OfMillis(clock.NowMillis() + seconds * 1000);
}

// A scheduled batch goes when due, to whoever is outstanding then; nobody
// is reminded twice within 24 hours; a batch whose sender was disabled
// meanwhile is cancelled, not sent.
TEST(Reminders, ScheduledBatchesGoAtTheirTimeToWhoIsStillOutstandingOnceADay) {
  testing::TempDb t;
  ASSERT_TRUE(demo::testing::LoadGuangdong2016(t.db()));
  FixedClock clock = FixedClock::AtChinaDate("2016-06-01", 10);
  const auto user = Ok(InTx(t.db(), store::TxMode::kRead,
                            [](store::Tx& tx) { return store::FindUserByName(tx, "guangzhou"); }));
  ASSERT_TRUE(user);
  const Principal sender = PrincipalOf(*user);
  const ReminderSettings settings;  // no mail server
  const auto usccs = NotStartedInGuangzhou(t.db(), 2);
  ASSERT_EQ(usccs.size(), 2u);

  ReminderRequest request{"gd-2016", "enterprises", "", {"not_started"}, usccs, "请抓紧", Rfc3339In(clock, 3600)};
  auto scheduled = SendReminders(t.db(), clock, settings, sender, request);
  ASSERT_TRUE(scheduled) << scheduled.error().message;
  EXPECT_EQ(scheduled->batch.state, "scheduled");
  EXPECT_EQ(Ok(SendDueReminders(t.db(), clock, settings)), 0) << "not due yet";

  // The first enterprise starts a draft: no longer "not started".
  LifecycleService lifecycle(t.db(), clock);
  const Principal first{0, "first", "", Role::kEnterprise, usccs[0], {}, "", false};
  auto draft = lifecycle.SaveDraft(first, "gd-2016", usccs[0], "{}", 0, "", nullptr);
  ASSERT_TRUE(draft) << draft.error().message;

  clock.AdvanceSeconds(3601);
  EXPECT_EQ(Ok(SendDueReminders(t.db(), clock, settings)), 1);
  auto sent = Ok(GetReminderBatch(t.db(), sender, "gd-2016", scheduled->batch.id));
  EXPECT_EQ(sent.batch.state, "sent");
  ASSERT_EQ(sent.reminders.size(), 1u);
  EXPECT_EQ(sent.reminders[0].recipient, usccs[1]);
  EXPECT_EQ(sent.reminders[0].mail_state, "none");
  EXPECT_EQ(sent.reminders[0].mail_error.value_or(""), "平台未配置邮件服务器，仅发送站内通知");
  EXPECT_NE(sent.reminders[0].body.find("请抓紧"), std::string::npos);
  EXPECT_NE(sent.reminders[0].body.find("2016年6月30日"), std::string::npos);
  EXPECT_EQ(Ok(SendDueReminders(t.db(), clock, settings)), 0) << "sent once";

  // Within 24 hours of its reminder, not again; after them, again.
  request.at.clear();
  request.recipients = {usccs[1]};
  clock.AdvanceSeconds(23 * 3600);
  auto again = Ok(SendReminders(t.db(), clock, settings, sender, request));
  EXPECT_EQ(again.batch.reminded, 0);
  EXPECT_EQ(again.batch.skipped, 1);
  clock.AdvanceSeconds(3601);
  auto next_day = Ok(SendReminders(t.db(), clock, settings, sender, request));
  EXPECT_EQ(next_day.batch.reminded, 1);
  EXPECT_EQ(Ok(RecipientReminders(t.db(), sender, "gd-2016", usccs[1])).size(), 2u);

  // A sender disabled before the batch is due: cancelled.
  request.at = Rfc3339In(clock, 60);
  auto orphan = Ok(SendReminders(t.db(), clock, settings, sender, request));
  ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [&](store::Tx& tx) {
    return tx.Exec("UPDATE users SET disabled = 1 WHERE id = $1", {sender.user_id});
  }));
  clock.AdvanceSeconds(61);
  EXPECT_EQ(Ok(SendDueReminders(t.db(), clock, settings)), 0);
  EXPECT_EQ(Ok(GetReminderBatch(t.db(), sender, "gd-2016", orphan.batch.id)).batch.state, "cancelled");

  // Another city sees none of it.
  const Principal shenzhen = testing::MakePrincipal(Role::kUnit, "440300", "shenzhen");
  EXPECT_EQ(GetReminderBatch(t.db(), shenzhen, "gd-2016", orphan.batch.id).error().kind, ErrorKind::kNotFound);
  EXPECT_TRUE(Ok(RecipientReminders(t.db(), shenzhen, "gd-2016", usccs[1])).empty());
  EXPECT_TRUE(Ok(ListReminderBatches(t.db(), shenzhen, "gd-2016", "")).empty());
}

}  // namespace
}  // namespace rongping::campaign
