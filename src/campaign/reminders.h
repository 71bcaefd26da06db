// 督办 reminders: an official reminds the enterprises of a region that have
// not done their part in a round (not started, a draft not submitted, sent
// back and not submitted again), or the units that owe the round's 联系人表,
// at once or at a time they choose before the round closes. Each recipient
// gets an in-app notice and, when it has an address and a mail server is
// configured, an e-mail (sent by the mail outbox, jobs/mail_outbox.h). A
// recipient reminded in the last 24 hours, by anyone, is not reminded again.
#ifndef RONGPING_CAMPAIGN_REMINDERS_H_
#define RONGPING_CAMPAIGN_REMINDERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "domain/principal.h"
#include "store/db.h"
#include "store/reminders.h"

namespace rongping::campaign {

struct ReminderSettings {
  bool mail_enabled = false;  // a mail server is configured: reminders with an address are e-mailed
  std::string public_url;     // the platform's address, given in each reminder; empty: none
  int64_t max_batches_per_hour = 10;  // per sender, scheduled ones included
  int64_t max_scheduled = 20;         // per sender, waiting to be sent
};

// A sending as the caller asks it (text, checked by SendReminders).
struct ReminderRequest {
  std::string round;
  std::string target = "enterprises";   // enterprises | contacts
  std::string unit;                     // the region; empty: the caller's (OfficialRegion)
  std::vector<std::string> states;      // enterprises: not_started | draft | rejected; empty: all three
  std::vector<std::string> recipients;  // USCCs or unit codes chosen; empty: every one outstanding
  std::string message;                  // added to each reminder; up to 500 characters
  std::string at;                       // RFC 3339 time to send at; empty: now
};

struct ReminderOutcome {
  store::ReminderBatch batch;   // state "sent" (with its counts) or "scheduled"
  int64_t not_outstanding = 0;  // chosen recipients not reminded: nothing outstanding, or not in the region
};

// Sends (or schedules) reminders. 403 unless a region admin; 404 when the
// round does not exist or concerns another province; 422 naming the field
// for an unknown target or state, waiting_review (a reviewer's delay, not
// the enterprise's), a unit outside the caller's region, a message too long
// or holding control characters, more than 10,000 recipients, a time that
// is not RFC 3339, not in the future or after the round closes, contacts
// in a round that asks none, or reminding enterprises of a closed round;
// 429 when the caller created max_batches_per_hour batches in the last hour
// or has max_scheduled waiting. The batch, its reminders and an audit entry
// "reminders.send" are written in one transaction.
Result<ReminderOutcome> SendReminders(store::Db& db, const Clock& clock, const ReminderSettings& settings,
                                      const Principal& who, const ReminderRequest& request);

// A round's batches in the caller's region (`unit` as for OfficialRegion),
// newest first, at most 200. 403 and 404 as SendReminders.
Result<std::vector<store::ReminderBatch>> ListReminderBatches(store::Db& db, const Principal& who,
                                                              const std::string& round, const std::string& unit);

struct ReminderBatchDetail {
  store::ReminderBatch batch;
  std::vector<store::Reminder> reminders;
};
// One batch with what each recipient was sent; 404 unless the batch is of
// `round` and its region is in the caller's.
Result<ReminderBatchDetail> GetReminderBatch(store::Db& db, const Principal& who, const std::string& round,
                                             int64_t id);

// What one enterprise (USCC) or unit was sent in a round, oldest first:
// empty when nothing was, and when it is outside the caller's region.
Result<std::vector<store::Reminder>> RecipientReminders(store::Db& db, const Principal& who, const std::string& round,
                                                        const std::string& recipient);

// Cancels a scheduled batch; 404 as GetReminderBatch, 409 once it was sent
// or cancelled. Audited as "reminders.cancel".
Result<store::ReminderBatch> CancelReminderBatch(store::Db& db, const Principal& who, const std::string& round,
                                                 int64_t id);

// Sends the scheduled batches that are due, each in a transaction of its
// own, as their senders would now (a sender since disabled or removed: the
// batch is cancelled); returns how many were sent. Safe on several servers.
Result<int64_t> SendDueReminders(store::Db& db, const Clock& clock, const ReminderSettings& settings);

// The caller's notices: an enterprise user's are its enterprise's, a unit
// or province admin's their unit's; none for other roles. Newest 50.
Result<store::Notices> ListNotices(store::Db& db, const Principal& who);
// Marks one read; 404 unless it is one of the caller's notices.
Result<void> ReadNotice(store::Db& db, const Clock& clock, const Principal& who, int64_t id);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_REMINDERS_H_
