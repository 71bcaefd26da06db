// JSON form of a score result, for the command line and the API.
#ifndef RONGPING_SCORING_RESULT_JSON_H_
#define RONGPING_SCORING_RESULT_JSON_H_

#include <nlohmann/json_fwd.hpp>

#include "scoring/scorer.h"
#include "scoring/whatif.h"

namespace rongping::scoring {

// {model:{id,version,hash,reference_only}, total, level:{index,id,title},
//  dimensions:[{id,title,score}], indicators:[{id,title,dimension,score}],
//  key_indicators:[{id,title,type,value,unit}], missing:[ids],
//  questions:[{id,applicable,answered,score,contribution,max_contribution}]}
// Scores are unrounded doubles; NaN is written as null.
nlohmann::ordered_json ResultToJson(const model::Model& model, const ScoreResult& result,
                                    bool with_questions);

// {current_level, target_level:{id,title}, reachable, total_cost, total_after,
//  steps:[{question, text, from, to, cost}]} with answers shown as the
// option text, the number with its unit, or 是/否.
nlohmann::ordered_json PathToJson(const model::Model& model, const PathResult& path);

// The broken consistency rules: [{id, severity: "error"|"warning", message,
// questions: [ids]}], errors first.
nlohmann::ordered_json ConsistencyToJson(const model::Model& model, const std::vector<int>& broken_rules);

// An answer value as a person reads it; "未作答" when NaN.
std::string DescribeAnswer(const model::Question& question, double value);

}  // namespace rongping::scoring

#endif  // RONGPING_SCORING_RESULT_JSON_H_
