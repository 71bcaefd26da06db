#include "jobs/mail_outbox.h"

#include <gtest/gtest.h>

#include "store/mail_outbox.h"
#include "store/test_support.h"

namespace rongping::jobs {
namespace {

template <typename T>
T Ok(Result<T> r) {
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

// One e-mail queued, as a reminder leaves it.
int64_t QueueOneMail(store::Db& db) {
  return Ok(InTx(db, store::TxMode::kWrite, [](store::Tx& tx) {
    return store::QueueMail(tx, {"someone@example.cn"}, "【督办提醒】请完成2016年评估", "正文");
  }));
}

store::QueuedMail Stored(store::Db& db, int64_t id) {
  auto found = Ok(InTx(db, store::TxMode::kRead, [&](store::Tx& tx) { return store::FindMail(tx, id); }));
  if (!found) throw std::runtime_error("no mail");
  return *found;
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
  EXPECT_EQ(r.state, "queued");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_NE(r.error.value_or("").find("邮件服务器未接收"), std::string::npos) << r.error.value_or("");
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  EXPECT_EQ(Stored(t.db(), id).attempts, 1) << "not again within its lease";
  clock.AdvanceSeconds(61);
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  EXPECT_EQ(Stored(t.db(), id).attempts, 2);
  clock.AdvanceSeconds(61);
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  r = Stored(t.db(), id);
  EXPECT_EQ(r.state, "failed");
  EXPECT_EQ(r.attempts, 3);
  clock.AdvanceSeconds(61);
  EXPECT_EQ(Ok(outbox.RunOnce()), 0);
  EXPECT_EQ(Stored(t.db(), id).attempts, 3) << "a failed e-mail is not tried again";
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
  EXPECT_EQ(Stored(t.db(), id).attempts, 0);
  EXPECT_EQ(hook_calls, 1);
}

}  // namespace
}  // namespace rongping::jobs
