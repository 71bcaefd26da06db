// Loading models as programs use them: parsed and checked by the model layer
// (model::ParseModel), then evaluated here so that every level is reachable
// with every answer at its best. Shipped models are found by id, others by
// path; SharedModel keeps each one loaded for the process.
#ifndef RONGPING_SCORING_MODEL_LOADING_H_
#define RONGPING_SCORING_MODEL_LOADING_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "model/model.h"

namespace rongping::scoring {

// Parses and validates a model, reachability of its levels included.
// `source` names the file in messages; every problem is
// "<source>: <json path>: <message>" (中文), or "<source>: <message>" for
// one about the whole file (too large, unreadable).
model::LoadOutcome LoadModel(std::string_view json_text, std::string_view source);

// Loads a model from a file path or a directory holding model.json.
model::LoadOutcome LoadModelFile(const std::string& path);

// Loads a shipped model by id, or a model file by path. kNotFound / kInvalid
// with the problems joined.
Result<std::shared_ptr<const model::Model>> ResolveModel(const std::string& id_or_path);

// ResolveModel, loaded once per process and then shared: for the models
// rounds and stored results name. A model file is read the first time it is
// named; later changes to the file are not seen. Thread-safe.
Result<std::shared_ptr<const model::Model>> SharedModel(const std::string& id_or_path);

}  // namespace rongping::scoring

#endif  // RONGPING_SCORING_MODEL_LOADING_H_
