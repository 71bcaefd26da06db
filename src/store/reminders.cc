#include "store/reminders.h"

#include <fmt/format.h>

#include "core/text.h"
#include "store/mail_outbox.h"
#include "store/scope.h"

namespace rongping::store {
namespace {

constexpr std::string_view kBatchColumns =
    "b.id, b.round_code, b.unit_code, b.target, b.states, b.recipients, b.message, b.sender_id, b.sender_name, "
    "b.created_at, b.due_at, b.state, b.sent_at, b.reminded, b.skipped";

// The mail counts of a batch's reminders, as four columns after kBatchColumns.
constexpr std::string_view kMailCounts =
    "(SELECT COUNT(*) FROM reminders r JOIN mail_outbox m ON m.id = r.mail_id WHERE r.batch_id = b.id AND "
    "m.state = 'sent'), "
    "(SELECT COUNT(*) FROM reminders r JOIN mail_outbox m ON m.id = r.mail_id WHERE r.batch_id = b.id AND "
    "m.state = 'queued'), "
    "(SELECT COUNT(*) FROM reminders r JOIN mail_outbox m ON m.id = r.mail_id WHERE r.batch_id = b.id AND "
    "m.state = 'failed'), "
    "(SELECT COUNT(*) FROM reminders r WHERE r.batch_id = b.id AND r.mail_id IS NULL)";

ReminderBatch BatchFromRow(const Row& r, bool with_mail_counts) {
  ReminderBatch b{r.Int(0),      r.Text(1),     r.Text(2),      r.Text(3),     SplitCodes(r.Text(4)),
                  SplitCodes(r.Text(5)), r.Text(6), r.Int(7),   r.Text(8),     r.Text(9),
                  r.Text(10),    r.Text(11),    r.OptText(12),  r.Int(13),     r.Int(14)};
  if (with_mail_counts) {
    b.mail_sent = r.Int(15);
    b.mail_queued = r.Int(16);
    b.mail_failed = r.Int(17);
    b.mail_none = r.Int(18);
  }
  return b;
}

// A reminder with its e-mail's progress (none when it was not e-mailed).
constexpr std::string_view kReminderColumns =
    "r.id, r.batch_id, r.round_code, r.recipient, r.recipient_kind, r.recipient_name, r.unit_code, r.state, "
    "r.subject, r.body, r.created_at, r.read_at, r.email, COALESCE(m.state, 'none'), COALESCE(m.attempts, 0), "
    "m.sent_at, COALESCE(m.error, r.mail_error)";

Reminder ReminderFromRow(const Row& r) {
  return {r.Int(0),  r.Int(1),      r.Text(2),     r.Text(3),  r.Text(4),     r.Text(5),
          r.Text(6), r.Text(7),     r.Text(8),     r.Text(9),  r.Text(10),    r.OptText(11),
          r.OptText(12), r.Text(13), r.Int(14),    r.OptText(15), r.OptText(16)};
}

Result<std::vector<Reminder>> Reminders(Tx& tx, std::string_view where, const std::vector<Value>& params) {
  auto rows = tx.Query(
      fmt::format("SELECT {} FROM reminders r LEFT JOIN mail_outbox m ON m.id = r.mail_id WHERE {}", kReminderColumns,
                  where),
      params);
  if (!rows) return Fail(rows.error());
  std::vector<Reminder> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(ReminderFromRow(r));
  return out;
}

Result<std::vector<ReminderBatch>> Batches(Tx& tx, std::string_view where, const std::vector<Value>& params,
                                           bool with_mail_counts) {
  auto rows = tx.Query(fmt::format("SELECT {}{}{} FROM reminder_batches b WHERE {}", kBatchColumns,
                                   with_mail_counts ? ", " : "", with_mail_counts ? kMailCounts : "", where),
                       params);
  if (!rows) return Fail(rows.error());
  std::vector<ReminderBatch> out;
  for (const auto& r : rows->rows) out.push_back(BatchFromRow(r, with_mail_counts));
  return out;
}

Value OptionalText(const std::optional<std::string>& v) { return v ? Value{*v} : Value{}; }

}  // namespace

Result<int64_t> InsertReminderBatch(Tx& tx, const ReminderBatch& b) {
  auto rows = tx.Query(
      "INSERT INTO reminder_batches (round_code, unit_code, target, states, recipients, message, sender_id, "
      "sender_name, created_at, due_at, state, sent_at, reminded, skipped) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9, $10, $11, $12, 0, 0) RETURNING id",
      {b.round_code, b.unit_code, b.target, JoinCodes(b.states), JoinCodes(b.recipients), b.message, b.sender_id,
       b.sender_name, b.created_at, b.due_at, b.state, OptionalText(b.sent_at)});
  if (!rows) return Fail(rows.error());
  return rows->rows.at(0).Int(0);
}

Result<SenderActivity> CountSenderBatches(Tx& tx, int64_t sender_id, std::string_view since) {
  auto rows = tx.Query(
      "SELECT COUNT(*), MIN(created_at), (SELECT COUNT(*) FROM reminder_batches WHERE sender_id = $1 AND "
      "state = 'scheduled') FROM reminder_batches WHERE sender_id = $1 AND created_at >= $2",
      {sender_id, std::string(since)});
  if (!rows) return Fail(rows.error());
  const Row& r = rows->rows.at(0);
  return SenderActivity{r.Int(0), r.OptText(1), r.Int(2)};
}

Result<std::vector<ReminderBatch>> ListReminderBatches(Tx& tx, std::string_view round_code,
                                                       const std::string& unit_code, int64_t limit) {
  std::vector<Value> params{std::string(round_code)};
  const std::string subtree = UnitSubtreeCondition("b.unit_code", unit_code, params);
  params.push_back(limit);
  return Batches(tx, fmt::format("b.round_code = $1 AND {} ORDER BY b.id DESC LIMIT ${}", subtree, params.size()),
                 params, true);
}

Result<std::optional<ReminderBatch>> FindReminderBatch(Tx& tx, int64_t id) {
  auto found = Batches(tx, "b.id = $1", {id}, true);
  if (!found) return Fail(found.error());
  if (found->empty()) return std::optional<ReminderBatch>();
  return std::optional<ReminderBatch>(std::move(found->front()));
}

Result<std::vector<ReminderBatch>> DueReminderBatches(Tx& tx, std::string_view now, int64_t limit) {
  return Batches(tx, "b.state = 'scheduled' AND b.due_at <= $1 ORDER BY b.due_at, b.id LIMIT $2",
                 {std::string(now), limit}, false);
}

Result<bool> SetReminderBatchState(Tx& tx, int64_t id, std::string_view from_state, std::string_view to_state,
                                   std::optional<std::string> sent_at, int64_t reminded, int64_t skipped) {
  auto changed = tx.Exec(
      "UPDATE reminder_batches SET state = $3, sent_at = $4, reminded = $5, skipped = $6 WHERE id = $1 AND "
      "state = $2",
      {id, std::string(from_state), std::string(to_state), OptionalText(sent_at), reminded, skipped});
  if (!changed) return Fail(changed.error());
  return *changed > 0;
}

Result<int64_t> InsertReminder(Tx& tx, const Reminder& r) {
  Value mail_id;
  if (r.mail_state == "queued") {
    auto queued = QueueMail(tx, SplitCodes(r.email.value_or("")), r.subject, r.body);
    if (!queued) return Fail(queued.error());
    mail_id = *queued;
  }
  auto rows = tx.Query(
      "INSERT INTO reminders (batch_id, round_code, recipient, recipient_kind, recipient_name, unit_code, state, "
      "subject, body, created_at, email, mail_id, mail_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "$12, $13) RETURNING id",
      {r.batch_id, r.round_code, r.recipient, r.recipient_kind, r.recipient_name, r.unit_code, r.state, r.subject,
       r.body, r.created_at, OptionalText(r.email), mail_id, OptionalText(r.mail_error)});
  if (!rows) return Fail(rows.error());
  return rows->rows.at(0).Int(0);
}

Result<std::set<std::string>> RemindedSince(Tx& tx, std::string_view kind, std::string_view since) {
  auto rows = tx.Query("SELECT DISTINCT recipient FROM reminders WHERE recipient_kind = $1 AND created_at >= $2",
                       {std::string(kind), std::string(since)});
  if (!rows) return Fail(rows.error());
  std::set<std::string> out;
  for (const auto& r : rows->rows) out.insert(r.Text(0));
  return out;
}

Result<std::vector<Reminder>> ListBatchReminders(Tx& tx, int64_t batch_id) {
  return Reminders(tx, "r.batch_id = $1 ORDER BY r.id", {batch_id});
}

Result<std::vector<Reminder>> ListRecipientReminders(Tx& tx, std::string_view round_code, std::string_view kind,
                                                     std::string_view recipient) {
  return Reminders(tx, "r.round_code = $1 AND r.recipient_kind = $2 AND r.recipient = $3 ORDER BY r.id",
                   {std::string(round_code), std::string(kind), std::string(recipient)});
}

Result<Notices> ListNotices(Tx& tx, std::string_view kind, std::string_view recipient, int64_t limit) {
  Notices notices;
  auto unread = tx.Query(
      "SELECT COUNT(*) FROM reminders WHERE recipient_kind = $1 AND recipient = $2 AND read_at IS NULL",
      {std::string(kind), std::string(recipient)});
  if (!unread) return Fail(unread.error());
  notices.unread = unread->rows.at(0).Int(0);
  auto items = Reminders(tx, "r.recipient_kind = $1 AND r.recipient = $2 ORDER BY r.created_at DESC, r.id DESC LIMIT $3",
                         {std::string(kind), std::string(recipient), limit});
  if (!items) return Fail(items.error());
  notices.items = std::move(*items);
  return notices;
}

Result<bool> MarkNoticeRead(Tx& tx, int64_t id, std::string_view kind, std::string_view recipient,
                            std::string_view at) {
  auto changed = tx.Exec(
      "UPDATE reminders SET read_at = COALESCE(read_at, $4) WHERE id = $1 AND recipient_kind = $2 AND "
      "recipient = $3",
      {id, std::string(kind), std::string(recipient), std::string(at)});
  if (!changed) return Fail(changed.error());
  return *changed > 0;
}

Result<std::vector<std::string>> UnitAdminEmails(Tx& tx, std::string_view unit_code) {
  auto rows = tx.Query(
      "SELECT DISTINCT email FROM users WHERE scope_code = $1 AND role IN ('unit', 'province') AND disabled = 0 "
      "AND email IS NOT NULL AND email <> '' ORDER BY email",
      {std::string(unit_code)});
  if (!rows) return Fail(rows.error());
  std::vector<std::string> out;
  for (const auto& r : rows->rows) out.push_back(r.Text(0));
  return out;
}

}  // namespace rongping::store
