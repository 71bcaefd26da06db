// `rongping gen`: realistic synthetic data in the import formats
// (shared contract): enterprises.csv and assessments.jsonl in an output
// directory, with a 中文 summary of what was generated on stdout.
#ifndef RONGPING_CLI_GEN_COMMAND_H_
#define RONGPING_CLI_GEN_COMMAND_H_

#include <cstdint>
#include <string>

namespace rongping::cli {

// Writes into `out_dir` (created if absent):
//   enterprises.csv    the contract's enterprise columns, UTF-8, header row:
//                      a Guangdong-like population over the 22 reporting
//                      units (demo::GeneratePopulation);
//   assessments.jsonl  one object per enterprise and round (rounds gd-2016,
//                      gd-2017, ...; enterprises outside the model's
//                      applies_to get none): mostly "approved", some
//                      "submitted", and "draft" with part of the answers.
// Prints counts and, per round, the stage distribution and the model's key
// indicators measured on the complete assessments. `model_id` is a shipped
// model id or a model file path (scoring::ResolveModel); empty means
// gbt23020-2013. Deterministic for a seed.
// Returns 0 on success, 1 when the files cannot be written, 2 on bad usage
// (negative or absurd counts, unknown or invalid model). Messages go to
// stderr.
int GenCommand(int64_t enterprises, int rounds, uint64_t seed, const std::string& out_dir,
               const std::string& model_id);

}  // namespace rongping::cli

#endif  // RONGPING_CLI_GEN_COMMAND_H_
