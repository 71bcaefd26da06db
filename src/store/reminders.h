// 督办 reminders in the database (migration 14): batches (one sending by
// one official, at once or scheduled) and the reminders they made (one per
// recipient, each also the recipient's in-app notice, its e-mail queued in
// the mail outbox, store/mail_outbox.h).
#ifndef RONGPING_STORE_REMINDERS_H_
#define RONGPING_STORE_REMINDERS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace rongping::store {

struct ReminderBatch {
  int64_t id = 0;
  std::string round_code;
  std::string unit_code;               // the region the recipients were chosen in
  std::string target;                  // enterprises | contacts
  std::vector<std::string> states;     // enterprises: the kinds of outstanding reminded of
  std::vector<std::string> recipients; // chosen USCCs or unit codes; empty: every one outstanding
  std::string message;                 // the sender's words added to each reminder
  int64_t sender_id = 0;
  std::string sender_name;
  std::string created_at;
  std::string due_at;                  // when it goes (created_at for one sent at once)
  std::string state;                   // scheduled | sent | cancelled
  std::optional<std::string> sent_at;
  int64_t reminded = 0;                // reminders it made
  int64_t skipped = 0;                 // recipients already reminded within the day
  // Of its reminders' e-mails (ListReminderBatches and FindReminderBatch):
  int64_t mail_sent = 0, mail_queued = 0, mail_failed = 0, mail_none = 0;
};

struct Reminder {
  int64_t id = 0;
  int64_t batch_id = 0;
  std::string round_code;
  std::string recipient;       // USCC, or a unit's code
  std::string recipient_kind;  // enterprise | unit
  std::string recipient_name;
  std::string unit_code;       // the recipient's unit (itself for a unit)
  std::string state;           // what was outstanding: not_started | draft | rejected | contacts
  std::string subject;
  std::string body;
  std::string created_at;
  std::optional<std::string> read_at;
  std::optional<std::string> email;  // the addresses it was e-mailed to, comma-separated
  std::string mail_state = "none";   // none | queued | sent | failed
  int64_t mail_attempts = 0;
  std::optional<std::string> mail_sent_at;
  std::optional<std::string> mail_error;  // why it was not e-mailed, or why sending failed
};

// Inserts a batch (id, counts and mail counts ignored); returns its id.
Result<int64_t> InsertReminderBatch(Tx& tx, const ReminderBatch& batch);

// How many batches `sender_id` created at or after `since` (RFC 3339), and
// the oldest of their times; how many of theirs are still scheduled.
struct SenderActivity {
  int64_t created_since = 0;
  std::optional<std::string> oldest_since;
  int64_t scheduled = 0;
};
Result<SenderActivity> CountSenderBatches(Tx& tx, int64_t sender_id, std::string_view since);

// A round's batches whose region is `unit_code` or under it, newest first.
Result<std::vector<ReminderBatch>> ListReminderBatches(Tx& tx, std::string_view round_code,
                                                       const std::string& unit_code, int64_t limit);
Result<std::optional<ReminderBatch>> FindReminderBatch(Tx& tx, int64_t id);

// Scheduled batches due at or before `now` (RFC 3339), oldest first.
Result<std::vector<ReminderBatch>> DueReminderBatches(Tx& tx, std::string_view now, int64_t limit);

// Moves a batch from `from_state` to `to_state` ("sent" with its time and
// counts, or "cancelled"); false when it was no longer in `from_state`
// (another server took it, or it was cancelled meanwhile).
Result<bool> SetReminderBatchState(Tx& tx, int64_t id, std::string_view from_state, std::string_view to_state,
                                   std::optional<std::string> sent_at, int64_t reminded, int64_t skipped);

// Inserts a reminder (id, read and mail progress ignored), queueing its
// e-mail to `email` when its mail_state is "queued"; returns its id.
Result<int64_t> InsertReminder(Tx& tx, const Reminder& reminder);

// Of `kind`'s recipients, those reminded at or after `since` (RFC 3339).
Result<std::set<std::string>> RemindedSince(Tx& tx, std::string_view kind, std::string_view since);

// Reminders of a batch, or of one recipient in a round, oldest first.
Result<std::vector<Reminder>> ListBatchReminders(Tx& tx, int64_t batch_id);
Result<std::vector<Reminder>> ListRecipientReminders(Tx& tx, std::string_view round_code, std::string_view kind,
                                                     std::string_view recipient);

// A recipient's notices (every round), newest first, and how many are unread.
struct Notices {
  int64_t unread = 0;
  std::vector<Reminder> items;
};
Result<Notices> ListNotices(Tx& tx, std::string_view kind, std::string_view recipient, int64_t limit);
// Marks a recipient's notice read at `at`; false when it is not theirs.
Result<bool> MarkNoticeRead(Tx& tx, int64_t id, std::string_view kind, std::string_view recipient,
                            std::string_view at);

// The addresses of the enabled users who administer `unit_code` (its unit
// or province admins), sorted.
Result<std::vector<std::string>> UnitAdminEmails(Tx& tx, std::string_view unit_code);

}  // namespace rongping::store

#endif  // RONGPING_STORE_REMINDERS_H_
