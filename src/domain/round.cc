#include "domain/round.h"

namespace rongping::domain {

std::string_view CompletionName(Completion c) { return c == Completion::kApproved ? "approved" : "submitted"; }

std::optional<Completion> ParseCompletion(std::string_view name) {
  if (name == "submitted") return Completion::kSubmitted;
  if (name == "approved") return Completion::kApproved;
  return std::nullopt;
}

std::string_view EntryCountName(EntryCount e) { return e == EntryCount::kAssessment ? "assessment" : "enterprise"; }

std::optional<EntryCount> ParseEntryCount(std::string_view name) {
  if (name == "enterprise") return EntryCount::kEnterprise;
  if (name == "assessment") return EntryCount::kAssessment;
  return std::nullopt;
}

RoundState StateOn(const Round& round, Date today) {
  if (today < round.opens_on) return RoundState::kNotOpen;
  return today > round.closes_on ? RoundState::kClosed : RoundState::kOpen;
}

std::string_view RoundStateName(RoundState state) {
  switch (state) {
    case RoundState::kNotOpen:
      return "not_open";
    case RoundState::kClosed:
      return "closed";
    case RoundState::kOpen:
      break;
  }
  return "open";
}

std::string_view RoundStateLabel(RoundState state) {
  switch (state) {
    case RoundState::kNotOpen:
      return "未开始";
    case RoundState::kClosed:
      return "已截止";
    case RoundState::kOpen:
      break;
  }
  return "填报中";
}

}  // namespace rongping::domain
