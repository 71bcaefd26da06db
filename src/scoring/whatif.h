// What-if simulation and the path to the next stage. Both rescore copies of
// an assessment's answers; nothing is saved.
#ifndef RONGPING_SCORING_WHATIF_H_
#define RONGPING_SCORING_WHATIF_H_

#include <vector>

#include "scoring/scorer.h"

namespace rongping::scoring {

// The result of `base` with `changes` applied.
ScoreResult WhatIf(const model::Model& model, const Answers& base, int production_type,
                   const std::vector<AnswerChange>& changes);

enum class PathCost {
  kEffort,  // sum of the model's per-option efforts
  kCount,   // number of answers changed
};

struct PathStep {
  int question = -1;
  double from = 0;  // current answer value (NaN when unanswered)
  double to = 0;    // improved answer value
  double cost = 0;
};

struct PathResult {
  int current_level = 0;
  int target_level = 0;  // current + 1; equal to current at the top level
  bool reachable = false;
  std::vector<PathStep> steps;  // in question order
  double total_cost = 0;
  double total_after = 0;  // total score once the steps are taken
};

// A small set of answer improvements that reaches the next level: the
// cheapest single change or pair of changes when one exists, otherwise a
// greedy sequence (best score gain per cost) pruned until every remaining
// step is needed. Deterministic. At the top level returns reachable=false
// with no steps.
PathResult PathToNextLevel(const model::Model& model, const Answers& answers, int production_type,
                           PathCost cost = PathCost::kEffort);

}  // namespace rongping::scoring

#endif  // RONGPING_SCORING_WHATIF_H_
