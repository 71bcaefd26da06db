#include "jobs/mail_outbox.h"

#include <gtest/gtest.h>

#include "domain/round.h"
#include "store/accounts.h"
#include "store/campaign.h"
#include "store/reminders.h"
#include "store/test_support.h"

namespace rongping::jobs {
namespace {

template <typename T>
T Ok(Result<T> r) {
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

// One reminder with its e-mail queued, as SendReminders leaves it.
int64_t QueueOneMail(store::Db& db) {
  return Ok(InTx(db, store::TxMode::kWrite, [](store::Tx& tx) -> Result<int64_t> {
    domain::Round round;
    round.code = "r-2016";
    round.name = "2016年评估";
    round.year = 2016;
    round.province_code = "440000";
    round.models = {"gbt23020-2013"};
    round.opens_on = domain::Date::Of("2016-04-20");
    round.closes_on = round.deadline = domain::Date::Of("2016-06-30");
    if (auto r = store::UpsertRound(tx, round); !r) return Fail(r.error());
    store::UserRecord user;
    user.username = "sender";
    user.password_hash = "x";
    user.role = Role::kUnit;
    user.scope_code = "440100";
    auto user_id = store::InsertUser(tx, user);
    if (!user_id) return Fail(user_id.error());
    store::ReminderBatch batch;
    batch.round_code = round.code;
    batch.unit_code = "440100";
    batch.target = "enterprises";
    batch.sender_id = *user_id;
    batch.created_at = batch.due_at = "2016-06-01T02:00:00.000Z";
    batch.state = "sent";
    auto batch_id = store::InsertReminderBatch(tx, batch);
    if (!batch_id) return Fail(batch_id.error());
    store::Reminder r;
    r.batch_id = *batch_id;
    r.round_code = round.code;
    r.recipient = "91440100MA4AX22017";
    r.recipient_kind = "enterprise";
    r.recipient_name = "广州某企业";
    r.unit_code = "440100";
    r.state = "not_started";
    r.subject = "【督办提醒】请完成2016年评估";
    r.body = "正文";
    r.created_at = batch.created_at;
    r.email = "someone@example.cn";
    r.mail_state = "queued";
    return store::InsertReminder(tx, r);
  }));
}

store::Reminder Stored(store::Db& db, int64_t id) {
  auto rows = Ok(InTx(db, store::TxMode::kRead, [&](store::Tx& tx) { return store::ListBatchReminders(tx, 1); }));
  for (auto& r : rows) {
    if (r.id == id) return r;
  }
  throw std::runtime_error("no reminder");
}

// A server that refuses the connection: each attempt is recorded with the
// reason and tried again only after its lease; the last is final.
TEST(MailOutbox, FailedAttemptsAreRetriedAfterTheirLeaseThenRecordedFailed) {
  testing::TempDb t;
  const int64_t id = QueueOneMail(t.db());
  FixedClock clock = FixedClock::AtChinaDate("2016-06-01", 10);
  MailOutboxOptions options;
  options.smtp.url = "smtp://127.0.0.1:1";  // nothing listens on port 1
  options.smtp.timeout_seconds = 5;
  options.from_address = "noreply@example.cn";
  options.lease_seconds = 60;
  options.max_attempts = 3;
  options.clock = &clock;
  MailOutbox outbox(t.db(), options);
  int hook_calls = 0;
  outbox.BeforeEachPass([&] { ++hook_calls; });

  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  auto r = Stored(t.db(), id);
  EXPECT_EQ(r.mail_state, "queued");
  EXPECT_EQ(r.mail_attempts, 1);
  EXPECT_NE(r.mail_error.value_or("").find("邮件服务器未接收"), std::string::npos) << r.mail_error.value_or("");
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  EXPECT_EQ(Stored(t.db(), id).mail_attempts, 1) << "not again within its lease";
  clock.AdvanceSeconds(61);
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  EXPECT_EQ(Stored(t.db(), id).mail_attempts, 2);
  clock.AdvanceSeconds(61);
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  r = Stored(t.db(), id);
  EXPECT_EQ(r.mail_state, "failed");
  EXPECT_EQ(r.mail_attempts, 3);
  clock.AdvanceSeconds(61);
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  EXPECT_EQ(Stored(t.db(), id).mail_attempts, 3) << "a failed e-mail is not tried again";
  EXPECT_EQ(hook_calls, 5);
}

// Without a mail server nothing is claimed, and the hook still runs.
TEST(MailOutbox, WithoutAServerTheQueueIsLeftAsItIs) {
  testing::TempDb t;
  const int64_t id = QueueOneMail(t.db());
  MailOutbox outbox(t.db(), {});
  int hook_calls = 0;
  outbox.BeforeEachPass([&] { ++hook_calls; });
  EXPECT_FALSE(outbox.enabled());
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  EXPECT_EQ(Stored(t.db(), id).mail_attempts, 0);
  EXPECT_EQ(hook_calls, 1);
}

}  // namespace
}  // namespace rongping::jobs
