#include "domain/date.h"

#include <gtest/gtest.h>

namespace rongping::domain {
namespace {

TEST(Date, ParsesOnlyValidCalendarDates) {
  EXPECT_EQ(Date::Parse("2016-06-30")->ToString(), "2016-06-30");
  EXPECT_EQ(Date::Parse("2016-02-29")->ToString(), "2016-02-29");
  EXPECT_EQ(Date::Parse("1970-01-01")->days(), 0);
  for (const char* bad :
       {"2017-02-29", "2016-02-30", "2016-13-01", "2016-00-10", "2016-6-30", "2016/06/30",
        " 2016-06-30", "2016-06-30 ", "", "May 10", "2016-06-3x", "１０１６-06-30"}) {
    EXPECT_FALSE(Date::Parse(bad)) << bad;
  }
}

TEST(Date, ComparesAsDaysAndCounts) {
  Date opens = *Date::Parse("2016-04-01"), closes = *Date::Parse("2016-06-30");
  EXPECT_LT(opens, closes);
  EXPECT_EQ(closes.DaysSince(opens), 90);
  EXPECT_EQ(opens.DaysSince(closes), -90);
  EXPECT_EQ(opens.AddDays(90), closes);
  EXPECT_EQ(Date::Parse("2016-12-31")->AddDays(1).ToString(), "2017-01-01");
  EXPECT_EQ(Date::FromDays(closes.days()), closes);
}

TEST(Date, ReadsAsOfficialsWriteIt) {
  Date d = *Date::Parse("2016-06-05");
  EXPECT_EQ(d.ToChinese(), "2016年6月5日");
  EXPECT_EQ(d.year(), 2016);
  EXPECT_EQ(d.month(), 6);
  EXPECT_EQ(d.day(), 5);
}

TEST(Date, TodayIsChinasDay) {
  // 2016-06-30 23:00 in China is still 15:00 UTC of the same day; an hour
  // later it is 2016-07-01 in China while UTC is still on 06-30.
  FixedClock clock = FixedClock::AtChinaDate("2016-06-30", 23);
  EXPECT_EQ(Date::TodayInChina(clock).ToString(), "2016-06-30");
  clock.AdvanceSeconds(3600);
  EXPECT_EQ(Date::TodayInChina(clock).ToString(), "2016-07-01");
}

}  // namespace
}  // namespace rongping::domain
