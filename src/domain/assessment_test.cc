#include "domain/assessment.h"

#include <gtest/gtest.h>

namespace rongping::domain {
namespace {

TEST(AssessmentStatus, NamesRoundTripAndLabelsAreChinese) {
  const AssessmentStatus all[] = {AssessmentStatus::kDraft, AssessmentStatus::kSubmitted,
                                  AssessmentStatus::kApproved, AssessmentStatus::kRejected};
  const char* names[] = {"draft", "submitted", "approved", "rejected"};
  const char* labels[] = {"草稿", "已提交待审核", "已通过", "已退回"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(AssessmentStatusName(all[i]), names[i]);
    EXPECT_EQ(ParseAssessmentStatus(names[i]), all[i]);
    EXPECT_EQ(AssessmentStatusLabel(all[i]), labels[i]);
  }
  EXPECT_FALSE(ParseAssessmentStatus("Draft"));
  EXPECT_FALSE(ParseAssessmentStatus(""));
  EXPECT_FALSE(ParseAssessmentStatus("withdrawn"));
}

}  // namespace
}  // namespace rongping::domain
