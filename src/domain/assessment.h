// An enterprise's assessment (评估答卷) in a round, and the events of its
// lifecycle (draft → submitted → approved or rejected).
#ifndef RONGPING_DOMAIN_ASSESSMENT_H_
#define RONGPING_DOMAIN_ASSESSMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/date.h"
#include "domain/unit_code.h"
#include "domain/uscc.h"

namespace rongping::domain {

// Where an assessment stands: a draft (草稿), submitted and waiting for
// review, approved, or sent back (rejected, with a reason) to be changed
// and submitted again.
enum class AssessmentStatus { kDraft, kSubmitted, kApproved, kRejected };

// "draft", "submitted", "approved", "rejected": as stored and in the API.
std::string_view AssessmentStatusName(AssessmentStatus status);
std::optional<AssessmentStatus> ParseAssessmentStatus(std::string_view name);
// 中文: 草稿, 已提交待审核, 已通过, 已退回.
std::string_view AssessmentStatusLabel(AssessmentStatus status);

struct Assessment {
  int64_t id = 0;
  std::string round_code;
  Uscc uscc;
  std::string model_id;
  UnitCode unit_code;  // the enterprise's unit when it was filled in
  std::string production_type;
  AssessmentStatus status = AssessmentStatus::kDraft;
  std::string answers_json;
  int64_t version = 0;
  std::optional<double> total;
  std::optional<int64_t> level_index;
  std::optional<std::string> level_id;
  std::optional<std::string> model_hash;
  std::optional<std::string> score_vector;  // scoring::EncodeScoreVector of the stored result
  std::optional<std::string> submitted_at;
  std::optional<std::string> reviewed_at;
  std::optional<std::string> reviewer;
  std::optional<std::string> review_reason;
  std::string created_at;
  std::string updated_at;
};

// One change of an assessment's status, as its history shows it.
struct AssessmentEvent {
  int64_t assessment_id = 0;
  std::string at;  // RFC 3339 UTC
  std::string actor;
  std::optional<AssessmentStatus> from_status;  // none: created
  AssessmentStatus to_status = AssessmentStatus::kDraft;
  std::optional<std::string> reason;
};

// Which assessments of a round to list (the review queue), the most
// recently changed first. Unset or empty fields do not filter.
// The order of a list of assessments: by when each was last changed, was
// submitted, or by its total; those without a date or total come last
// either way. Ties in id order.
enum class AssessmentOrder { kUpdated, kSubmitted, kTotal };

struct AssessmentQuery {
  std::string round;
  std::string unit;  // this unit and the units under it
  std::optional<AssessmentStatus> status;
  std::string industry;                // an industry division (行业大类) code
  std::string level;                   // a stage id of the round's models
  std::optional<Date> submitted_from;  // submitted on or after this day (China)
  std::optional<Date> submitted_to;    // submitted on or before this day (China)
  std::string text;                    // part of the enterprise's name, or the start of its code
  int64_t limit = 50;
  int64_t offset = 0;
  AssessmentOrder order = AssessmentOrder::kUpdated;
  bool descending = true;  // newest, highest first
};

// A 真实性承诺 confirmed with a submission: the round's text as it stood,
// who confirmed it, and when (the submission's own time).
struct Pledge {
  std::string text;
  std::string username;
  std::string at;
};

// An agency's (服务机构) access to one enterprise, as the enterprise sees it.
struct AgencyGrant {
  std::string agency_username;
  std::string agency_name;
  bool can_submit = false;
  std::string granted_at;
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_ASSESSMENT_H_
