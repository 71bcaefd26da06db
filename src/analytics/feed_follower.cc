#include "analytics/feed_follower.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

namespace rongping::analytics {

struct FeedFollower::Signal {
  std::mutex mu;
  std::condition_variable_any cv;
  bool woken = true;  // the first catch-up at once
  void Wake() {
    {
      std::lock_guard lock(mu);
      woken = true;
    }
    cv.notify_one();
  }
};

FeedFollower::FeedFollower(store::Db& db, ResultsSnapshot& results, ProgressSnapshot& progress,
                           FeedFollowerOptions options)
    : db_(db),
      results_(results),
      progress_(progress),
      options_(options),
      signal_(std::make_shared<Signal>()) {
  db_.SetFeedCommitListener([signal = signal_] { signal->Wake(); });
  results_.set_followed(true);
  progress_.set_followed(true);
  thread_ = std::jthread([this](std::stop_token stop) { Loop(stop); });
  if (db_.HasFeedNotices()) listener_ = std::jthread([this](std::stop_token stop) { Listen(stop); });
}

FeedFollower::~FeedFollower() {
  if (listener_.joinable()) {
    listener_.request_stop();
    listener_.join();  // within one wait for a notice
  }
  thread_.request_stop();
  signal_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
  results_.set_followed(false);
  progress_.set_followed(false);
}

void FeedFollower::Wake() { signal_->Wake(); }

void FeedFollower::Listen(std::stop_token stop) {
  constexpr auto kWait = std::chrono::milliseconds(200);  // how soon a stop is seen
  while (!stop.stop_requested()) {
    auto noticed = db_.WaitForFeedNotice(kWait);
    if (noticed && *noticed) Wake();
    if (!noticed) {
      // The connection is gone: the polls carry on; try again after one.
      std::unique_lock lock(signal_->mu);
      signal_->cv.wait_for(lock, stop, options_.poll, [] { return false; });
    }
  }
}

void FeedFollower::Loop(std::stop_token stop) {
  bool failing = false;
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(signal_->mu);
      signal_->cv.wait_for(lock, stop, options_.poll, [this] { return signal_->woken; });
      if (stop.stop_requested()) return;
      signal_->woken = false;
    }
    auto results = results_.CatchUp(db_);
    auto progress = progress_.CatchUp(db_);
    // One line when following starts failing and one when it recovers, not
    // one per poll; readers still catch up for their own writes meanwhile.
    const bool failed = !results || !progress;
    if (failed && !failing) {
      spdlog::error("跟随变更记录失败，稍后重试：{}",
                    !results ? results.error().message : progress.error().message);
    } else if (!failed && failing) {
      spdlog::info("跟随变更记录已恢复");
    }
    failing = failed;
  }
}

}  // namespace rongping::analytics
