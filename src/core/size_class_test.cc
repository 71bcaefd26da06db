#include "core/size_class.h"

#include <gtest/gtest.h>

namespace rongping {
namespace {

TEST(SizeClass, LargeNeedsBothBounds) {
  EXPECT_EQ(ClassifySize(1000, 40000), SizeClass::kLarge);
  EXPECT_EQ(ClassifySize(999, 40000), SizeClass::kMedium);
  EXPECT_EQ(ClassifySize(1000, 39999.9), SizeClass::kMedium);
  EXPECT_EQ(ClassifySize(50000, 1e6), SizeClass::kLarge);
}

TEST(SizeClass, MediumBoundaries) {
  EXPECT_EQ(ClassifySize(300, 2000), SizeClass::kMedium);
  EXPECT_EQ(ClassifySize(299, 2000), SizeClass::kSmall);
  EXPECT_EQ(ClassifySize(300, 1999.9), SizeClass::kSmall);
  // Meets only the employee bound of large and of medium: falls to small.
  EXPECT_EQ(ClassifySize(5000, 1000), SizeClass::kSmall);
}

TEST(SizeClass, SmallAndMicroBoundaries) {
  EXPECT_EQ(ClassifySize(20, 300), SizeClass::kSmall);
  EXPECT_EQ(ClassifySize(19, 300), SizeClass::kMicro);
  EXPECT_EQ(ClassifySize(20, 299.9), SizeClass::kMicro);
  EXPECT_EQ(ClassifySize(0, 0), SizeClass::kMicro);
  // Huge revenue with few people: only one bound of each class is met.
  EXPECT_EQ(ClassifySize(10, 100000), SizeClass::kMicro);
}

TEST(SizeClass, AboveScaleAt2000) {
  EXPECT_TRUE(IsAboveScale(2000));
  EXPECT_FALSE(IsAboveScale(1999.99));
}

TEST(SizeClass, NamesRoundTrip) {
  for (auto s : {SizeClass::kLarge, SizeClass::kMedium, SizeClass::kSmall, SizeClass::kMicro}) {
    EXPECT_EQ(ParseSizeClass(SizeClassName(s)), s);
  }
  EXPECT_EQ(SizeClassLabel(SizeClass::kMedium), "中型");
  EXPECT_FALSE(ParseSizeClass("huge"));
}

}  // namespace
}  // namespace rongping
