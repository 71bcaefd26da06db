// The assessment lifecycle of one enterprise in one round:
//   draft (暂存) -> submitted (待审核) -> approved (审核通过) | rejected (审核驳回)
// with autosave versions, scoring at submission (stored with the model
// hash), review by the unit's admin, resubmission after rejection and
// withdrawal before review. Every transition is recorded (who, when, why)
// in the same transaction as the change.
#ifndef RONGPING_CAMPAIGN_LIFECYCLE_H_
#define RONGPING_CAMPAIGN_LIFECYCLE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/group_commit.h"
#include "domain/principal.h"
#include "domain/enterprise.h"
#include "model/model.h"
#include "scoring/scorer.h"
#include "store/campaign.h"
#include "store/db.h"

namespace rongping::campaign {

// Who may fill in and submit an enterprise's assessment: the enterprise
// itself, or an agency it granted (submitting only with can_submit).
struct FillInRights {
  bool fill_in = false;
  bool submit = false;
};

// What the caller may do with an assessment now and what comes next, as
// the enterprise reads it on every page: the round's state, the actions the
// server would accept (the web app shows only these), and the next step in
// words (中文), with the reviewer's reason when it was sent back.
struct AssessmentGuide {
  domain::RoundState round_state = domain::RoundState::kOpen;
  bool can_edit = false;  // save answers (a draft, or a returned assessment)
  bool can_submit = false;
  bool can_withdraw = false;  // take a submitted, unreviewed assessment back
  std::string next_step;
};

// The guide for `a` in `round` on `today` (China) for a caller with
// `rights`. Mirrors the rules SaveDraft, Submit and Withdraw enforce.
AssessmentGuide GuideFor(const domain::Assessment& a, const domain::Round& round,
                         domain::Date today, FillInRights rights);

struct AssessmentView {
  domain::Assessment record;
  std::shared_ptr<const model::Model> model;
  scoring::ScoreResult result;  // current scoring of the stored answers
  Enterprise enterprise;        // its record, as the caller may see it
  // Its status changes, oldest first; filled by GetWithHistory only.
  std::vector<domain::AssessmentEvent> history;
  AssessmentGuide guide;  // for the caller, now
  std::string round_name;  // the round's name, as documents title it
  // The 真实性承诺 confirmed with the current submission, if any; filled by
  // GetWithHistory and Submit.
  std::optional<domain::Pledge> pledge;
};

// Answers (a JSON object: question id -> answer) read for a model; kInvalid
// naming the first problem and how many there are, each in `details` (may
// be null) with the field "answers.<question>".
Result<scoring::ParsedAnswers> ParseAnswersStrictly(const model::Model& m, const std::string& json,
                                                    std::vector<Error>* details);

// kInvalid "inconsistent_answers" when `result` breaks a consistency rule of
// severity error (model.consistency_rules): the first rule in the message,
// every one in `details` (field "answers.<first question>", the rule's
// message, id and questions). nullopt when none is broken.
std::optional<Error> InconsistencyError(const model::Model& model, const scoring::ScoreResult& result,
                                        std::vector<Error>* details);

// The review queue's parameters as a request gives them (text), checked by
// LifecycleService::List. Empty ones do not filter.
struct AssessmentListRequest {
  std::string round;
  std::string unit;
  std::string status;          // draft | submitted | approved | rejected
  std::string industry;        // an industry division code
  std::string level;           // a stage id
  std::string submitted_from;  // YYYY-MM-DD, China
  std::string submitted_to;    // YYYY-MM-DD, China, included
  std::string text;            // part of a name, or the start of a code
  int64_t limit = 50;
  int64_t offset = 0;
  // updated_at | submitted_at | total, ascending; "-" before it for
  // descending; empty for the newest change first.
  std::string sort;
};

class LifecycleService {
 public:
  // `clock` gives today's date in China (is the round open?) and the times
  // of submissions and reviews.
  // The clock must outlive the service.
  LifecycleService(store::Db& db, const Clock& clock);
  LifecycleService(store::Db& db, const Clock&& clock) = delete;

  // The enterprise's assessment in the round. kNotFound when the round, the
  // enterprise (or its scope) or the assessment does not exist.
  Result<AssessmentView> Get(const Principal& who, const std::string& round,
                             const std::string& uscc);
  // As Get, in the caller's transaction `tx`, beside reads of its own.
  Result<AssessmentView> Get(store::Tx& tx, const Principal& who, const std::string& round,
                             const std::string& uscc);
  // As Get, with the assessment's history, read in the same transaction.
  Result<AssessmentView> GetWithHistory(const Principal& who, const std::string& round, const std::string& uscc);

  // Saves a draft. `expected_version` is 0 for the first save, else the
  // version last read; a stale one is kConflict. The enterprise itself or a
  // granted agency may save, while the round is open, a draft or a rejected
  // assessment (which becomes a draft again). Invalid answers are kInvalid
  // with every problem in `details`.
  Result<AssessmentView> SaveDraft(const Principal& who, const std::string& round,
                                   const std::string& uscc, const std::string& answers_json,
                                   int64_t expected_version, const std::string& request_id,
                                   std::vector<Error>* details);

  // Scores and submits a draft. Every applicable required question must be
  // answered (else kInvalid listing them) and no consistency rule of
  // severity error broken (InconsistencyError); broken warnings are recorded
  // with the submission (audit "assessment.submit_warnings"). After the close date only a
  // province or ministry admin can submit, with `override` (audited). When
  // the round asks for a 真实性承诺, the submitter must confirm it
  // (`pledged`; else kInvalid "pledge_required"); the confirmation is kept
  // with the submission.
  Result<AssessmentView> Submit(const Principal& who, const std::string& round,
                                const std::string& uscc, bool override_close, bool pledged,
                                const std::string& request_id, std::vector<Error>* details);

  // Approves or rejects a submitted assessment (unit, province or ministry
  // admin whose scope holds the enterprise). A rejection needs a reason.
  Result<AssessmentView> Review(const Principal& who, const std::string& round,
                                const std::string& uscc, bool approve, const std::string& reason,
                                const std::string& request_id);

  // The review queue: the assessments of a round in `who`'s scope that
  // `request` asks for, one page and the total. kNotFound when the round does
  // not exist or concerns someone else; kInvalid naming the parameter for an
  // unknown unit, status, industry or stage (a stage of the round's models),
  // a date that is not YYYY-MM-DD, a range that ends before it starts, or a
  // search text of more than 50 characters.
  Result<store::AssessmentPage> List(const Principal& who, const AssessmentListRequest& request);

  // Takes a submitted, not yet reviewed assessment back to draft, while the
  // round is open (after the close it could not be submitted again).
  Result<AssessmentView> Withdraw(const Principal& who, const std::string& round,
                                  const std::string& uscc, const std::string& request_id);

  // The shared write transactions so far (for /metrics).
  const store::GroupCommit& writes() const { return writes_; }

 private:
  store::Db& db_;
  const Clock& clock_;
  // Writes of concurrent callers (drafts, submissions, withdrawals,
  // reviews) share a transaction.
  store::GroupCommit writes_{db_};
};

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_LIFECYCLE_H_
