#include "core/lru_cache.h"

#include <gtest/gtest.h>

namespace rongping {
namespace {

TEST(LruCache, ForgetsTheLeastRecentlyUsedBeyondItsCapacity) {
  LruCache<int> cache(2);
  EXPECT_EQ(cache.Get("a"), nullptr);
  cache.Put("a", std::make_shared<const int>(1));
  cache.Put("b", std::make_shared<const int>(2));
  ASSERT_NE(cache.Get("a"), nullptr);  // a is now the most recent
  cache.Put("c", std::make_shared<const int>(3));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get("b"), nullptr);
  EXPECT_EQ(*cache.Get("a"), 1);
  EXPECT_EQ(*cache.Get("c"), 3);
  // A key kept already keeps its value.
  cache.Put("a", std::make_shared<const int>(9));
  EXPECT_EQ(*cache.Get("a"), 1);
}

}  // namespace
}  // namespace rongping
