#include "jobs/job_runner.h"

#include <chrono>

#include <fmt/format.h>

#include "core/time.h"
#include <spdlog/spdlog.h>

namespace rongping::jobs {
JobRunner::JobRunner(store::Db& db, JobRunnerOptions options) : db_(db), options_(options) {}

int64_t JobRunner::Now() const { return (options_.clock ? *options_.clock : SystemClock::Get()).NowSeconds(); }

Result<domain::Job> JobRunner::Find(int64_t id, int64_t owner_user_id, bool with_result) {
  auto job = InTx(db_, store::TxMode::kRead, [&](store::Tx& tx) { return store::FindJob(tx, id, with_result); });
  if (!job) return Fail(job.error());
  if (!*job || (*job)->owner_user_id != owner_user_id) return Fail(Error::NotFound("任务不存在"));
  return std::move(**job);
}

Result<int64_t> JobRunner::Enqueue(std::string_view kind, int64_t owner_user_id, std::string_view input) {
  auto id = InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<int64_t> {
    auto pending = store::CountPendingJobs(tx, owner_user_id);
    if (!pending) return Fail(pending.error());
    if (pending->of_owner >= options_.max_pending_per_owner) {
      return Fail(Error::RateLimited(
          fmt::format("您已有{}项任务在排队或处理中，请等它们完成后再提交", pending->of_owner), 10));
    }
    if (pending->total >= options_.max_pending) {
      return Fail(Error::Unavailable("任务队列已满，请稍后再试", 30));
    }
    return store::EnqueueJob(tx, kind, owner_user_id, input);
  });
  if (id) Wake();
  return id;
}

Result<int64_t> JobRunner::DeleteExpired() {
  const std::string before = FormatRfc3339(Now() - options_.result_ttl_seconds);
  return InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) { return store::DeleteFinishedJobs(tx, before); });
}

JobRunner::~JobRunner() { Stop(); }

void JobRunner::Handle(const std::string& kind, JobHandler handler) { handlers_[kind] = std::move(handler); }

void JobRunner::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  stopping_ = std::stop_source();
  thread_ = std::thread([this] { Loop(); });
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stopping_.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobRunner::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

Result<bool> JobRunner::RunOne() {
  auto any = InTx(db_, store::TxMode::kRead, [this](store::Tx& tx) { return store::HasClaimableJob(tx, Now()); });
  if (!any) return Fail(any.error());
  if (!*any) return false;
  auto claimed = InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::ClaimJob(tx, Now(), options_.lease_seconds, options_.max_attempts);
  });
  if (!claimed) return Fail(claimed.error());
  if (!*claimed) return false;
  const domain::Job& job = **claimed;
  Result<JobOutput> output = Fail(Error::Invalid("unknown_job", fmt::format("无法处理“{}”类任务", job.kind)));
  if (auto h = handlers_.find(job.kind); h != handlers_.end()) {
    try {
      output = h->second(job, stopping_.get_token());
    } catch (const std::exception& e) {  // a handler's bug must not stop the runner
      output = Fail(Error::Internal(fmt::format("任务处理出错：{}", e.what())));
    }
  }
  const bool interrupted = !output && stopping_.stop_requested();
  auto stored = InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    auto r = output        ? store::FinishJob(tx, job.id, output->type, output->name, output->bytes)
             : interrupted ? store::ReleaseJob(tx, job)
                           : store::FailJob(tx, job.id, output.error().message);
    if (!r) return Fail(r.error());
    return true;
  });
  if (!stored) return Fail(stored.error());
  if (interrupted) {
    spdlog::info("job {} ({}) interrupted by the stop; queued again", job.id, job.kind);
  } else if (!output) {
    spdlog::warn("job {} ({}) failed: {}", job.id, job.kind, output.error().message);
  }
  return true;
}

Result<int> JobRunner::RunPending() {
  int ran = 0;
  for (;;) {
    auto one = RunOne();
    if (!one) return Fail(one.error());
    if (!*one) return ran;
    ++ran;
  }
}

void JobRunner::Loop() {
  int64_t last_sweep = 0;
  for (;;) {
    if (Now() - last_sweep >= 60) {
      if (auto swept = DeleteExpired(); !swept) spdlog::warn("job runner: {}", swept.error().message);
      last_sweep = Now();
    }
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_milliseconds),
                     [this] { return stop_ || woken_; });
      if (stop_) return;
      woken_ = false;
    }
    for (;;) {
      auto one = RunOne();
      if (!one) {
        spdlog::warn("job runner: {}", one.error().message);
        break;
      }
      if (!*one) break;
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
  }
}

}  // namespace rongping::jobs
