// Sends the e-mails that wait in the database's outbox (store/mail_outbox.h)
// on a thread of its own, through an SMTP server. Several servers may each
// run one on the same database: an e-mail goes to one of them, and one
// whose server stopped mid-send is sent again after its lease. A failed
// attempt is retried after the lease, up to max_attempts, then recorded as
// failed with the server's reason.
#ifndef RONGPING_JOBS_MAIL_OUTBOX_H_
#define RONGPING_JOBS_MAIL_OUTBOX_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "mail/smtp.h"
#include "store/db.h"

namespace rongping::jobs {

struct MailOutboxOptions {
  mail::SmtpOptions smtp;          // url empty: nothing is e-mailed (the hook still runs)
  std::string from_address;        // REQUIRES when smtp.url is set: mail::IsMailAddress
  std::string from_name = "两化融合评估诊断和对标引导平台";
  int poll_milliseconds = 1000;    // how often the outbox and the hook are looked at
  int64_t lease_seconds = 60;      // an e-mail claimed is not claimed again before this
  int64_t max_attempts = 3;
  int64_t claim_batch = 20;        // e-mails claimed at once
  const Clock* clock = nullptr;    // the system clock when null
};

class MailOutbox {
 public:
  MailOutbox(store::Db& db, MailOutboxOptions options);
  ~MailOutbox();  // Stop()s
  MailOutbox(const MailOutbox&) = delete;
  MailOutbox& operator=(const MailOutbox&) = delete;

  // Whether e-mails are sent at all (an SMTP server is configured).
  bool enabled() const { return sender_.enabled(); }

  // Runs `hook` at the start of every pass (the scheduled reminders that
  // fell due, which may queue e-mails). Only before Start().
  void BeforeEachPass(std::function<void()> hook) { hook_ = std::move(hook); }

  void Start();
  // Stops the thread after the e-mail in hand. Idempotent.
  void Stop();
  // Tells the thread that e-mails were queued here.
  void Wake();

  // One pass on the calling thread: the hook, then every e-mail that can be
  // claimed; returns how many were sent. For tests; not while Start()ed.
  Result<int64_t> RunOnce();

 private:
  void Loop();
  int64_t NowSeconds() const;

  store::Db& db_;
  MailOutboxOptions options_;
  mail::SmtpSender sender_;
  std::function<void()> hook_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace rongping::jobs

#endif  // RONGPING_JOBS_MAIL_OUTBOX_H_
