// Repositories for rounds, assessments (with their lifecycle events) and
// targets.
#ifndef RONGPING_STORE_CAMPAIGN_H_
#define RONGPING_STORE_CAMPAIGN_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/assessment.h"
#include "domain/principal.h"
#include "domain/round.h"
#include "store/db.h"

namespace rongping::store {

using domain::Completion;
using domain::CompletionName;
using domain::EntryCount;
using domain::EntryCountName;
using domain::ParseCompletion;
using domain::ParseEntryCount;


Result<void> UpsertRound(Tx& tx, const domain::Round& round);
// The round `code`, or nullopt. In a read transaction, from memory while no
// round was written since it was last read (store/memo.h).
Result<std::optional<domain::Round>> FindRound(Tx& tx, std::string_view code);
Result<std::vector<domain::Round>> ListRounds(Tx& tx);
// Whether the round has any assessment record (draft or later).
Result<bool> RoundHasAssessments(Tx& tx, std::string_view code);


// The enterprise's assessment in a round (any model), or nullopt.
Result<std::optional<domain::Assessment>> FindAssessment(Tx& tx, std::string_view round_code,
                                                       std::string_view uscc);

// Inserts (id 0) or updates by id when the stored version equals
// `expected_version`; bumps the version. kConflict when stale. Returns the
// stored record.
Result<domain::Assessment> SaveAssessment(Tx& tx, domain::Assessment record, int64_t expected_version);

Result<void> RecordAssessmentEvent(Tx& tx, const domain::AssessmentEvent& event);
Result<std::vector<domain::AssessmentEvent>> ListAssessmentEvents(Tx& tx, int64_t assessment_id);

// Keeps the pledge confirmed with a submission of assessment `assessment_id`.
Result<void> RecordPledge(Tx& tx, int64_t assessment_id, const domain::Pledge& pledge);
// The pledge confirmed with the assessment's current submission; nullopt
// when it is not submitted or its submission came without one.
Result<std::optional<domain::Pledge>> FindPledge(Tx& tx, const domain::Assessment& assessment);

// The change feed: assessments written after `after_seq`, oldest first,
// with their current state (an assessment written twice appears twice).
// Views are valid only during the callback.
struct AssessmentChange {
  int64_t id = 0;
  std::string_view round_code;
  std::string_view uscc;
  std::string_view unit_code;
  std::string_view status;
};
struct ChangeBatch {
  int64_t last_seq = 0;  // the newest sequence read (after_seq when none)
  bool more = false;     // the batch hit `limit`
};
// Calls `on_change` for at most `limit` changes after `after_seq`, in order.
Result<ChangeBatch> ScanChanges(Tx& tx, int64_t after_seq, int64_t limit,
                                const std::function<void(const AssessmentChange&)>& on_change);

// Per reporting unit of a round: entries with any assessment record
// (participating, 参与评估数) and with a completed one (完成评估数), as the
// round's Completion and EntryCount say.
struct UnitCounts {
  std::string unit_code;
  int64_t participating = 0;
  int64_t completed = 0;
};
struct CountQuery {
  // Only enterprises of these industry divisions (an association's view);
  // empty: all.
  std::vector<std::string> industries;
  // Count the round as it stood just before this instant ("2016-06-30T16:00:00.000Z",
  // RFC 3339 UTC as event times are stored), from each assessment's event
  // history: an assessment takes part once its first event is before the
  // instant, with the status of its last event before it. Empty: now.
  std::string before;
};
Result<std::vector<UnitCounts>> CountByUnit(Tx& tx, std::string_view round_code, const CountQuery& query = {});

// Assessments of a round in the principal's scope, optionally one unit's
// subtree and one status, for drill-down and review queues.
struct AssessmentListItem {
  domain::Assessment assessment;
  std::string enterprise_name;
};
// One page of a query's assessments and how many match in all.
struct AssessmentPage {
  std::vector<AssessmentListItem> items;
  int64_t total = 0;
};
// The assessments of `query` among those `who` may see, without their
// answers and score vectors (empty, unset).
Result<AssessmentPage> ListAssessments(Tx& tx, const Principal& who,
                                       const domain::AssessmentQuery& query);

// 督办: what is outstanding for an enterprise in a round. Not started (no
// assessment), a draft not submitted, sent back and not submitted again, or
// submitted and waiting for review since before a cutoff.
enum class Outstanding { kNotStarted, kDraft, kRejected, kWaitingReview };
inline constexpr Outstanding kOutstandingKinds[] = {Outstanding::kNotStarted, Outstanding::kDraft,
                                                    Outstanding::kRejected, Outstanding::kWaitingReview};
std::string_view OutstandingName(Outstanding o);  // not_started | draft | rejected | waiting_review
std::optional<Outstanding> ParseOutstanding(std::string_view name);

struct OutstandingRow {
  std::string uscc;
  std::string name;
  std::string unit_code;
  std::optional<std::string> contact_name, contact_phone, contact_email;
  Outstanding state = Outstanding::kNotStarted;
  std::optional<std::string> since;  // last change (submission, for one waiting); none when not started
  std::optional<std::string> reminded_at = {};  // the last 督办 reminder of the round it was sent; none: never
};

struct OutstandingQuery {
  std::string round;
  std::string unit;  // the subtree listed; REQUIRES: within the round's province
  std::optional<Outstanding> state;  // empty: every kind
  bool review_required = true;       // whether submissions wait for review at all
  std::string submitted_before;      // RFC 3339: a submission waits too long before this
  int64_t limit = 50;
  int64_t offset = 0;
};

struct OutstandingPage {
  std::map<Outstanding, int64_t> counts;  // by kind, over all of `query` but its state
  int64_t total = 0;                      // rows matching `query`, state included
  std::vector<OutstandingRow> rows;       // not started first, then drafts, sent back, waiting; by unit, name
};

// The enterprises in `who`'s scope with something outstanding in a round.
Result<OutstandingPage> ListOutstanding(Tx& tx, const Principal& who, const OutstandingQuery& query);

// One of an enterprise's assessments with its round's name.
struct RoundAssessment {
  domain::Assessment assessment;
  std::string round_name;
};
// Every assessment of an enterprise, oldest round first (for its trend),
// without its answers and score vector (empty, unset).
Result<std::vector<RoundAssessment>> ListEnterpriseAssessments(Tx& tx, std::string_view uscc);

// What a read of the enterprise `uscc` and its assessments can show, in one
// statement, as text: the store versions (MemoKind's counters: kept in a
// kRead or kReadOne `tx` as ReadStoreVersions keeps them) and the columns of
// the enterprise and of each of its assessments that its diagnosis shows,
// groups peers by or is scoped by (the enterprise's unit and industry).
// Equal texts mean that none of these changed, also when they were written
// by hand; the text names no other enterprise. The one statement of a
// kReadOne `tx`, or the first of a kRead one.
Result<std::string> ReadEnterpriseStamp(Tx& tx, std::string_view uscc);

Result<void> UpsertTarget(Tx& tx, std::string_view round_code, std::string_view unit_code,
                          std::string_view rule);
// The rule text of the unit's target in the round; nullopt when unset.
Result<std::optional<std::string>> FindTarget(Tx& tx, std::string_view round_code,
                                              std::string_view unit_code);
// unit code -> rule text.
Result<std::vector<std::pair<std::string, std::string>>> ListTargets(Tx& tx,
                                                                     std::string_view round_code);

// Agency grants: whether `agency_user_id` may act for `uscc`, and submit.
struct Grant {
  bool exists = false;
  bool can_submit = false;
};
Result<Grant> FindGrant(Tx& tx, int64_t agency_user_id, std::string_view uscc);

// Grants or updates an agency's access to an enterprise.
Result<void> PutGrant(Tx& tx, int64_t agency_user_id, std::string_view uscc, bool can_submit);
// Removes it; returns whether there was one.
Result<bool> DeleteGrant(Tx& tx, int64_t agency_user_id, std::string_view uscc);
Result<std::vector<domain::AgencyGrant>> ListGrants(Tx& tx, std::string_view uscc);

}  // namespace rongping::store

#endif  // RONGPING_STORE_CAMPAIGN_H_
