// What follows from an assessment's stored answers alone, made once per
// distinct answers and kept for the most recent ones in the process: an
// enterprise's answers change rarely and are read often (its result page,
// its diagnosis, a reviewer's queue).
#ifndef RONGPING_SCORING_STORED_ANSWERS_H_
#define RONGPING_SCORING_STORED_ANSWERS_H_

#include <memory>
#include <string>
#include <string_view>

#include "model/model.h"
#include "scoring/scorer.h"

namespace rongping::scoring {

// The key under which results of pure functions of (model, production
// type, answers) are kept: a SHA-256 digest of the model's hash, the
// production type and the answers' JSON text.
std::string AnswersDigest(const model::Model& model, std::string_view production_type,
                          std::string_view answers_json);

// The score of stored answers: ParseAnswers, then Score (an unknown
// production type scores as the first), the same as calling them; kept for
// the 4,096 most recently asked answers.
std::shared_ptr<const ScoreResult> ScoreStored(const model::Model& model, std::string_view production_type,
                                               std::string_view answers_json);

}  // namespace rongping::scoring

#endif  // RONGPING_SCORING_STORED_ANSWERS_H_
