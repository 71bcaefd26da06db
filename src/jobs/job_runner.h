// Runs background jobs (store/jobs.h) on a thread of its own: waits for
// queued work, runs the handler registered for the job's kind, and stores
// its result or its error. Several servers may each run one on the same
// database; a job goes to one of them.
#ifndef RONGPING_JOBS_JOB_RUNNER_H_
#define RONGPING_JOBS_JOB_RUNNER_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "core/clock.h"
#include "store/db.h"
#include "store/jobs.h"

namespace rongping::jobs {

// What a handler produces.
struct JobOutput {
  std::string type;   // MIME type
  std::string name;   // file name for downloads
  std::string bytes;
};

// Runs one job. An error's message (中文) is what the job's owner sees.
// `stop` is requested when the runner is stopping: a long handler should
// then give up within a moment (its job goes back to the queue, see Stop).
using JobHandler = std::function<Result<JobOutput>(const domain::Job&, std::stop_token stop)>;

struct JobRunnerOptions {
  int64_t lease_seconds = 300;  // longer than any job runs
  int64_t max_attempts = 3;     // runs started before a job is given up
  int poll_milliseconds = 1000; // how often other servers' jobs are looked for
  // Jobs one user may have queued or running at once; Enqueue refuses more.
  int64_t max_pending_per_owner = 3;
  // Jobs queued or running across all users (and app servers) at once.
  int64_t max_pending = 100;
  // How long a finished job and its result are kept before deletion.
  int64_t result_ttl_seconds = 24 * 3600;
  // Where the time comes from (the system clock when null).
  const Clock* clock = nullptr;
};

class JobRunner {
 public:
  explicit JobRunner(store::Db& db, JobRunnerOptions options = {});
  ~JobRunner();  // Stop()s
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Queues a job of `kind` for `owner_user_id` and wakes the runner.
  // kRateLimited (with retry_after_seconds) when the owner already has
  // max_pending_per_owner jobs pending; kUnavailable when max_pending jobs
  // are pending in all. Returns the job's id.
  Result<int64_t> Enqueue(std::string_view kind, int64_t owner_user_id, std::string_view input);

  // The job `id` as its owner sees it, with its result bytes when
  // `with_result`: 404 "任务不存在" when there is none or it is another
  // user's (whose jobs do not exist for anyone else).
  Result<domain::Job> Find(int64_t id, int64_t owner_user_id, bool with_result);

  // Deletes the jobs that finished more than result_ttl_seconds ago; returns
  // how many. The running thread does this about once a minute.
  Result<int64_t> DeleteExpired();

  // Registers the handler of a kind. Only before Start().
  void Handle(const std::string& kind, JobHandler handler);

  // Starts the thread. Jobs of kinds without a handler fail with a message.
  void Start();
  // Stops the thread: requests the handler in hand to stop and waits for
  // it. A job whose handler fails after the request goes back to the queue,
  // its attempt not counted, for this or another server to run later; one
  // that finishes meanwhile is stored as usual. Idempotent.
  void Stop();
  // Tells the thread a job was queued here, so it need not wait for a poll.
  void Wake();

  // Runs queued jobs on the calling thread until none is left; returns how
  // many ran. For tools and tests; not while Start()ed.
  Result<int> RunPending();

 private:
  // Claims and runs one job; false when there was none.
  Result<bool> RunOne();
  void Loop();
  int64_t Now() const;

  store::Db& db_;
  JobRunnerOptions options_;
  std::map<std::string, JobHandler> handlers_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::stop_source stopping_;  // requested by Stop(), renewed by Start()
  std::thread thread_;
};

}  // namespace rongping::jobs

#endif  // RONGPING_JOBS_JOB_RUNNER_H_
