#include "domain/round.h"

#include <utility>

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

namespace {
// By RoundState, in declaration order: the API's name and the words.
constexpr std::pair<std::string_view, std::string_view> kStateWords[] = {
    {"not_open", "未开始"}, {"open", "填报中"}, {"closed", "已截止"}};
}  // namespace

std::string_view RoundStateName(RoundState state) {
  return kStateWords[static_cast<int>(state)].first;
}

std::string_view RoundStateLabel(RoundState state) {
  return kStateWords[static_cast<int>(state)].second;
}

}  // namespace rongping::domain
