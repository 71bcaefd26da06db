// Scoring: answers -> question scores -> indicators -> dimensions -> total
// (0-100), level (stage), key indicators and an explanation. A pure,
// deterministic function of (model, answers, production type): the same
// inputs give bit-identical results on any thread, one at a time or in a
// batch.
#ifndef RONGPING_SCORING_SCORER_H_
#define RONGPING_SCORING_SCORER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace rongping::scoring {

// One assessment's answers in the model's layout: per question its answer
// value (option index, option bitmask, number, 1/0) or NaN when unanswered.
struct Answers {
  std::vector<double> values;      // one per question, in model order
  std::vector<std::string> texts;  // one per question; text answers only
};

struct AnswerProblem {
  std::string question;  // question id (or the unknown key)
  std::string message;   // 中文
};

// Parses answers given as a JSON object text (question id -> value) and
// checks each against its question: unknown questions and options, wrong
// types, out-of-range numbers, NaN and infinities, exclusive options
// combined, text too long. Every problem is listed; `answers` holds the
// valid part.
struct ParsedAnswers {
  Answers answers;
  std::vector<AnswerProblem> problems;
};
ParsedAnswers ParseAnswers(const model::Model& model, std::string_view json_text);

struct QuestionResult {
  bool applicable = true;
  bool answered = false;
  double score = 0;         // 0-100; NaN when not applicable
  double contribution = 0;  // points of the total this question earns
  double max_contribution = 0;  // points it would earn at 100
};

struct ScoreResult {
  std::string model_id;
  std::string model_hash;
  double total = 0;
  int level = 0;  // index into model.levels
  std::vector<double> dimensions;      // 0-100, NaN when nothing applies
  std::vector<double> indicators;      // 0-100, NaN when nothing applies
  std::vector<QuestionResult> questions;
  std::vector<double> key_indicators;  // bool as 1/0; NaN when missing
  // Required applicable questions without an answer (ids), in model order.
  std::vector<std::string> missing;
  // The consistency rules the answers break (indices into
  // model.consistency_rules, in model order): those whose questions all
  // apply and are answered and whose expression does not hold.
  std::vector<int> broken_rules;
  // Whether any of them is an error (which blocks submission).
  bool HasInconsistency(const model::Model& model) const;
};

// Index of a production type in model::ProductionTypes(), or -1.
int ProductionTypeIndex(std::string_view production_type);

// Scores one assessment. `production_type` must be a known type.
ScoreResult Score(const model::Model& model, const Answers& answers, int production_type);

// The core evaluation on a value array of model.slot_count doubles whose
// production-type and answer slots are filled; computes everything else in
// place (NaN in the answer slots of questions that do not apply) and returns
// the level. Allocates nothing for the models shipped.
//
// With `weight_sums` (model.indicators.size() + model.dimensions.size() + 1
// doubles), also puts there the weights of the parts that apply, summed in
// model order as the means were: per indicator its questions', per
// dimension its indicators', and last the dimensions'.
int Evaluate(const model::Model& model, double* slots, double* weight_sums = nullptr);

// Scores many assessments, in blocks over `threads` threads (0 = all
// cores). `answers[q][i]` is question q's value for assessment i. Results
// are identical to Score() one by one, to the bit.
struct BatchResult {
  std::vector<double> totals;
  std::vector<int> levels;
};
BatchResult ScoreBatch(const model::Model& model, const std::vector<std::vector<double>>& answers,
                       const std::vector<int>& production_types, int threads = 0);

struct AnswerChange {
  int question = -1;  // index into model.questions
  double value = 0;   // new answer value in the Answers layout
};

// A variant of an assessment: up to two answers changed (question -1 in
// the second: only one).
struct AnswerVariant {
  AnswerChange first;
  AnswerChange second;
};

// The totals and levels of variants of one assessment: variant k is
// `answers` with variants[k] applied. The same bits as Score of each
// variant; evaluated in blocks, so that many variants cost a fraction of as
// many Score calls.
BatchResult ScoreVariants(const model::Model& model, const Answers& answers, int production_type,
                          const std::vector<AnswerVariant>& variants);

// Problems with the model's levels found by evaluating it: with every answer
// at its best (and every question applicable for each production type) the
// top level must be reached. Used by the model validator.
std::vector<std::string> LevelReachabilityProblems(const model::Model& model);

// The best answer of a question (its most developed option, all options but
// exclusive ones, the number that scores highest, yes).
double BestAnswer(const model::Question& question);

}  // namespace rongping::scoring

#endif  // RONGPING_SCORING_SCORER_H_
