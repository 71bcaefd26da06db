#include "core/clock.h"

#include <gtest/gtest.h>

namespace rongping {
namespace {

TEST(Clock, FixedClockGivesTheInstantAndTheDayInChina) {
  FixedClock clock = FixedClock::AtChinaDate("2016-06-30", 23);  // 23:00 in China
  EXPECT_EQ(clock.NowRfc3339(), "2016-06-30T15:00:00.000Z");
  EXPECT_EQ(clock.TodayInChina(), "2016-06-30");
  clock.AdvanceSeconds(3600);  // midnight in China, 16:00 UTC
  EXPECT_EQ(clock.TodayInChina(), "2016-07-01");
  EXPECT_EQ(clock.NowSeconds(), 1467302400);
  clock.Set(clock.NowMillis() + 42);
  EXPECT_EQ(clock.NowRfc3339(), "2016-06-30T16:00:00.042Z");
  EXPECT_EQ(FixedClock(-1).NowSeconds(), -1);  // floors before the epoch too
}

// A clock that moves on every reading: a stamp is made from one reading, so
// a second ticking over in between cannot give "…:01.-01Z".
TEST(Clock, AStampReadsTheClockOnce) {
  struct Ticking final : Clock {
    mutable int64_t next = 999;
    int64_t NowMillis() const override { return next++; }
  } clock;
  EXPECT_EQ(clock.NowRfc3339(), "1970-01-01T00:00:00.999Z");
  EXPECT_EQ(clock.NowRfc3339(), "1970-01-01T00:00:01.000Z");
}

TEST(Clock, SystemClockMoves) {
  const Clock& clock = SystemClock::Get();
  const int64_t before = clock.NowMillis();
  EXPECT_GT(before, int64_t{1'700'000'000} * 1000);
  EXPECT_GE(clock.NowMillis(), before);
  EXPECT_EQ(clock.NowRfc3339().size(), 24u);
}

}  // namespace
}  // namespace rongping
