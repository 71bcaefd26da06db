#include "store/jobs.h"

#include <sodium.h>

#include <vector>

#include "core/time.h"

namespace rongping::store {
namespace {

constexpr std::string_view kColumns =
    "id, kind, owner_user_id, input, status, attempts, COALESCE(error, ''), COALESCE(result_type, ''), "
    "COALESCE(result_name, ''), created_at, COALESCE(finished_at, '')";

domain::Job FromRow(const Row& r) {
  domain::Job j;
  j.id = r.Int(0);
  j.kind = r.Text(1);
  j.owner_user_id = r.Int(2);
  j.input = r.Text(3);
  j.status = r.Text(4);
  j.attempts = r.Int(5);
  j.error = r.Text(6);
  j.result_type = r.Text(7);
  j.result_name = r.Text(8);
  j.created_at = r.Text(9);
  j.finished_at = r.Text(10);
  return j;
}

std::string ToBase64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace

Result<int64_t> EnqueueJob(Tx& tx, std::string_view kind, int64_t owner_user_id, std::string_view input) {
  auto rows = tx.Query(
      "INSERT INTO jobs (kind, owner_user_id, input, status, attempts, created_at) VALUES ($1, $2, $3, "
      "'queued', 0, $4) RETURNING id",
      {std::string(kind), owner_user_id, std::string(input), tx.Now()});
  if (!rows) return Fail(rows.error());
  return rows->rows.at(0).Int(0);
}

Result<bool> HasClaimableJob(Tx& tx, int64_t now_seconds) {
  auto rows = tx.Query(
      "SELECT 1 FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until < $1) LIMIT 1",
      {now_seconds});
  if (!rows) return Fail(rows.error());
  return !rows->empty();
}

Result<std::optional<domain::Job>> ClaimJob(Tx& tx, int64_t now_seconds, int64_t lease_seconds, int64_t max_attempts) {
  for (;;) {
    auto rows = tx.Query(std::string("SELECT ") + std::string(kColumns) +
                             " FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until < $1) "
                             "ORDER BY id LIMIT 1",
                         {now_seconds});
    if (!rows) return Fail(rows.error());
    if (rows->empty()) return std::optional<domain::Job>();
    domain::Job job = FromRow(rows->rows[0]);
    if (job.attempts >= max_attempts) {
      auto failed = tx.Exec(
          "UPDATE jobs SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1 AND status = $4",
          {job.id, std::string("多次处理均未完成（处理服务中途停止），请重新提交"), tx.Now(), job.status});
      if (!failed) return Fail(failed.error());
      continue;
    }
    // The status condition makes the claim safe against another server.
    auto claimed = tx.Exec(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = $2 WHERE id = $1 AND "
        "status = $3 AND attempts = $4",
        {job.id, now_seconds + lease_seconds, job.status, job.attempts});
    if (!claimed) return Fail(claimed.error());
    if (*claimed == 0) continue;
    job.status = "running";
    ++job.attempts;
    return std::optional<domain::Job>(std::move(job));
  }
}

Result<void> FinishJob(Tx& tx, int64_t id, std::string_view type, std::string_view name, std::string_view bytes) {
  auto r = tx.Exec(
      "UPDATE jobs SET status = 'done', result_type = $2, result_name = $3, result_base64 = $4, "
      "finished_at = $5, lease_until = NULL WHERE id = $1 AND status = 'running'",
      {id, std::string(type), std::string(name), ToBase64(bytes), tx.Now()});
  if (!r) return Fail(r.error());
  return {};
}

Result<void> ReleaseJob(Tx& tx, const domain::Job& job) {
  auto r = tx.Exec(
      "UPDATE jobs SET status = 'queued', attempts = attempts - 1, lease_until = NULL WHERE id = "
      "$1 AND "
      "status = 'running' AND attempts = $2",
      {job.id, job.attempts});
  if (!r) return Fail(r.error());
  return {};
}

Result<void> FailJob(Tx& tx, int64_t id, std::string_view message) {
  auto r = tx.Exec(
      "UPDATE jobs SET status = 'failed', error = $2, finished_at = $3, lease_until = NULL WHERE id = $1 AND "
      "status = 'running'",
      {id, std::string(message), tx.Now()});
  if (!r) return Fail(r.error());
  return {};
}

Result<PendingJobs> CountPendingJobs(Tx& tx, int64_t owner_user_id) {
  auto rows = tx.Query(
      "SELECT COALESCE(SUM(CASE WHEN owner_user_id = $1 THEN 1 ELSE 0 END), 0), COUNT(*) FROM jobs "
      "WHERE status IN ('queued', 'running')",
      {owner_user_id});
  if (!rows) return Fail(rows.error());
  return PendingJobs{rows->rows.at(0).Int(0), rows->rows.at(0).Int(1)};
}

Result<int64_t> DeleteFinishedJobs(Tx& tx, std::string_view before) {
  return tx.Exec(
      "DELETE FROM jobs WHERE status IN ('done', 'failed') AND COALESCE(finished_at, created_at) < $1",
      {std::string(before)});
}

Result<std::optional<domain::Job>> FindJob(Tx& tx, int64_t id, bool with_result) {
  auto rows = tx.Query(std::string("SELECT ") + std::string(kColumns) +
                           (with_result ? ", COALESCE(result_base64, '')" : "") + " FROM jobs WHERE id = $1",
                       {id});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<domain::Job>();
  domain::Job job = FromRow(rows->rows[0]);
  if (with_result) {
    auto bytes = FromBase64(rows->rows[0].Text(11));
    if (!bytes) return Fail(Error::Internal("任务结果已损坏"));
    job.result = std::move(*bytes);
  }
  return std::optional<domain::Job>(std::move(job));
}

}  // namespace rongping::store
