#include "store/mail_outbox.h"

#include "core/text.h"

namespace rongping::store {
namespace {

constexpr std::string_view kColumns = "id, recipients, subject, body, state, attempts, sent_at, error";

QueuedMail FromRow(const Row& r) {
  return {r.Int(0), SplitCodes(r.Text(1)), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.OptText(6), r.OptText(7)};
}

}  // namespace

Result<int64_t> QueueMail(Tx& tx, const std::vector<std::string>& to, std::string_view subject,
                          std::string_view body) {
  auto rows = tx.Query(
      "INSERT INTO mail_outbox (recipients, subject, body, state, attempts, lease_until, created_at) VALUES ($1, $2, "
      "$3, 'queued', 0, 0, $4) RETURNING id",
      {JoinCodes(to), std::string(subject), std::string(body), tx.Now()});
  if (!rows) return Fail(rows.error());
  return rows->rows.at(0).Int(0);
}

Result<std::optional<QueuedMail>> FindMail(Tx& tx, int64_t id) {
  auto rows = tx.Query(std::string("SELECT ") + std::string(kColumns) + " FROM mail_outbox WHERE id = $1", {id});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<QueuedMail>();
  return std::optional<QueuedMail>(FromRow(rows->rows[0]));
}

Result<bool> HasClaimableMail(Tx& tx, int64_t now_seconds) {
  auto rows = tx.Query("SELECT 1 FROM mail_outbox WHERE state = 'queued' AND lease_until < $1 LIMIT 1", {now_seconds});
  if (!rows) return Fail(rows.error());
  return !rows->empty();
}

Result<std::vector<QueuedMail>> ClaimMails(Tx& tx, int64_t now_seconds, int64_t lease_seconds, int64_t limit) {
  auto rows = tx.Query(std::string("SELECT ") + std::string(kColumns) +
                           " FROM mail_outbox WHERE state = 'queued' AND lease_until < $1 ORDER BY id LIMIT $2",
                       {now_seconds, limit});
  if (!rows) return Fail(rows.error());
  std::vector<QueuedMail> claimed;
  for (const auto& row : rows->rows) {
    QueuedMail mail = FromRow(row);
    // The attempt count makes the claim safe against another server's.
    auto taken = tx.Exec(
        "UPDATE mail_outbox SET lease_until = $2, attempts = attempts + 1 WHERE id = $1 AND state = 'queued' AND "
        "attempts = $3",
        {mail.id, now_seconds + lease_seconds, mail.attempts});
    if (!taken) return Fail(taken.error());
    if (*taken == 0) continue;
    ++mail.attempts;
    claimed.push_back(std::move(mail));
  }
  return claimed;
}

Result<void> MailSent(Tx& tx, int64_t id, std::string_view at) {
  return Done(tx.Exec("UPDATE mail_outbox SET state = 'sent', sent_at = $2, error = NULL WHERE id = $1",
                      {id, std::string(at)}));
}

Result<void> MailFailed(Tx& tx, int64_t id, std::string_view error, bool final) {
  return Done(tx.Exec("UPDATE mail_outbox SET state = $2, error = $3 WHERE id = $1",
                      {id, std::string(final ? "failed" : "queued"), std::string(error)}));
}

}  // namespace rongping::store
