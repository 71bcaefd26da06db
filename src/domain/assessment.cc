#include "domain/assessment.h"

namespace rongping::domain {

std::string_view AssessmentStatusName(AssessmentStatus status) {
  switch (status) {
    case AssessmentStatus::kDraft:
      return "draft";
    case AssessmentStatus::kSubmitted:
      return "submitted";
    case AssessmentStatus::kApproved:
      return "approved";
    case AssessmentStatus::kRejected:
      return "rejected";
  }
  return "draft";
}

std::optional<AssessmentStatus> ParseAssessmentStatus(std::string_view name) {
  for (AssessmentStatus s : {AssessmentStatus::kDraft, AssessmentStatus::kSubmitted,
                             AssessmentStatus::kApproved, AssessmentStatus::kRejected}) {
    if (AssessmentStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view AssessmentStatusLabel(AssessmentStatus status) {
  switch (status) {
    case AssessmentStatus::kDraft:
      return "草稿";
    case AssessmentStatus::kSubmitted:
      return "已提交待审核";
    case AssessmentStatus::kApproved:
      return "已通过";
    case AssessmentStatus::kRejected:
      return "已退回";
  }
  return "草稿";
}

}  // namespace rongping::domain
