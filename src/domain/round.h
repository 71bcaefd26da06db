// A round's counting rules (评估周期的统计口径): what its progress counts as
// completed and as one entry.
#ifndef RONGPING_DOMAIN_ROUND_H_
#define RONGPING_DOMAIN_ROUND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"

namespace rongping::domain {

// What a round's progress (附件2) counts as completed (完成评估数). The
// notice defines it as entries "完成评估获得评分并在系统中上报": scored and
// submitted (上报), whether or not reviewed yet — kSubmitted counts
// submitted and approved assessments; kApproved counts approved ones only.
// Either way a rejected assessment is not completed.
enum class Completion { kSubmitted, kApproved };
// What one entry (条目) of 参与评估数 and 完成评估数 is when an enterprise has
// assessments of several models in a round: the enterprise (counted once)
// or each assessment.
enum class EntryCount { kEnterprise, kAssessment };

std::string_view CompletionName(Completion c);  // "submitted" | "approved"
std::optional<Completion> ParseCompletion(std::string_view name);
std::string_view EntryCountName(EntryCount e);  // "enterprise" | "assessment"
std::optional<EntryCount> ParseEntryCount(std::string_view name);

// A round (评估周期) of one province: its dates, the models it offers and
// its counting rules.
struct Round {
  std::string code;  // e.g. gd-2016
  std::string name;
  int64_t year = 0;
  std::string province_code;
  std::vector<std::string> models;  // model ids offered, in preference order
  Date opens_on;                    // the first day answers are accepted (China's calendar)
  Date closes_on;                   // the last day submissions are accepted
  Date deadline;                    // the day completion targets are due
  bool review_required = true;  // whether submissions are reviewed (approve/reject)
  std::optional<Date> contacts_due;  // the day the 联系人表 is due; unset when none
  Completion completion = Completion::kSubmitted;
  EntryCount entries = EntryCount::kEnterprise;
  // The 真实性承诺 a submitter confirms before submitting; empty when the
  // round asks for none.
  std::string pledge = {};
};

// Where a round stands on a day in China: before opens_on, from opens_on to
// closes_on (both included: answers are accepted on the last day), after.
enum class RoundState { kNotOpen, kOpen, kClosed };
RoundState StateOn(const Round& round, Date today);
std::string_view RoundStateName(RoundState state);   // "not_open" | "open" | "closed"
std::string_view RoundStateLabel(RoundState state);  // "未开始" | "填报中" | "已截止"

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_ROUND_H_
