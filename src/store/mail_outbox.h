// The mail outbox (migration 14): every e-mail the platform sends waits
// here, written in the transaction of what it tells, until a server's
// outbox thread (jobs/mail_outbox.h) hands it to the SMTP server.
#ifndef RONGPING_STORE_MAIL_OUTBOX_H_
#define RONGPING_STORE_MAIL_OUTBOX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace rongping::store {

struct QueuedMail {
  int64_t id = 0;
  std::vector<std::string> to;  // REQUIRES: each IsMailAddress
  std::string subject;
  std::string body;
  std::string state = "queued";  // queued | sent | failed
  int64_t attempts = 0;
  std::optional<std::string> sent_at;
  std::optional<std::string> error;  // the last attempt's failure
};

// Queues an e-mail to `to`; returns its id.
Result<int64_t> QueueMail(Tx& tx, const std::vector<std::string>& to, std::string_view subject,
                          std::string_view body);

// One e-mail; nullopt when there is none of that id.
Result<std::optional<QueuedMail>> FindMail(Tx& tx, int64_t id);

// Whether ClaimMails would find something (a read).
Result<bool> HasClaimableMail(Tx& tx, int64_t now_seconds);
// Takes up to `limit` queued e-mails whose lease ended before `now_seconds`
// (their server stopped, or the last attempt failed), leases them until
// now_seconds + lease_seconds and counts the attempt. Safe when several
// servers claim at once: an e-mail goes to one of them.
Result<std::vector<QueuedMail>> ClaimMails(Tx& tx, int64_t now_seconds, int64_t lease_seconds, int64_t limit);
// Records that the e-mail went out at `at`.
Result<void> MailSent(Tx& tx, int64_t id, std::string_view at);
// Records a failed attempt: queued again (after its lease) unless `final`,
// then failed; `error` either way.
Result<void> MailFailed(Tx& tx, int64_t id, std::string_view error, bool final);

}  // namespace rongping::store

#endif  // RONGPING_STORE_MAIL_OUTBOX_H_
