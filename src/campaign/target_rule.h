// Targets as rules over counts (domain.md §4): "min_completed:N",
// "min_share_above_scale:P" (percent of the unit's above-scale industrial
// enterprises), or both joined by "|" (either satisfies).
#ifndef RONGPING_CAMPAIGN_TARGET_RULE_H_
#define RONGPING_CAMPAIGN_TARGET_RULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rongping::campaign {

struct TargetRule {
  std::optional<int64_t> min_completed;
  std::optional<double> min_share_above_scale;  // percent, 0-100

  // The number of completed assessments that meets the rule: the smaller of
  // the alternatives. nullopt when the rule needs the above-scale count and
  // it is unknown (and there is no min_completed).
  std::optional<int64_t> RequiredCompleted(std::optional<int64_t> above_scale) const;

  // True when `completed` satisfies either alternative.
  bool IsMet(int64_t completed, std::optional<int64_t> above_scale) const;

  // The canonical text form, e.g. "min_completed:1000|min_share_above_scale:50".
  std::string ToString() const;
  // 中文 description, e.g. "完成评估不少于1000家或不少于规上工业企业数的50%".
  std::string Describe() const;
};

// Parses a rule; kInvalid with a message naming the bad part.
Result<TargetRule> ParseTargetRule(std::string_view text);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_TARGET_RULE_H_
