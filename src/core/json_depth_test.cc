#include "core/json_depth.h"

#include <string>

#include <gtest/gtest.h>

namespace rongping {
namespace {

TEST(JsonDepth, CountsArraysAndObjectsTogether) {
  EXPECT_FALSE(JsonNestingExceeds(R"({"a":[{"b":[1]}]})", 4));
  EXPECT_EQ(JsonNestingExceeds(R"({"a":[{"b":[1]}]})", 3), size_t{11});
  EXPECT_FALSE(JsonNestingExceeds("", 0));
  EXPECT_FALSE(JsonNestingExceeds("123", 0));
  EXPECT_EQ(JsonNestingExceeds("[]", 0), size_t{0});
}

TEST(JsonDepth, SiblingsDoNotAddUp) {
  std::string wide = "[";
  for (int i = 0; i < 10000; ++i) wide += "[1],";
  wide += "[]]";
  EXPECT_FALSE(JsonNestingExceeds(wide, 2));
}

TEST(JsonDepth, BracketsInsideStringsAreText) {
  EXPECT_FALSE(JsonNestingExceeds(R"({"a":"[[[[{{{{"})", 1));
  // An escaped quote does not end the string; an escaped backslash does not
  // escape the quote after it.
  EXPECT_FALSE(JsonNestingExceeds(R"(["\"[[[["])", 1));
  EXPECT_EQ(JsonNestingExceeds(R"(["\\",[[1]]])", 2), size_t{7});
}

TEST(JsonDepth, RefusesTheDeepBodyThatOverflowedTheStack) {
  // 80,000 levels in 160 KB: what once crashed the server on login.
  std::string deep = std::string(80000, '[') + std::string(80000, ']');
  EXPECT_EQ(JsonNestingExceeds(deep), size_t{kMaxJsonDepth});
  std::string deep_objects;
  for (int i = 0; i < 80000; ++i) deep_objects += "{\"a\":";
  EXPECT_TRUE(JsonNestingExceeds(deep_objects));
}

TEST(JsonDepth, UnbalancedClosersDoNotUnderflow) {
  EXPECT_FALSE(JsonNestingExceeds("]]]]}}}}[[", 2));
  EXPECT_EQ(JsonNestingExceeds("]]]][[[", 2), size_t{6});
}

}  // namespace
}  // namespace rongping
