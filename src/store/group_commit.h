// Group commit: write transactions of many threads gathered into one.
//
//   store::GroupCommit writes(db);
//   auto saved = writes.Write([&](store::Tx& tx) -> Result<Thing> { ... });
//
// Each job runs inside a savepoint of its own in a write transaction shared
// with the jobs other threads hand in meanwhile, and Write returns only once
// that transaction has committed: one commit (one fsync on PostgreSQL) and
// one turn of the single writer slot for the whole group. A job that fails
// rolls back its own writes only (ROLLBACK TO its savepoint); the others
// commit. Jobs run one after another, in the order they arrived, so each
// sees the writes of those before it, as separate transactions would.
//
// The first thread to find no group running leads one: it takes every job
// waiting (at most kMaxJobs), runs them on its own thread and commits, while
// the threads of those jobs wait; then the next waiting thread leads. Under
// no load a group is one job and costs two statements more than InTx.
#ifndef RONGPING_STORE_GROUP_COMMIT_H_
#define RONGPING_STORE_GROUP_COMMIT_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "core/result.h"
#include "store/db.h"

namespace rongping::store {

class GroupCommit {
 public:
  // The most jobs in one transaction.
  static constexpr size_t kMaxJobs = 256;

  // REQUIRES: `db` outlives this.
  explicit GroupCommit(Db& db) : db_(db) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Runs `job` in a group's transaction and returns its result once the
  // transaction has committed; when the commit (or the transaction's start)
  // fails, that error, and none of the job's writes are kept. `job` may run
  // on another thread while this one waits; it must not begin transactions
  // of its own on the same Db.
  Result<void> Run(const std::function<Result<void>(Tx&)>& job);

  // Run for a job with a result: the result, once committed.
  template <typename F>
  auto Write(F&& job) -> decltype(job(std::declval<Tx&>())) {
    std::optional<decltype(job(std::declval<Tx&>()))> out;
    auto done = Run([&](Tx& tx) -> Result<void> {
      out.emplace(job(tx));
      if (!*out) return Fail(out->error());
      return {};
    });
    if (!done) return Fail(done.error());
    return std::move(*out);
  }

  // Transactions committed or failed so far, and jobs run (for tests and
  // /metrics): jobs / groups is the mean group size.
  uint64_t groups() const;
  uint64_t jobs() const;

 private:
  struct Job {
    const std::function<Result<void>(Tx&)>* body;
    Result<void> result;
    bool done = false;
  };
  // Runs `group` in one transaction and sets each job's result.
  void RunGroup(const std::vector<Job*>& group);

  Db& db_;
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::deque<Job*> waiting_;
  bool leading_ = false;  // a group is running
  uint64_t groups_ = 0, jobs_ = 0;
};

}  // namespace rongping::store

#endif  // RONGPING_STORE_GROUP_COMMIT_H_
