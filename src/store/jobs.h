// Background jobs in the database: queued by one app server, run by any,
// their results served by any. A job is "queued", "running" (under a lease
// that ends at lease_until, seconds since the epoch), "done" or "failed".
#ifndef RONGPING_STORE_JOBS_H_
#define RONGPING_STORE_JOBS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/job.h"
#include "store/db.h"

namespace rongping::store {


// Queues a job; returns its id.
Result<int64_t> EnqueueJob(Tx& tx, std::string_view kind, int64_t owner_user_id, std::string_view input);

// Whether ClaimJob would find something: a read, so that idle servers
// looking for work do not take the writer.
Result<bool> HasClaimableJob(Tx& tx, int64_t now_seconds);

// Takes the oldest queued job, or the oldest running one whose lease ended
// before `now_seconds` (its server stopped), marks it running until
// now_seconds + lease_seconds and counts the attempt. A job that has had
// `max_attempts` already is marked failed instead. nullopt when there is
// nothing to run. Safe when several servers claim at once: a job goes to
// one of them.
Result<std::optional<domain::Job>> ClaimJob(Tx& tx, int64_t now_seconds, int64_t lease_seconds, int64_t max_attempts);

// Stores a running job's result and marks it done.
Result<void> FinishJob(Tx& tx, int64_t id, std::string_view type, std::string_view name, std::string_view bytes);

// Puts a running job back in the queue, its attempt not counted: its
// server stopped it before it finished. `job` is the job as ClaimJob gave
// it; nothing changes when another claim has taken it since.
Result<void> ReleaseJob(Tx& tx, const domain::Job& job);

// Marks a running job failed with `message`.
Result<void> FailJob(Tx& tx, int64_t id, std::string_view message);

// Jobs queued or running: of one owner, and of everyone.
struct PendingJobs {
  int64_t of_owner = 0;
  int64_t total = 0;
};
Result<PendingJobs> CountPendingJobs(Tx& tx, int64_t owner_user_id);

// Deletes the jobs that finished (done or failed) before `before` (RFC 3339
// UTC, as finished_at is stored), with their results; returns how many.
Result<int64_t> DeleteFinishedJobs(Tx& tx, std::string_view before);

// The job, with its result bytes when `with_result`; nullopt when unknown.
Result<std::optional<domain::Job>> FindJob(Tx& tx, int64_t id, bool with_result);

}  // namespace rongping::store

#endif  // RONGPING_STORE_JOBS_H_
