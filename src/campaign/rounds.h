// Rounds (评估周期) and their targets: who may set them, what a valid round
// is, and what a change may not do. Every change is audited with the values
// before and after.
#ifndef RONGPING_CAMPAIGN_ROUNDS_H_
#define RONGPING_CAMPAIGN_ROUNDS_H_

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "campaign/target_rule.h"
#include "core/result.h"
#include "domain/principal.h"
#include "store/campaign.h"
#include "store/db.h"
#include "store/units.h"

namespace rongping::campaign {

// Whether `who`'s role may set rounds and targets at all: province and
// ministry admins.
bool MaySetRounds(const Principal& who);

// Whether `who` may change `round` and its targets: the ministry, or a
// province admin whose region contains the round's province.
bool MayAdministerRound(const Principal& who, const domain::Round& round,
                        const domain::ReferenceIndex& index);

// Whether `round` is one of `who`'s rounds, for reading what it holds: the
// ministry's always; a province, unit or association admin's when its
// region lies in the round's province; an enterprise's or an agency's
// always, since what they read of a round goes enterprise by enterprise
// (and each enterprise belongs to one province). Others get 404.
bool RoundConcerns(const Principal& who, const domain::Round& round,
                   const domain::ReferenceIndex& index);

// Checks a round's own values: the code (2-32 of [a-z0-9-], starting with a
// letter or digit), a name of 1-100 characters without control characters,
// opens_on not after closes_on and deadline, a year in 2000-2100, at least
// one known model. kInvalid naming the field.
Result<void> ValidateRound(const domain::Round& round);

// The date a round's `field` gives as `text` ("2016-06-30"); kInvalid
// naming the field when it is not a valid YYYY-MM-DD date.
Result<domain::Date> ParseRoundDate(std::string_view field, std::string_view text);

// Counting rules a change of a round names; those left out stay as stored
// (for a new round: as the domain::Round has them).
struct CountingRules {
  std::optional<store::Completion> completion;
  std::optional<store::EntryCount> entries;
};

// Creates round `round.code` or replaces it. In order:
//   403 unless `who` is a province or ministry admin;
//   404 when the round exists and `who` may not administer it (its
//       existence is not revealed);
//   422 when the round is invalid (ValidateRound) or its province_code is
//       not a province-level unit in `who`'s region;
//   409 "round_in_use" when the province or a counting rule would change
//       while the round has assessments (what was counted must stay
//       comparable: circulars already sent compare with what follows).
// Returns the stored round.
Result<domain::Round> PutRound(store::Db& db, const Principal& who, domain::Round round,
                                    const std::string& request_id, const CountingRules& rules = {});

// Sets the target of `unit_code` in a round. 403 unless a province or
// ministry admin; 404 when the round is unknown or `who` may not administer
// it, or when the unit is not a unit of the round's province in `who`'s
// region.
Result<void> PutTarget(store::Db& db, const Principal& who, const std::string& round_code,
                       const std::string& unit_code, const TargetRule& rule,
                       const std::string& request_id);

// Every round, the newest year first, then by code.
Result<std::vector<domain::Round>> ListRounds(store::Db& db);

// The rounds of `province_code`, oldest first: by year, then the day they
// open.
Result<std::vector<domain::Round>> ProvinceRounds(store::Db& db, const std::string& province_code);

// The round `code`; 404 "评估周期不存在" when there is none.
Result<domain::Round> GetRound(store::Db& db, const std::string& code);

// The footnote of a progress table or circular of `round`, in the notice's
// words: what 参与评估数 and 完成评估数 count under its rules.
std::string CountingNote(const domain::Round& round);

// A stage (发展阶段) as lists offer it.
struct Stage {
  std::string id;
  std::string title;
};
// The stages of the round's models, in the order of the first model that
// has each, each once.
std::vector<Stage> RoundStages(const domain::Round& round);

// The round as the API shows it and the audit trail records it:
// {code,name,year,province_code,models,opens_on,closes_on,deadline,
//  review_required,contacts_due,completion,entries,counting_note}; as read
// on `today` (China) also "state" (not_open | open | closed), "state_label"
// (未开始 | 填报中 | 已截止) and "stages" ([{id,title}], RoundStages).
nlohmann::ordered_json RoundToJson(const domain::Round& round,
                                   std::optional<domain::Date> today = std::nullopt);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_ROUNDS_H_
