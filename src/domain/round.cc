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

}  // namespace rongping::domain
