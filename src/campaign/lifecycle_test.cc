// The guide an enterprise reads on its pages (GuideFor): which actions the
// server would accept and what to do next, for each status and round state.
#include "campaign/lifecycle.h"

#include <gtest/gtest.h>

namespace rongping::campaign {
namespace {

using domain::AssessmentStatus;
using domain::Date;
using domain::RoundState;

domain::Round Round2016() {
  domain::Round r;
  r.code = "gd-2016";
  r.opens_on = Date::Of("2016-04-20");
  r.closes_on = Date::Of("2016-06-30");
  r.deadline = Date::Of("2016-06-30");
  return r;
}

domain::Assessment With(AssessmentStatus status, std::optional<std::string> reason = std::nullopt) {
  domain::Assessment a;
  a.status = status;
  a.review_reason = std::move(reason);
  return a;
}

const FillInRights kEnterprise{true, true};
const FillInRights kOfficial{false, false};
const FillInRights kAgencyFillingOnly{true, false};

TEST(AssessmentGuide, ARoundIsOpenFromItsFirstToItsLastDay) {
  const auto r = Round2016();
  EXPECT_EQ(domain::StateOn(r, Date::Of("2016-04-19")), RoundState::kNotOpen);
  EXPECT_EQ(domain::StateOn(r, Date::Of("2016-04-20")), RoundState::kOpen);
  EXPECT_EQ(domain::StateOn(r, Date::Of("2016-06-30")), RoundState::kOpen);
  EXPECT_EQ(domain::StateOn(r, Date::Of("2016-07-01")), RoundState::kClosed);
}

TEST(AssessmentGuide, ADraftInAnOpenRoundIsTheFillersToEditAndSubmit) {
  const Date day = Date::Of("2016-05-10");
  auto g = GuideFor(With(AssessmentStatus::kDraft), Round2016(), day, kEnterprise);
  EXPECT_TRUE(g.can_edit && g.can_submit);
  EXPECT_FALSE(g.can_withdraw);
  EXPECT_NE(g.next_step.find("2016年6月30日"), std::string::npos) << g.next_step;
  auto agency = GuideFor(With(AssessmentStatus::kDraft), Round2016(), day, kAgencyFillingOnly);
  EXPECT_TRUE(agency.can_edit);
  EXPECT_FALSE(agency.can_submit);
  auto official = GuideFor(With(AssessmentStatus::kDraft), Round2016(), day, kOfficial);
  EXPECT_FALSE(official.can_edit || official.can_submit || official.can_withdraw);
}

TEST(AssessmentGuide, ASubmittedOneMayBeWithdrawnBeforeReviewWhileTheRoundIsOpen) {
  auto g = GuideFor(With(AssessmentStatus::kSubmitted), Round2016(), Date::Of("2016-05-10"),
                    kEnterprise);
  EXPECT_FALSE(g.can_edit || g.can_submit);
  EXPECT_TRUE(g.can_withdraw);
  EXPECT_NE(g.next_step.find("等待主管部门审核"), std::string::npos);
  EXPECT_NE(g.next_step.find("撤回"), std::string::npos);
  auto closed = GuideFor(With(AssessmentStatus::kSubmitted), Round2016(), Date::Of("2016-07-01"),
                         kEnterprise);
  EXPECT_FALSE(closed.can_withdraw);  // it could not be submitted again
  EXPECT_EQ(closed.next_step.find("撤回"), std::string::npos);
}

TEST(AssessmentGuide, AReturnedOneSaysWhyAndOpensForChanges) {
  const std::string why = "主营业务收入与财务报表不一致";
  auto g = GuideFor(With(AssessmentStatus::kRejected, why), Round2016(), Date::Of("2016-05-10"),
                    kEnterprise);
  EXPECT_TRUE(g.can_edit && g.can_submit);
  EXPECT_NE(g.next_step.find(why), std::string::npos);
  EXPECT_NE(g.next_step.find("重新提交"), std::string::npos);
  auto closed = GuideFor(With(AssessmentStatus::kRejected, why), Round2016(),
                         Date::Of("2016-07-01"), kEnterprise);
  EXPECT_FALSE(closed.can_edit || closed.can_submit);
  EXPECT_NE(closed.next_step.find(why), std::string::npos);
  EXPECT_NE(closed.next_step.find("2016年6月30日截止"), std::string::npos) << closed.next_step;
}

TEST(AssessmentGuide, ClosedAndNotYetOpenRoundsAreAnnounced) {
  auto before =
      GuideFor(With(AssessmentStatus::kDraft), Round2016(), Date::Of("2016-04-01"), kEnterprise);
  EXPECT_EQ(before.round_state, RoundState::kNotOpen);
  EXPECT_FALSE(before.can_edit || before.can_submit);
  EXPECT_NE(before.next_step.find("2016年4月20日开始"), std::string::npos) << before.next_step;
  auto after =
      GuideFor(With(AssessmentStatus::kDraft), Round2016(), Date::Of("2016-07-01"), kEnterprise);
  EXPECT_EQ(after.round_state, RoundState::kClosed);
  EXPECT_FALSE(after.can_edit || after.can_submit);
  EXPECT_NE(after.next_step.find("截止"), std::string::npos);
  auto approved =
      GuideFor(With(AssessmentStatus::kApproved), Round2016(), Date::Of("2016-05-10"), kEnterprise);
  EXPECT_FALSE(approved.can_edit || approved.can_submit || approved.can_withdraw);
  EXPECT_NE(approved.next_step.find("已通过审核"), std::string::npos);
}

}  // namespace
}  // namespace rongping::campaign
