#include "store/group_commit.h"

#include <exception>

namespace rongping::store {

Result<void> GroupCommit::Run(const std::function<Result<void>(Tx&)>& job) {
  Job mine{&job, {}, false};
  std::unique_lock lock(mu_);
  waiting_.push_back(&mine);
  while (!mine.done) {
    if (leading_) {
      done_.wait(lock);
      continue;
    }
    leading_ = true;
    std::vector<Job*> group;
    while (!waiting_.empty() && group.size() < kMaxJobs) {
      group.push_back(waiting_.front());
      waiting_.pop_front();
    }
    lock.unlock();
    RunGroup(group);
    lock.lock();
    for (Job* j : group) j->done = true;
    ++groups_;
    jobs_ += group.size();
    leading_ = false;
    done_.notify_all();
  }
  return std::move(mine.result);
}

void GroupCommit::RunGroup(const std::vector<Job*>& group) {
  auto fail_all = [&group](const Error& e) {
    for (Job* j : group) j->result = Fail(e);
  };
  auto tx = db_.Begin(TxMode::kWrite);
  if (!tx) return fail_all(tx.error());
  for (Job* j : group) {
    if (auto s = (*tx)->Exec("SAVEPOINT job"); !s) return fail_all(s.error());
    try {
      j->result = (*j->body)(**tx);
    } catch (const std::exception& e) {
      j->result = Fail(Error::Internal(std::string("写入时出现异常：") + e.what()));
    } catch (...) {  // never out of the leader: the others wait for it
      j->result = Fail(Error::Internal("写入时出现未知异常"));
    }
    if (!j->result) {
      if (auto r = (*tx)->Exec("ROLLBACK TO SAVEPOINT job"); !r) return fail_all(r.error());
    }
    if (auto r = (*tx)->Exec("RELEASE SAVEPOINT job"); !r) return fail_all(r.error());
  }
  if (auto c = (*tx)->Commit(); !c) {
    for (Job* j : group) {
      if (j->result) j->result = Fail(c.error());
    }
  }
}

uint64_t GroupCommit::groups() const {
  std::lock_guard lock(mu_);
  return groups_;
}

uint64_t GroupCommit::jobs() const {
  std::lock_guard lock(mu_);
  return jobs_;
}

}  // namespace rongping::store
