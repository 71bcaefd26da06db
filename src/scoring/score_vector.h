// A scored result's dimension scores and key indicators as compact text,
// stored with the assessment so that analytics read numbers without
// re-parsing answers: "d1,d2,...|k1,k2,..." in the model's order, each the
// shortest decimal that reads back to the same double, NaN as empty.
#ifndef RONGPING_SCORING_SCORE_VECTOR_H_
#define RONGPING_SCORING_SCORE_VECTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "scoring/scorer.h"

namespace rongping::scoring {

std::string EncodeScoreVector(const ScoreResult& result);

struct ScoreVector {
  std::vector<double> dimensions;
  std::vector<double> key_indicators;
};

// Reads a vector back; false when it does not have `dimensions` and
// `key_indicators` values.
bool DecodeScoreVector(std::string_view text, size_t dimensions, size_t key_indicators,
                       ScoreVector* out);

}  // namespace rongping::scoring

#endif  // RONGPING_SCORING_SCORE_VECTOR_H_
