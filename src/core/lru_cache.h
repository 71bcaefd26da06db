// A thread-safe map of at most `capacity` values by string key that forgets
// the least recently used: for results of pure functions that are costly to
// make and asked for again (an assessment's score, its path to the next
// stage), never for anything that can go stale.
//
//   LruCache<Path> paths(4096);
//   if (auto hit = paths.Get(key)) return *hit;
//   auto made = std::make_shared<const Path>(Find(...));
//   paths.Put(key, made);
#ifndef RONGPING_CORE_LRU_CACHE_H_
#define RONGPING_CORE_LRU_CACHE_H_

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace rongping {

template <typename Value>
class LruCache {
 public:
  // REQUIRES: capacity >= 1.
  explicit LruCache(size_t capacity) : capacity_(capacity) {}
  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  // The value kept under `key`, now the most recently used; null when none.
  std::shared_ptr<const Value> Get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second.second);
    return it->second.first;
  }

  // Keeps `value` under `key` unless a value is kept there already (made by
  // another thread meanwhile: the same value, a pure function's); forgets
  // the least recently used beyond the capacity.
  void Put(const std::string& key, std::shared_ptr<const Value> value) {
    std::lock_guard lock(mu_);
    if (entries_.count(key)) return;
    order_.push_front(key);
    entries_.emplace(key, std::make_pair(std::move(value), order_.begin()));
    if (entries_.size() > capacity_) {
      entries_.erase(order_.back());
      order_.pop_back();
    }
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, std::pair<std::shared_ptr<const Value>, std::list<std::string>::iterator>> entries_;
};

}  // namespace rongping

#endif  // RONGPING_CORE_LRU_CACHE_H_
